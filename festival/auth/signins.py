"""Server-side sign-in sessions: who is signed in on this browser, decided by the database.

The signed cookie session (Starlette's ``SessionMiddleware``, ``festival_session``) carries a
random sign-in id; the ``signin_session`` table holds its digest. A sign-in counts only while
its row is there and not revoked, and for at most ``SESSION_MAX_AGE``: signing out, "sign out
everywhere" and a password change revoke rows, so a copied cookie stops working at once.
The account is read once per request or WebSocket and kept in its scope.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import HTTPConnection, Request

from festival.auth import bootstrap
from festival.auth.account import Account
from festival.db import session_scope
from festival.state import state
from festival.stores import accounts as store

SESSION_COOKIE = "festival_session"
SESSION_MAX_AGE = 14 * 24 * 3600  # seconds: the cookie's lifetime and the sign-in's
#: last_seen_at_utc is written at most this often (not on every request).
TOUCH_EVERY = timedelta(minutes=5)

_SID_KEY = "sid"
_ADMIN_KEY = "admin"
_SCOPE_KEY = "festival.account"
#: The admin signed in with ADMIN_PASSWORD (no account row).
BOOTSTRAP_ADMIN = Account(id=None, email="", name="Admin (ADMIN_PASSWORD)", is_admin=True)


def cookie_session(conn: HTTPConnection) -> dict[str, Any]:
    """The signed cookie session, or an empty one when the middleware is not installed."""
    if "session" not in conn.scope:
        return {}
    session: dict[str, Any] = conn.session
    return session


def signin_id(conn: HTTPConnection) -> str | None:
    """This browser's sign-in id (from its cookie), if any."""
    sid = cookie_session(conn).get(_SID_KEY)
    return sid if isinstance(sid, str) else None


async def sign_in(request: Request, account_id: int | None) -> None:
    """Sign this browser in as the account (None: the ADMIN_PASSWORD admin), in a fresh cookie
    session (and so with a fresh CSRF token); a sign-in it held before is revoked."""
    app = state(request)
    now = app.clock.now()
    async with session_scope(app.sessions) as db:
        await store.revoke_signin(db, signin_id(request), now)
        token = await store.start_signin(db, account_id, now)
    request.session.clear()
    request.session[_SID_KEY] = token
    if account_id is None:
        request.session[_ADMIN_KEY] = bootstrap.fingerprint(app.settings)
    request.scope.pop(_SCOPE_KEY, None)


async def sign_out(request: Request) -> None:
    """Revoke this browser's sign-in on the server and forget it here."""
    app = state(request)
    async with session_scope(app.sessions) as db:
        await store.revoke_signin(db, signin_id(request), app.clock.now())
    if "session" in request.scope:
        request.session.clear()
    request.scope[_SCOPE_KEY] = None


async def sign_out_everywhere(request: Request, account_id: int, *, keep_this: bool) -> int:
    """Revoke every sign-in of the account (but this browser's when ``keep_this``); returns how
    many other sign-ins ended."""
    app = state(request)
    keep = signin_id(request) if keep_this else None
    async with session_scope(app.sessions) as db:
        ended = await store.revoke_account_signins(db, account_id, app.clock.now(), keep)
    if not keep_this and "session" in request.scope:
        request.session.clear()
        request.scope[_SCOPE_KEY] = None
    return ended


async def current_account(conn: HTTPConnection) -> Account | None:
    """Who is signed in on this request or WebSocket, or None (read once, then remembered)."""
    if _SCOPE_KEY in conn.scope:
        cached: Account | None = conn.scope[_SCOPE_KEY]
        return cached
    account = await _resolve(conn)
    conn.scope[_SCOPE_KEY] = account
    return account


async def _resolve(conn: HTTPConnection) -> Account | None:
    sid = signin_id(conn)
    if sid is None:
        return None
    app = state(conn)
    now = app.clock.now()
    async with session_scope(app.sessions) as db:
        row = await store.find_signin(db, sid)
        if row is None or now - row.created_at_utc >= timedelta(seconds=SESSION_MAX_AGE):
            return None
        if row.account_id is None:
            given = cookie_session(conn).get(_ADMIN_KEY)
            if not bootstrap.fingerprint_matches(app.settings, given) or await store.any_admin(db):
                return None
            account: Account | None = BOOTSTRAP_ADMIN
        else:
            account = await store.load_account(db, row.account_id)
        if account is not None and now - row.last_seen_at_utc >= TOUCH_EVERY:
            row.last_seen_at_utc = now
    return account
