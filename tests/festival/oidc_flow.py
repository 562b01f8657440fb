"""The sign-in tests' side of a real provider: the provider fixture (oidc-provider, module-wide),
settings naming it, and the person's round trip through it (our button, its pages, our
callback)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.app import create_app
from festival.models.accounts import Account as AccountRow
from festival.models.identities import Identity
from festival.oidc.config import OidcProvider
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import csrf_from
from tests.oidc.provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    Provider,
    client_config,
    sign_in_at,
    start_provider,
)

SITE = "http://testserver"
CALLBACK = f"{SITE}/signin/oidc/test/callback"
SIGNED_OUT = f"{SITE}/signin?done=signed-out"
ID_TOKEN_SECONDS = 300


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    running = start_provider([client_config([CALLBACK], [SIGNED_OUT])], ID_TOKEN_SECONDS)
    yield running
    running.stop()


def provider_settings(settings: Settings, issuer: str) -> Settings:
    test = OidcProvider(
        name="test",
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        label="Test ID",
    )
    return settings.with_(oidc_providers=(test,))


@pytest.fixture
def real_clock() -> FixedClock:
    """The provider dates its tokens by the real clock: so does the app, to start with."""
    return FixedClock(datetime.now(UTC))


@pytest.fixture
def app_settings(settings: Settings, provider: Provider) -> Settings:
    return provider_settings(settings, provider.issuer)


@pytest.fixture
def client(app_settings: Settings, real_clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings, clock=real_clock)) as test_client:
        yield test_client


def start(client: TestClient, next_path: str = "/account", link: bool = False) -> str:
    """Press "Sign in with Test ID" on the sign-in page: the provider URL it sends to."""
    token = csrf_from(client.get("/signin").text)
    data = {"csrf_token": token, "next": next_path, **({"link": "1"} if link else {})}
    response = client.post("/signin/oidc/test", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def at_provider(url: str, login: str) -> str:
    """The person signs in at the provider; the callback URL it sends the browser back to."""
    with httpx.Client(follow_redirects=False, timeout=10) as http:
        return sign_in_at(http, url, login, SITE)


def callback(client: TestClient, url: str) -> Any:
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}", follow_redirects=False)


def full_sign_in(client: TestClient, login: str, next_path: str = "/account") -> Any:
    return callback(client, at_provider(start(client, next_path), login))


def count(settings: Settings, model: type[Any]) -> int:
    async def go(db: AsyncSession) -> int:
        return int((await db.execute(select(func.count()).select_from(model))).scalar_one())

    return with_db(settings, go)


def identities(settings: Settings) -> list[tuple[str, str, int, str, bool]]:
    async def go(db: AsyncSession) -> list[tuple[str, str, int, str, bool]]:
        rows = (await db.execute(select(Identity).order_by(Identity.id))).scalars().all()  # type: ignore[arg-type]
        return [(r.issuer, r.subject, r.account_id, r.email, r.email_verified) for r in rows]

    return with_db(settings, go)


def account(settings: Settings, account_id: int) -> tuple[str, str, bool, str]:
    async def go(db: AsyncSession) -> tuple[str, str, bool, str]:
        row = await db.get(AccountRow, account_id)
        assert row is not None
        return (row.display_name, row.email, row.is_admin, row.language)

    return with_db(settings, go)


def error_page(response: Any) -> tuple[int, str]:
    """The status and the reason code of the sign-in error page."""
    match = re.search(
        r"Reason code for the site's operator: <code>([a-z_.]+)</code>", response.text
    )
    assert match is not None, response.text[:2000]
    return response.status_code, match.group(1)
