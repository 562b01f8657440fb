"""Admin page for people and roles: every account with its organisations and hosted sessions;
make or unmake an admin, remove someone from an organisation. Organisers join by invitation
(/admin/invitations); hosts are given on each session's admin page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import auth
from festival.db import session_scope
from festival.errors import NotFoundError
from festival.i18n import LazyString
from festival.i18n import gettext as _
from festival.i18n import lazy_gettext as _l
from festival.routes.admin import admin_form, admin_only, back_to, page
from festival.state import state
from festival.stores import accounts as accounts_store
from festival.stores import identities, people

#: What was just done, said about the account (``%(who)s``: its address).
DONE: dict[str, LazyString] = {
    "admin": _l("%(who)s is now an admin."),
    "not-admin": _l("%(who)s is no longer an admin."),
    "removed": _l("%(who)s no longer organises that organisation."),
    "unlinked": _l("%(who)s no longer signs in with that identity."),
}


def _account_id(request: Request) -> int:
    value = str(request.path_params["account_id"])
    if not value.isdigit():
        raise NotFoundError(_("There is no such account."), "account.not_found")
    return int(value)


async def _people_page(
    request: Request, account: auth.Account, context: dict[str, Any], status_code: int = 200
) -> Response:
    async with state(request).sessions() as db:
        listed = await people.list_people(db)
        linked = await identities.identities_by_account(db)
    # The message names the account by its id in the address, never by text from the address.
    done = request.query_params.get("done", "")
    who = {str(person.id): person.email for person in listed}.get(
        request.query_params.get("who", "")
    )
    full = {
        "people": listed,
        "identities": linked,
        "me": account,
        "done": DONE[done] % {"who": who} if done in DONE and who else "",
        **context,
    }
    return page(request, "admin/people.html", full, status_code)


@admin_only
async def people_page(request: Request, account: auth.Account) -> Response:
    return await _people_page(request, account, {})


@admin_only
async def set_admin(request: Request, account: auth.Account) -> Response:
    """Make an account an admin (``admin=1``) or no longer one (``admin=0``)."""
    fields = await admin_form(request)
    account_id = _account_id(request)
    make = fields.choice("admin", ("0", "1"), _("Choose whether this person is an admin."))
    if make is None:
        errors = {f"admin-{account_id}": fields.errors["admin"]}
        return await _people_page(request, account, {"errors": errors}, 400)
    try:
        async with session_scope(state(request).sessions) as db:
            await people.set_admin(db, account_id, make == "1")
    except people.LastAdminError as exc:
        errors = {f"admin-{account_id}": exc.message}
        return await _people_page(request, account, {"errors": errors}, 400)
    done = "admin" if make == "1" else "not-admin"
    return back_to(f"/admin/people?done={done}&who={account_id}")


@admin_only
async def remove_membership(request: Request, account: auth.Account) -> Response:
    """Remove an account from one organisation (its other roles stay)."""
    await admin_form(request)
    account_id = _account_id(request)
    organisation_id = str(request.path_params["organisation_id"])
    async with session_scope(state(request).sessions) as db:
        await accounts_store.get_account_row(db, account_id)
        if organisation_id.isdigit():
            await accounts_store.remove_membership(db, account_id, int(organisation_id))
    return back_to(f"/admin/people?done=removed&who={account_id}")


@admin_only
async def unlink_identity(request: Request, account: auth.Account) -> Response:
    """Unlink an identity at a provider from an account: it signs in to that account no more
    (the next sign-in with it makes a new attendee account)."""
    await admin_form(request)
    account_id = _account_id(request)
    identity_id = str(request.path_params["identity_id"])
    if not identity_id.isdigit():
        raise NotFoundError(_("That account has no such identity."), "identity.not_found")
    async with session_scope(state(request).sessions) as db:
        await identities.unlink(db, account_id, int(identity_id))
    return back_to(f"/admin/people?done=unlinked&who={account_id}")


routes: list[BaseRoute] = [
    Route("/admin/people", people_page, methods=["GET"], name="admin_people"),
    Route(
        "/admin/people/{account_id}/admin", set_admin, methods=["POST"], name="admin_people_admin"
    ),
    Route(
        "/admin/people/{account_id}/organisations/{organisation_id}/remove",
        remove_membership,
        methods=["POST"],
        name="admin_people_remove_membership",
    ),
    Route(
        "/admin/people/{account_id}/identities/{identity_id}/unlink",
        unlink_identity,
        methods=["POST"],
        name="admin_people_unlink_identity",
    ),
]
