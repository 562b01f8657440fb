"""CSRF protection for every form, and safe "go back to" targets.

A random token lives in the signed cookie session; every POST form carries it in
``csrf_token`` and :func:`verify_csrf` compares the two in constant time (the synchroniser-token
pattern). Signing in starts a fresh session, and so a fresh token.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import HTTPConnection, Request

from festival.auth.signins import cookie_session
from festival.errors import ForbiddenError
from festival.i18n import gettext as _

CSRF_FIELD = "csrf_token"
_CSRF_KEY = "csrf"


def csrf_token(request: HTTPConnection) -> str:
    """The session's CSRF token (created on first use); put it in every POST form."""
    session = cookie_session(request)
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        if "session" in request.scope:
            request.session[_CSRF_KEY] = token
    return token


async def verify_csrf(request: Request, form: FormData | Mapping[str, Any]) -> None:
    """Raise ForbiddenError unless the form's token matches the session's."""
    given = form.get(CSRF_FIELD)
    expected = cookie_session(request).get(_CSRF_KEY)
    if (
        not isinstance(given, str)
        or not isinstance(expected, str)
        or not expected
        or not hmac.compare_digest(given.encode(), expected.encode())
    ):
        raise ForbiddenError(
            _(
                "This form has expired or was not sent from this site. "
                "Go back, reload the page and try again."
            ),
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
