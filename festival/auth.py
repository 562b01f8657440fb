"""Who may do what: admin sign-in (until accounts exist) and CSRF protection for every form.
(The sign-in pages themselves are festival/routes/signin.py.)

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

from festival.errors import ForbiddenError
from festival.settings import Settings
from festival.state import state

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


def _fingerprint(settings: Settings) -> str | None:
    if not settings.admin_password:
        return None
    mac = hmac.new(
        settings.secret_key.encode(), b"admin:" + settings.admin_password.encode(), "sha256"
    )
    return mac.hexdigest()[:32]


def is_admin(conn: HTTPConnection) -> bool:
    """Whether the request (or WebSocket) comes from a signed-in admin."""
    expected = _fingerprint(state(conn).settings)
    given = _session(conn).get(_ADMIN_KEY)
    return expected is not None and isinstance(given, str) and hmac.compare_digest(given, expected)


def sign_in(request: Request) -> None:
    """Sign the admin in, in a fresh session (and so with a fresh CSRF token)."""
    fingerprint = _fingerprint(state(request).settings)
    if fingerprint is None:
        raise ForbiddenError("Admin sign-in is off: set ADMIN_PASSWORD.", "auth.forbidden")
    request.session.clear()
    request.session[_ADMIN_KEY] = fingerprint


def sign_out(request: Request) -> None:
    request.session.pop(_ADMIN_KEY, None)


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
