"""Signing in and out: ``/signin`` (email and password), ``/signout``, the password-reset
link (``/signin/reset``, ``/reset/{token}``), and ``/admin/login``, the ``ADMIN_PASSWORD``
first sign-in of a new site, retired once an admin account exists (festival/auth/bootstrap.py).
The rules are festival/auth/."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.background import BackgroundTask
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth, mail
from festival.auth import credentials, limits, passwords
from festival.db import session_scope
from festival.i18n import gettext as _
from festival.routes.oidc import forget_account_agenda, provider_logout
from festival.settings import Settings
from festival.state import state
from festival.stores import accounts as store
from festival.stores import resets
from festival.templating import render

#: Reset links asked for, per address asked about and per network address.
RESET_LIMITS = limits.AttemptLimits(per_account=3, per_address=10, window=limits.HOUR)


def text(form: FormData, name: str) -> str:
    """A form field as text ("" when missing or a file)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A page about someone's account: never cached, never sent elsewhere as a referrer."""
    response = render(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def new_password(form: FormData, email: str) -> str:
    """The new password of a form (``password``, typed twice: ``password_again``)."""
    return passwords.check_new_pair(text(form, "password"), text(form, "password_again"), email)


def with_retry_after(response: Response, exc: limits.TooManyAttemptsError) -> Response:
    response.headers["Retry-After"] = str(exc.retry_after_seconds)
    return response


async def _bootstrap_available(request: Request) -> bool:
    """Whether ADMIN_PASSWORD still signs in (set, and no admin account yet)."""
    if not state(request).settings.admin_password:
        return False
    async with state(request).sessions() as db:
        return not await store.any_admin(db)


# -- /signin, /signout ------------------------------------------------------------------------


async def _signin_page(
    request: Request, context: dict[str, Any], status_code: int = 200
) -> Response:
    full = {
        "email": "",
        "error": "",
        "next": auth.safe_next(request.query_params.get("next"), "/account"),
        "account": await auth.current_account(request),
        "bootstrap": await _bootstrap_available(request),
        "notice": request.query_params.get("done", ""),
        "providers": state(request).settings.oidc_providers,
        **context,
    }
    return page(request, "auth/signin.html", full, status_code)


async def signin(request: Request) -> Response:
    """GET: the sign-in form; POST: check the address and password, then sign in."""
    if request.method in ("GET", "HEAD"):
        return await _signin_page(request, {})
    form = await request.form()
    await auth.verify_csrf(request, form)
    email = text(form, "email").strip()
    target = auth.safe_next(text(form, "next"), "/account")
    context = {"email": email, "next": target}
    try:
        account_id = await credentials.check(
            request, email, text(form, "password"), credentials.DEFAULT_LIMITS
        )
    except limits.TooManyAttemptsError as exc:
        response = await _signin_page(request, {**context, "error": exc.message}, 429)
        return with_retry_after(response, exc)
    except credentials.WrongCredentialsError as exc:
        return await _signin_page(request, {**context, "error": exc.message}, exc.status_code)
    await auth.sign_in(request, account_id)
    return RedirectResponse(target, status_code=303)


async def signout(request: Request) -> Response:
    form = await request.form()
    await auth.verify_csrf(request, form)
    # Signed in through a provider that offers it: sign out there too (RP-Initiated Logout).
    at_provider = await provider_logout(request, "/signin?done=signed-out")
    account = await auth.current_account(request)
    await auth.sign_out(request)
    response = RedirectResponse(at_provider or "/signin?done=signed-out", status_code=303)
    if account is not None and account.id is not None:
        await forget_account_agenda(request, response, account.id)
    return response


# -- password reset by link -------------------------------------------------------------------


async def _send_quietly(settings: Settings, message: mail.Mail) -> None:
    """Send after the answer has gone: its timing must not say whether the account exists."""
    try:
        await mail.send(settings, message)
    except mail.MailError:
        pass  # logged by mail.send; the person can ask again


async def reset_request(request: Request) -> Response:
    """GET: ask for a reset link; POST: send one if the address has an account (the answer is
    the same either way)."""
    context: dict[str, Any] = {"email": "", "error": "", "sent": False}
    if request.method in ("GET", "HEAD"):
        return page(request, "auth/reset_request.html", context)
    form = await request.form()
    await auth.verify_csrf(request, form)
    app = state(request)
    email = text(form, "email").strip()
    context["email"] = email
    try:
        await limits.begin(
            app.sessions,
            account="reset:" + limits.account_key(email),
            address="reset:" + limits.address_limit_key(request, app.settings),
            now=app.clock.now(),
            limits=RESET_LIMITS,
        )
    except limits.TooManyAttemptsError as exc:
        response = page(request, "auth/reset_request.html", {**context, "error": exc.message}, 429)
        return with_retry_after(response, exc)
    message = None
    async with session_scope(app.sessions) as db:
        row = await store.find_account_row(db, email) if len(email) <= 254 else None
        if row is not None and row.id is not None:
            token = await resets.create_reset(db, row.id, app.clock.now())
            message = mail.Mail(
                to=row.email,
                # In the language of the page the reset was asked from.
                subject=_("Reset your #LearningPlanet Festival password"),
                body=_(
                    "Hello %(name)s,\n\n"
                    "Someone (we hope you) asked to reset the password of your festival "
                    "account. Open this link to choose a new one; it works once, for one "
                    "hour:\n\n%(link)s\n\n"
                    "If it was not you, ignore this message: your password stays as it is.\n",
                    name=row.display_name,
                    link=app.settings.site_url + "/reset/" + token,
                ),
            )
    response = page(request, "auth/reset_request.html", {**context, "sent": True})
    if message is not None:
        response.background = BackgroundTask(_send_quietly, app.settings, message)
    return response


def _expired(request: Request) -> Response:
    return page(request, "auth/reset.html", {"expired": True, "errors": {}}, 400)


async def reset(request: Request) -> Response:
    """GET: the new-password form of a reset link; POST: set it (the link then opens nothing,
    and every sign-in of the account ends)."""
    app = state(request)
    form = None
    if request.method == "POST":  # the token is checked after the form's own (CSRF first)
        form = await request.form()
        await auth.verify_csrf(request, form)
    async with app.sessions() as db:
        found = await resets.find_reset(db, request.path_params["token"], app.clock.now())
        row = await store.get_account_row(db, found.account_id) if found is not None else None
    if found is None or row is None:
        return _expired(request)
    context: dict[str, Any] = {"expired": False, "errors": {}, "email": row.email}
    if form is None:
        return page(request, "auth/reset.html", context)
    try:
        password = new_password(form, row.email)
    except passwords.NewPasswordError as exc:
        return page(request, "auth/reset.html", {**context, "errors": exc.errors}, 400)
    hashed = await passwords.hash_password(password)
    async with session_scope(app.sessions) as db:
        now = app.clock.now()
        if not await resets.use_reset(db, found, now):
            return _expired(request)
        await store.set_password(db, found.account_id, hashed, now)
        await store.revoke_account_signins(db, found.account_id, now)
    await auth.sign_in(request, found.account_id)
    return RedirectResponse("/account?done=password-reset", status_code=303)


# -- ADMIN_PASSWORD: the first sign-in ------------------------------------------------------


def _to_signin(target: str) -> Response:
    return RedirectResponse(f"{auth.SIGNIN_PATH}?next={quote(target, safe='/')}", status_code=303)


async def _login_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    context = {
        "error": error,
        "enabled": bool(state(request).settings.admin_password),
        "next": auth.safe_next(request.query_params.get("next"), "/admin"),
        "signed_in": await auth.is_admin(request),
    }
    return render(request, "admin/login.html", context, status_code=status_code)


async def login(request: Request) -> Response:
    """GET: the ADMIN_PASSWORD form; POST: check the password and sign in as the admin."""
    async with state(request).sessions() as db:
        retired = await store.any_admin(db)
    if retired:
        # Accounts sign in at /signin (a POST says so rather than trying the password).
        if request.method in ("GET", "HEAD"):
            return _to_signin(auth.safe_next(request.query_params.get("next"), "/admin"))
        form = await request.form()
        await auth.verify_csrf(request, form)
        return await _login_page(
            request,
            _(
                "ADMIN_PASSWORD no longer signs in on this site: sign in with your account at "
                "%(path)s.",
                path=auth.SIGNIN_PATH,
            ),
            403,
        )
    if request.method in ("GET", "HEAD"):
        return await _login_page(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    if not state(request).settings.admin_password:
        return await _login_page(request, _("Admin sign-in is off: set ADMIN_PASSWORD."), 403)
    try:
        right = await credentials.check_admin_password(
            request, text(form, "password"), credentials.DEFAULT_LIMITS
        )
    except limits.TooManyAttemptsError as exc:
        return with_retry_after(await _login_page(request, exc.message, 429), exc)
    if not right:
        return await _login_page(request, _("That password is not right."), 403)
    await auth.sign_in(request, None)
    return RedirectResponse(auth.safe_next(text(form, "next"), "/admin"), status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    await auth.verify_csrf(request, form)
    await auth.sign_out(request)
    return RedirectResponse("/", status_code=303)


routes: list[BaseRoute] = [
    Route("/signin", signin, methods=["GET", "POST"], name="signin"),
    Route("/signout", signout, methods=["POST"], name="signout"),
    Route("/signin/reset", reset_request, methods=["GET", "POST"], name="reset_request"),
    Route("/reset/{token}", reset, methods=["GET", "POST"], name="reset"),
    Route("/admin/login", login, methods=["GET", "POST"], name="admin_login"),
    Route("/admin/logout", logout, methods=["POST"], name="admin_logout"),
]
