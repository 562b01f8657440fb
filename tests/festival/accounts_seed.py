"""Accounts for tests: create one (with its organisations and hosted sessions) in a database.

Other test modules use these to arrange organisers, hosts and admins; the accounts are made
through the real store and real argon2 hashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from httpx2 import Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.auth import passwords
from festival.settings import Settings
from festival.stores import accounts as store
from tests.dbtools import with_db

#: A password every test account may use (long enough for the password rule).
PASSWORD = "a long enough test password"
CREATED = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)


def add_account(
    settings: Settings,
    email: str,
    *,
    name: str = "",
    password: str = PASSWORD,
    is_admin: bool = False,
    organisations: Iterable[int] = (),
    hosted_sessions: Iterable[int] = (),
) -> int:
    """A new account (member of ``organisations``, host of ``hosted_sessions``); its id."""
    hashed = passwords.hash_password_sync(password)

    async def add(db: AsyncSession) -> int:
        row = await store.create_account(
            db, email=email, name=name, password_hash=hashed, now=CREATED, is_admin=is_admin
        )
        assert row.id is not None
        for organisation_id in organisations:
            await store.add_membership(db, row.id, organisation_id, CREATED)
        for session_id in hosted_sessions:
            await store.add_session_host(db, row.id, session_id, CREATED)
        return row.id

    return with_db(settings, add)


def csrf_from(page: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None, "no CSRF token on the page"
    return match.group(1)


def sign_in(
    client: TestClient, email: str, password: str = PASSWORD, next_path: str = "/account"
) -> Response:
    """Sign in through the /signin form, as a browser would; the answer (303 when signed in)."""
    token = csrf_from(client.get("/signin").text)
    return client.post(
        "/signin",
        data={"csrf_token": token, "email": email, "password": password, "next": next_path},
        follow_redirects=False,
    )
