"""ID tokens a real provider never sends, through the whole sign-in: signed with a key the
issuer does not publish, issued to another audience, without a nonce, signed with "none"; and
the issuer's key rotation (an unknown key id fetches the keys again). Each refusal is a clear
page and creates nothing. Our own issuer signs them (tests/oidc/issuer.py)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.app import create_app
from festival.models.accounts import Account as AccountRow
from festival.oidc.client import JWKS_REFETCH_SECONDS
from festival.oidc.config import OidcProvider
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import add_account, csrf_from
from tests.festival.accounts_seed import sign_in as password_sign_in
from tests.festival.programme_seed import add_edition
from tests.oidc.issuer import CLIENT_ID, CLIENT_SECRET, OwnIssuer, new_key, own_issuer


@pytest.fixture
def issuer() -> Iterator[OwnIssuer]:
    with own_issuer() as running:
        yield running


@pytest.fixture
def app_settings(settings: Settings, issuer: OwnIssuer) -> Settings:
    own = OidcProvider(
        name="own", issuer=issuer.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, label="Own"
    )
    return settings.with_(oidc_providers=(own,))


@pytest.fixture
def real_clock() -> FixedClock:
    """Our issuer dates its tokens by the real clock: so does the app, to start with."""
    return FixedClock(datetime.now(UTC))


@pytest.fixture
def client(app_settings: Settings, real_clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings, clock=real_clock)) as test_client:
        yield test_client


def sign_in(client: TestClient) -> Any:
    """The whole round: our button, the issuer's (immediate) answer, our callback."""
    token = csrf_from(client.get("/signin").text)
    response = client.post("/signin/oidc/own", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    with httpx.Client(follow_redirects=False, timeout=10) as http:
        back = http.get(response.headers["location"]).headers["location"]
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}", follow_redirects=False)


def reason(response: Any) -> tuple[int, str | None]:
    if response.status_code == 303:
        return 303, None
    match = re.search(r"<code>([a-z_.]+)</code>", response.text)
    assert match is not None, response.text[:1000]
    return response.status_code, match.group(1)


def accounts(settings: Settings) -> int:
    async def go(db: AsyncSession) -> int:
        return int((await db.execute(select(func.count()).select_from(AccountRow))).scalar_one())

    return with_db(settings, go)


def test_oidc_token_from_our_issuer_signs_in(client: TestClient, app_settings: Settings) -> None:
    assert reason(sign_in(client)) == (303, None)
    assert accounts(app_settings) == 1


def test_oidc_forged_signature_is_refused(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer
) -> None:
    issuer.signing_key = new_key("key-1")  # the published key id, another key

    assert reason(sign_in(client)) == (400, "oidc.token_forged")
    assert accounts(app_settings) == 0


def test_oidc_unpublished_key_is_refused(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer
) -> None:
    issuer.signing_key = new_key("key-of-an-attacker")

    assert reason(sign_in(client)) == (400, "oidc.token_forged")
    assert accounts(app_settings) == 0


def test_oidc_wrong_audience_is_refused(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer
) -> None:
    issuer.claims = {"aud": "another-application"}

    assert reason(sign_in(client)) == (400, "oidc.audience")
    assert accounts(app_settings) == 0


def test_oidc_several_audiences_need_azp(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer
) -> None:
    issuer.claims = {"aud": [CLIENT_ID, "another-application"]}
    refused = reason(sign_in(client))
    issuer.claims = {"aud": [CLIENT_ID, "another-application"], "azp": CLIENT_ID}

    assert (refused, reason(sign_in(client))) == ((400, "oidc.audience"), (303, None))


def test_oidc_wrong_issuer_is_refused(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer
) -> None:
    issuer.claims = {"iss": "https://elsewhere.example"}

    assert reason(sign_in(client)) == (400, "oidc.issuer")
    assert accounts(app_settings) == 0


def test_oidc_wrong_nonce_is_refused(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer
) -> None:
    issuer.claims = {"nonce": "a-nonce-of-another-sign-in"}

    assert reason(sign_in(client)) == (400, "oidc.nonce")
    assert accounts(app_settings) == 0


def test_oidc_expired_token_is_refused(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer
) -> None:
    issuer.claims = {"exp": 1_700_000_000, "iat": 1_699_999_000}

    assert reason(sign_in(client)) == (400, "oidc.token_expired")
    assert accounts(app_settings) == 0


def test_oidc_unsigned_token_is_refused(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsigned(nonce: str) -> str:
        signed = OwnIssuer.id_token(issuer, nonce)
        payload = signed.split(".")[1]
        header = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=")
        return f"{header.decode()}.{payload}."

    monkeypatch.setattr(issuer, "id_token", unsigned)

    assert reason(sign_in(client)) == (400, "oidc.token_forged")
    assert accounts(app_settings) == 0


def test_oidc_key_rotation_fetches_the_keys_again(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer, real_clock: FixedClock
) -> None:
    assert reason(sign_in(client)) == (303, None)
    fetched_before = issuer.jwks_fetches
    rotated = new_key("key-2")
    issuer.published = [rotated]
    issuer.signing_key = rotated
    real_clock.advance(JWKS_REFETCH_SECONDS + 1)

    assert reason(sign_in(client)) == (303, None)
    assert (fetched_before, issuer.jwks_fetches) == (1, 2)
    assert accounts(app_settings) == 1


def test_oidc_unknown_keys_are_not_fetched_again_at_once(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer, real_clock: FixedClock
) -> None:
    # A flood of tokens naming new key ids must not make us hammer the provider: one fetch
    # per JWKS_REFETCH_SECONDS, even when the key really was rotated meanwhile.
    assert reason(sign_in(client)) == (303, None)
    rotated = new_key("key-2")
    issuer.published = [rotated]
    issuer.signing_key = rotated
    real_clock.advance(JWKS_REFETCH_SECONDS - 1)

    assert reason(sign_in(client)) == (400, "oidc.token_forged")
    assert issuer.jwks_fetches == 1


HOSTILE = {
    "sub": '"><script>alert("sub")</script>',
    "name": '"><img src=x onerror=alert("name")>',
    "email": "<script>alert('email')</script>@example.org",
}


def test_oidc_provider_claims_are_escaped(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer, real_clock: FixedClock
) -> None:
    # What a provider says is typed by someone: the name, the address, even the subject.
    issuer.claims = {**HOSTILE, "email_verified": True}
    add_edition(app_settings)  # its lobby
    assert reason(sign_in(client)) == (303, None)
    add_account(app_settings, "root@example.org", name="Root", is_admin=True)
    with TestClient(create_app(app_settings, clock=real_clock)) as admin:
        assert password_sign_in(admin, "root@example.org").status_code == 303
        pages = {
            "/account": client.get("/account").text,
            "/account/delete": client.get("/account/delete").text,
            "/rooms/lobby-learningplanet-2027": client.get("/rooms/lobby-learningplanet-2027").text,
            "/admin/people": admin.get("/admin/people").text,
        }

    raw = [(path, key) for path, page in pages.items() for key, v in HOSTILE.items() if v in page]
    shown = {
        path: sorted(key for key, v in HOSTILE.items() if str(escape(v)) in page)
        for path, page in pages.items()
    }
    assert raw == []
    assert shown == {
        "/account": ["email", "name"],
        "/account/delete": [],
        "/rooms/lobby-learningplanet-2027": ["name"],  # the name field's default
        "/admin/people": ["email", "name", "sub"],
    }


def test_oidc_discovery_naming_another_issuer_is_refused(
    client: TestClient, app_settings: Settings, issuer: OwnIssuer
) -> None:
    # Discovery 1.0 §4.3: the document's issuer is exactly the one configured.
    issuer.discovery_issuer = "https://impostor.example"
    token = csrf_from(client.get("/signin").text)

    refused = client.post("/signin/oidc/own", data={"csrf_token": token})

    assert reason(refused) == (400, "oidc.issuer")
    assert accounts(app_settings) == 0


def test_oidc_provider_down_at_the_token_request(settings: Settings) -> None:
    with own_issuer() as issuer:
        own = OidcProvider(
            name="own",
            issuer=issuer.url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            label="Own",
        )
        down = settings.with_(oidc_providers=(own,))
        test_client = TestClient(create_app(down, clock=FixedClock(datetime.now(UTC))))
        test_client.__enter__()
        token = csrf_from(test_client.get("/signin").text)
        started = test_client.post(
            "/signin/oidc/own", data={"csrf_token": token}, follow_redirects=False
        )
        with httpx.Client(follow_redirects=False, timeout=10) as http:
            back = http.get(started.headers["location"]).headers["location"]
    # The issuer has stopped: the code cannot be exchanged.
    try:
        parts = urlsplit(back)
        refused = test_client.get(f"{parts.path}?{parts.query}", follow_redirects=False)
    finally:
        test_client.__exit__(None, None, None)

    assert reason(refused) == (502, "oidc.provider_down")
    assert accounts(down) == 0
