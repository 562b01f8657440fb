"""Sign-in pages. ``/admin/login``: the ``ADMIN_PASSWORD`` first sign-in of a new site, retired
once an admin account exists (festival/auth/bootstrap.py says the path); the rules are
festival/auth/."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth
from festival.auth import bootstrap
from festival.state import state
from festival.stores import accounts as store
from festival.templating import render


async def _admin_accounts_exist(request: Request) -> bool:
    async with state(request).sessions() as db:
        return await store.any_admin(db)


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
    if await _admin_accounts_exist(request):
        # Retired: accounts sign in at /signin (a POST says so rather than trying the password).
        if request.method in ("GET", "HEAD"):
            return _to_signin(auth.safe_next(request.query_params.get("next"), "/admin"))
        form = await request.form()
        await auth.verify_csrf(request, form)
        return await _login_page(
            request,
            "ADMIN_PASSWORD no longer signs in on this site: sign in with your account at "
            f"{auth.SIGNIN_PATH}.",
            403,
        )
    if request.method in ("GET", "HEAD"):
        return await _login_page(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    settings = state(request).settings
    password = form.get("password")
    if not settings.admin_password:
        return await _login_page(request, "Admin sign-in is off: set ADMIN_PASSWORD.", 403)
    if not isinstance(password, str) or not bootstrap.password_matches(settings, password):
        return await _login_page(request, "That password is not right.", 403)
    await auth.sign_in(request, None)
    next_value = form.get("next")
    target = auth.safe_next(next_value if isinstance(next_value, str) else None, "/admin")
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    await auth.verify_csrf(request, form)
    await auth.sign_out(request)
    return RedirectResponse("/", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/login", login, methods=["GET", "POST"], name="admin_login"),
    Route("/admin/logout", logout, methods=["POST"], name="admin_logout"),
]
