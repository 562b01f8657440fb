"""Pages of a signed-in person: ``/account`` (password change, sign out everywhere, the first
admin account after an ``ADMIN_PASSWORD`` sign-in), and invitations: an admin invites an
organiser (``/admin/invitations``), who accepts by link (``/invite/{token}``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth, mail
from festival.auth import credentials, limits, passwords
from festival.db import session_scope
from festival.errors import BadRequestError, NotFoundError
from festival.i18n import gettext as _
from festival.i18n import lazy_gettext
from festival.models import FestivalSession, Organisation
from festival.routes.signin import new_password, page, text
from festival.state import state
from festival.stores import accounts as store
from festival.stores import identities, invitations
from festival.stores import programme as programme_store

NOTICES = {
    "password-changed": lazy_gettext(
        "Your password is changed. Every other browser signed in to your account is signed out."
    ),
    "password-reset": lazy_gettext(
        "Your new password is set, and you are signed in. Every other browser signed in to "
        "your account is signed out."
    ),
    "welcome": lazy_gettext("Welcome! Your account is ready and you are signed in."),
    "joined": lazy_gettext("You are now an organiser of this organisation."),
    "admin-created": lazy_gettext(
        "Your admin account is ready and you are signed in with it. ADMIN_PASSWORD no longer "
        "signs anyone in: you can remove it from the settings."
    ),
}


async def _roles(request: Request, account: auth.Account) -> dict[str, Any]:
    async with state(request).sessions() as db:
        orgs = await db.execute(
            select(Organisation)
            .where(col(Organisation.id).in_(account.organisation_ids))
            .order_by(col(Organisation.name))
        )
        hosted = await db.execute(
            select(FestivalSession)
            .where(col(FestivalSession.id).in_(account.hosted_session_ids))
            .order_by(col(FestivalSession.starts_at_utc))
        )
        return {"organisations": list(orgs.scalars()), "hosted": list(hosted.scalars())}


async def _account_page(
    request: Request, context: dict[str, Any], status_code: int = 200
) -> Response:
    account = await auth.require_account(request)
    linked = []
    has_password = account.id is not None
    if account.id is not None:
        async with state(request).sessions() as db:
            linked = await identities.account_identities(db, account.id)
            # An account made by a provider's sign-in has no password to change.
            has_password = bool((await store.get_account_row(db, account.id)).password_hash)
    full = {
        "account": account,
        "has_password": has_password,
        "identities": linked,  # sign-in with providers (festival/routes/oidc.py)
        "providers": state(request).settings.oidc_providers,
        "errors": {},
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
        "form": {},
        **(await _roles(request, account)),
        **context,
    }
    return page(request, "auth/account.html", full, status_code)


async def account_page(request: Request) -> Response:
    return await _account_page(request, {})


async def change_password(request: Request) -> Response:
    """Check the current password, set the new one, end every other sign-in."""
    account = await auth.require_account(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    if account.id is None:
        raise BadRequestError(_("Create your admin account first: ADMIN_PASSWORD cannot change."))
    async with state(request).sessions() as db:
        if not (await store.get_account_row(db, account.id)).password_hash:
            # Made by a provider's sign-in (docs/sign-in.md): its address may be another
            # account's, whose password must not be checked for this one.
            raise BadRequestError(
                _("Your account has no password: you sign in with a provider."),
                "account.no_password",
            )
    try:
        await credentials.check(
            request, account.email, text(form, "current_password"), credentials.DEFAULT_LIMITS
        )
    except limits.TooManyAttemptsError as exc:
        return await _account_page(request, {"errors": {"current_password": exc.message}}, 429)
    except credentials.WrongCredentialsError:
        errors = {"current_password": _("That is not your current password.")}
        return await _account_page(request, {"errors": errors}, 403)
    try:
        password = new_password(form, account.email)
    except passwords.NewPasswordError as exc:
        return await _account_page(request, {"errors": exc.errors}, 400)
    hashed = await passwords.hash_password(password)
    app = state(request)
    async with session_scope(app.sessions) as db:
        await store.set_password(db, account.id, hashed, app.clock.now())
    await auth.sign_out_everywhere(request, account.id, keep_this=True)
    return RedirectResponse("/account?done=password-changed", status_code=303)


async def signout_everywhere(request: Request) -> Response:
    """End every sign-in of this account, this browser's included."""
    account = await auth.require_account(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    if account.id is None:
        await auth.sign_out(request)
    else:
        await auth.sign_out_everywhere(request, account.id, keep_this=False)
    return RedirectResponse("/signin?done=signed-out-everywhere", status_code=303)


async def first_admin(request: Request) -> Response:
    """After an ADMIN_PASSWORD sign-in: create the first admin account (which retires it)."""
    account = await auth.require_admin(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    if account.id is not None:
        return RedirectResponse("/account", status_code=303)
    email = text(form, "email").strip()
    name = text(form, "name").strip()
    kept = {"email": email, "name": name}
    app = state(request)
    try:
        address = store.check_email(email)
        password = new_password(form, address)
        hashed = await passwords.hash_password(password)
        async with session_scope(app.sessions) as db:
            now = app.clock.now()
            row = await store.create_account(
                db, email=address, name=name, password_hash=hashed, now=now, is_admin=True
            )
            await store.revoke_bootstrap_signins(db, now)
    except passwords.NewPasswordError as exc:
        return await _account_page(request, {"errors": exc.errors, "form": kept}, 400)
    except (store.InvalidEmailError, store.EmailTakenError) as exc:
        return await _account_page(request, {"errors": {"email": exc.message}, "form": kept}, 400)
    assert row.id is not None
    await auth.sign_in(request, row.id)
    return RedirectResponse("/account?done=admin-created", status_code=303)


# -- invitations ------------------------------------------------------------------------------


async def _invitations_page(
    request: Request, context: dict[str, Any], status_code: int = 200
) -> Response:
    app = state(request)
    async with app.sessions() as db:
        pending = await invitations.pending_invitations(db, app.clock.now())
        organisations = await programme_store.list_organisations(db)
    full = {
        "pending": pending,
        "organisations": organisations,
        "errors": {},
        "form": {},
        "sent": "",
        **context,
    }
    return page(request, "auth/invitations.html", full, status_code)


async def invitations_page(request: Request) -> Response:
    """GET: pending invitations and the form; POST: invite an organiser by email."""
    account = await auth.require_admin(request)
    if request.method in ("GET", "HEAD"):
        return await _invitations_page(request, {})
    form = await request.form()
    await auth.verify_csrf(request, form)
    kept = {k: text(form, k).strip() for k in ("email", "name", "organisation")}
    app = state(request)
    try:
        address = store.check_email(kept["email"])
    except store.InvalidEmailError as exc:
        return await _invitations_page(
            request, {"errors": {"email": exc.message}, "form": kept}, 400
        )
    try:
        async with session_scope(app.sessions) as db:
            org = await programme_store.get_organisation(db, kept["organisation"])
            assert org.id is not None
            token = await invitations.create_invitation(
                db,
                email=address,
                name=kept["name"],
                organisation_id=org.id,
                invited_by=account.id,
                now=app.clock.now(),
            )
            link = f"{app.settings.site_url}/invite/{token}"
            message = mail.Mail(
                to=address,
                # In the inviting admin's language (the invitee's is not known yet).
                subject=_(
                    "You are invited to organise %(organisation)s at the #LearningPlanet Festival",
                    organisation=org.name,
                ),
                body=_(
                    "Hello %(name)s,\n\n"
                    "%(admin)s invites you to organise the sessions of %(organisation)s in "
                    "the #LearningPlanet Festival programme. Open this link to choose your "
                    "password; it works once, for seven days:\n\n%(link)s\n",
                    name=kept["name"] or address,
                    admin=account.name,
                    organisation=org.name,
                    link=link,
                ),
            )
            # Sent before the invitation is saved: a mail that cannot go saves nothing.
            delivered = await mail.send(app.settings, message)
    except NotFoundError:
        errors = {"organisation": _("Choose one of the organisations in the list.")}
        return await _invitations_page(request, {"errors": errors, "form": kept}, 400)
    except mail.MailError as exc:
        errors = {
            "email": _(
                "The invitation could not be sent, so it was not saved: %(error)s", error=exc
            )
        }
        return await _invitations_page(request, {"errors": errors, "form": kept}, 502)
    sent = (
        _("Invitation sent to %(address)s.", address=address)
        if delivered
        else _(
            "SMTP is not set up: the invitation link for %(address)s was written to the "
            "server log (festival.mail). Pass it on yourself.",
            address=address,
        )
    )
    return await _invitations_page(request, {"sent": sent})


async def accept_invitation(request: Request) -> Response:
    """GET: the invitation (and a password form for a new account); POST: accept it."""
    app = state(request)
    form = None
    if request.method == "POST":  # the token is checked after the form's own (CSRF first)
        form = await request.form()
        await auth.verify_csrf(request, form)
    async with app.sessions() as db:
        found = await invitations.find_invitation(db, request.path_params["token"], app.clock.now())
        org = await db.get(Organisation, found.organisation_id) if found else None
        existing = await store.find_account_row(db, found.email) if found else None
    if found is None or org is None:
        return page(request, "auth/invitation.html", {"expired": True}, 400)
    context: dict[str, Any] = {
        "expired": False,
        "invitation": found,
        "organisation": org,
        "existing": existing is not None,
        "errors": {},
        "form": {"name": found.display_name},
    }
    if form is None:
        return page(request, "auth/invitation.html", context)
    name = text(form, "name").strip()
    hashed = None
    if existing is None:
        try:
            hashed = await passwords.hash_password(new_password(form, found.email))
        except passwords.NewPasswordError as exc:
            context.update(errors=exc.errors, form={"name": name})
            return page(request, "auth/invitation.html", context, 400)
    async with session_scope(app.sessions) as db:
        now = app.clock.now()
        if existing is None:
            assert hashed is not None
            row = await store.create_account(
                db, email=found.email, name=name, password_hash=hashed, now=now
            )
        else:
            row = existing
        assert row.id is not None and org.id is not None
        if not await invitations.mark_accepted(db, found, row.id, now):
            await db.rollback()
            return page(request, "auth/invitation.html", {"expired": True}, 400)
        await store.add_membership(db, row.id, org.id, now)
    if existing is None:
        await auth.sign_in(request, row.id)
        return RedirectResponse("/account?done=welcome", status_code=303)
    # An account that exists signs in with its own password (the link is not a password).
    current = await auth.current_account(request)
    if current is not None and current.id == row.id:
        return RedirectResponse("/account?done=joined", status_code=303)
    return RedirectResponse("/signin?next=/account&done=joined", status_code=303)


routes: list[BaseRoute] = [
    Route("/account", account_page, methods=["GET"], name="account"),
    Route("/account/password", change_password, methods=["POST"], name="account_password"),
    Route(
        "/account/signout-everywhere",
        signout_everywhere,
        methods=["POST"],
        name="account_signout_everywhere",
    ),
    Route("/account/first-admin", first_admin, methods=["POST"], name="account_first_admin"),
    Route("/invite/{token}", accept_invitation, methods=["GET", "POST"], name="invitation"),
    Route(
        "/admin/invitations", invitations_page, methods=["GET", "POST"], name="admin_invitations"
    ),
]
