"""Who may do what: admin sign-in (until accounts exist) and CSRF protection for every form.

The session is Starlette's signed cookie (``SessionMiddleware`` keyed by ``settings.secret_key``).
Signing in stores a fingerprint of the admin password rather than a bare flag, so changing
``ADMIN_PASSWORD`` signs every admin out; with no password configured nobody is an admin.

CSRF: a random token lives in the session; every POST form carries it in ``csrf_token`` and
:func:`verify_csrf` compares the two in constant time (the synchroniser-token pattern).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival.errors import ForbiddenError
from festival.settings import Settings

SESSION_COOKIE = "festival_session"
SESSION_MAX_AGE = 14 * 24 * 3600  # seconds
CSRF_FIELD = "csrf_token"
_CSRF_KEY = "csrf"
_ADMIN_KEY = "admin"


def _session(conn: HTTPConnection) -> dict[str, Any]:
    """The signed session, or an empty one when the middleware is not installed."""
    if "session" not in conn.scope:
        return {}
    session: dict[str, Any] = conn.session
    return session


def _settings(conn: HTTPConnection) -> Settings:
    settings: Settings = conn.app.state.festival.settings
    return settings


def _fingerprint(settings: Settings) -> str | None:
    if not settings.admin_password:
        return None
    mac = hmac.new(
        settings.secret_key.encode(), b"admin:" + settings.admin_password.encode(), "sha256"
    )
    return mac.hexdigest()[:32]


def is_admin(conn: HTTPConnection) -> bool:
    """Whether the request (or WebSocket) comes from a signed-in admin."""
    expected = _fingerprint(_settings(conn))
    given = _session(conn).get(_ADMIN_KEY)
    return expected is not None and isinstance(given, str) and hmac.compare_digest(given, expected)


def require_admin(request: HTTPConnection) -> None:
    """Raise ForbiddenError unless an admin is signed in."""
    if not is_admin(request):
        raise ForbiddenError(
            "This page is for festival admins. Sign in at /admin/login first.", "auth.forbidden"
        )


def csrf_token(request: HTTPConnection) -> str:
    """The session's CSRF token (created on first use); put it in every POST form."""
    session = _session(request)
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        if "session" in request.scope:
            request.session[_CSRF_KEY] = token
    return token


async def verify_csrf(request: Request, form: FormData | Mapping[str, Any]) -> None:
    """Raise ForbiddenError unless the form's token matches the session's."""
    given = form.get(CSRF_FIELD)
    expected = _session(request).get(_CSRF_KEY)
    if (
        not isinstance(given, str)
        or not isinstance(expected, str)
        or not expected
        or not hmac.compare_digest(given.encode(), expected.encode())
    ):
        raise ForbiddenError(
            "This form has expired or was not sent from this site. "
            "Go back, reload the page and try again.",
            "auth.csrf",
        )


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site path to go back to (never another host: no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def password_matches(settings: Settings, given: str) -> bool:
    if not settings.admin_password:
        return False
    # Compare digests so the comparison time does not depend on the lengths either.
    a = hashlib.sha256(given.encode()).digest()
    b = hashlib.sha256(settings.admin_password.encode()).digest()
    return hmac.compare_digest(a, b)


# -- routes -----------------------------------------------------------------------------------


def _login_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    settings = _settings(request)
    context = {
        "error": error,
        "enabled": bool(settings.admin_password),
        "next": safe_next(request.query_params.get("next"), "/admin"),
        "signed_in": is_admin(request),
    }
    response: Response = request.app.state.templates.TemplateResponse(
        request, "admin/login.html", context, status_code=status_code
    )
    return response


async def login(request: Request) -> Response:
    """GET: the sign-in form; POST: check the password and sign in."""
    if request.method == "GET":
        return _login_page(request)
    form = await request.form()
    await verify_csrf(request, form)
    settings = _settings(request)
    password = form.get("password")
    if not settings.admin_password:
        return _login_page(request, "Admin sign-in is off: set ADMIN_PASSWORD.", 403)
    if not isinstance(password, str) or not password_matches(settings, password):
        return _login_page(request, "That password is not right.", 403)
    request.session.clear()  # a fresh session (and CSRF token) for the signed-in admin
    fingerprint = _fingerprint(settings)
    assert fingerprint is not None
    request.session[_ADMIN_KEY] = fingerprint
    next_value = form.get("next")
    target = safe_next(next_value if isinstance(next_value, str) else None, "/admin")
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    await verify_csrf(request, form)
    request.session.pop(_ADMIN_KEY, None)
    return RedirectResponse("/", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/login", login, methods=["GET", "POST"], name="admin_login"),
    Route("/admin/logout", logout, methods=["POST"], name="admin_logout"),
]
