"""Admin sign-in and sign-out pages (the rules are festival/auth.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth
from festival.state import state
from festival.templating import render


def _login_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    context = {
        "error": error,
        "enabled": bool(state(request).settings.admin_password),
        "next": auth.safe_next(request.query_params.get("next"), "/admin"),
        "signed_in": auth.is_admin(request),
    }
    return render(request, "admin/login.html", context, status_code=status_code)


async def login(request: Request) -> Response:
    """GET: the sign-in form; POST: check the password and sign in."""
    if request.method == "GET":
        return _login_page(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    settings = state(request).settings
    password = form.get("password")
    if not settings.admin_password:
        return _login_page(request, "Admin sign-in is off: set ADMIN_PASSWORD.", 403)
    if not isinstance(password, str) or not auth.password_matches(settings, password):
        return _login_page(request, "That password is not right.", 403)
    auth.sign_in(request)
    next_value = form.get("next")
    target = auth.safe_next(next_value if isinstance(next_value, str) else None, "/admin")
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    await auth.verify_csrf(request, form)
    auth.sign_out(request)
    return RedirectResponse("/", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/login", login, methods=["GET", "POST"], name="admin_login"),
    Route("/admin/logout", logout, methods=["POST"], name="admin_logout"),
]
