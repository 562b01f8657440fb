"""Sign-in with OpenID Connect against a real provider (oidc-provider, tests/oidc/provider.mjs):
the full code flow with PKCE, accounts keyed by (issuer, subject), invitations joined on a
verified address, sign-out at the provider, and each refused answer (bad or replayed state,
provider down, expired token, clock skew) with its page and nothing created. On SQLite and
PostgreSQL."""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.app import create_app
from festival.models import Organisation
from festival.models.accounts import Account as AccountRow
from festival.models.accounts import Invitation, Membership
from festival.models.identities import Identity
from festival.oidc.client import FLOW_SECONDS, LEEWAY_SECONDS
from festival.settings import Settings
from festival.stores import invitations
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival import oidc_flow
from tests.festival.accounts_seed import PASSWORD, add_account, csrf_from, sign_in
from tests.festival.oidc_flow import (
    CALLBACK,
    ID_TOKEN_SECONDS,
    SIGNED_OUT,
    account,
    at_provider,
    callback,
    count,
    error_page,
    full_sign_in,
    identities,
    provider_settings,
    start,
)
from tests.oidc.provider import CLIENT_ID, Provider

# The fixtures (a module-wide provider, settings naming it, an app on the real clock).
provider = oidc_flow.provider
app_settings = oidc_flow.app_settings
real_clock = oidc_flow.real_clock
client = oidc_flow.client


def test_oidc_no_provider_no_button(settings: Settings) -> None:
    with TestClient(create_app(settings)) as plain:
        page = plain.get("/signin")
        unknown = plain.post(
            "/signin/oidc/test", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
        )

    assert (page.status_code, "Sign in with" in page.text, unknown.status_code) == (200, False, 404)


def test_oidc_button_on_signin_page(client: TestClient) -> None:
    page = client.get("/signin").text

    assert re.findall(r'<form method="post" action="(/signin/oidc/[^"]+)">', page) == [
        "/signin/oidc/test"
    ]
    assert "Sign in with Test ID" in page


def test_oidc_authorization_request_uses_pkce_state_and_nonce(client: TestClient) -> None:
    url = start(client)

    query = parse_qs(urlsplit(url).query)
    assert {k: v for k, v in query.items() if k not in ("state", "nonce", "code_challenge")} == {
        "response_type": ["code"],
        "client_id": [CLIENT_ID],
        "redirect_uri": [CALLBACK],
        "scope": ["openid email profile"],
        "code_challenge_method": ["S256"],
    }
    assert [len(query[k][0]) >= 43 for k in ("state", "nonce", "code_challenge")] == [True] * 3


def test_oidc_first_signin_creates_an_attendee_account(
    client: TestClient, app_settings: Settings, provider: Provider
) -> None:
    done = full_sign_in(client, "alice", "/agenda")

    assert (done.status_code, done.headers["location"]) == (303, "/agenda")
    [(issuer, subject, account_id, email, verified)] = identities(app_settings)
    assert (issuer, subject, email, verified) == (
        provider.issuer,
        "alice",
        "alice@example.org",
        True,
    )
    assert account(app_settings, account_id) == ("Alice", "alice@example.org", False, "fr")
    assert count(app_settings, Membership) == 0
    page = client.get("/account").text
    assert "Signed in as <strong>Alice</strong>" in page
    assert ("Change your password" in page, "test: alice@example.org" in page) == (False, True)


def test_oidc_second_signin_finds_the_same_account(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    full_sign_in(client, "alice")
    with TestClient(create_app(app_settings, clock=real_clock)) as phone:
        done = full_sign_in(phone, "alice")
        page = phone.get("/account").text

    assert done.status_code == 303
    assert (count(app_settings, AccountRow), count(app_settings, Identity)) == (1, 1)
    assert "Signed in as <strong>Alice</strong>" in page


def test_oidc_accounts_are_keyed_by_subject_not_email(
    client: TestClient, app_settings: Settings
) -> None:
    # An account with alice's address exists (a password account): the provider's alice does
    # not sign in to it; she gets an account of her own.
    password_account = add_account(app_settings, "alice@example.org", name="Password Alice")

    full_sign_in(client, "alice")

    [(_, _, account_id, _, _)] = identities(app_settings)
    assert account_id != password_account
    assert count(app_settings, AccountRow) == 2


def test_oidc_signed_in_account_links_an_identity(
    client: TestClient, app_settings: Settings
) -> None:
    ana = add_account(app_settings, "ana@example.org", name="Ana")
    assert sign_in(client, "ana@example.org").status_code == 303

    done = callback(client, at_provider(start(client, link=True), "ana-elsewhere"))

    assert done.status_code == 303
    assert [row[1:3] for row in identities(app_settings)] == [("ana-elsewhere", ana)]
    assert count(app_settings, AccountRow) == 1


def _organisation_and_invitation(settings: Settings, email: str, now: datetime) -> int:
    async def go(db: AsyncSession) -> int:
        org = Organisation(
            slug="lyon-learns", name="Lyon Learns", country="FR", tz_name="Europe/Paris"
        )
        db.add(org)
        await db.flush()
        assert org.id is not None
        await invitations.create_invitation(
            db, email=email, name="", organisation_id=org.id, invited_by=None, now=now
        )
        return org.id

    return with_db(settings, go)


def test_oidc_verified_address_joins_the_inviting_organisation(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    org_id = _organisation_and_invitation(app_settings, "Carla@Example.org", real_clock.now())

    full_sign_in(client, "carla")

    [(_, _, account_id, _, _)] = identities(app_settings)

    async def memberships(db: AsyncSession) -> list[tuple[int, int]]:
        rows = (await db.execute(select(Membership))).scalars().all()
        return [(m.account_id, m.organisation_id) for m in rows]

    assert with_db(app_settings, memberships) == [(account_id, org_id)]
    assert count(app_settings, Invitation) == 1
    assert "Lyon Learns" in client.get("/account").text


def test_oidc_unverified_address_joins_nothing(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    _organisation_and_invitation(app_settings, "unverified-dan@example.org", real_clock.now())

    full_sign_in(client, "unverified-dan")

    assert [row[4] for row in identities(app_settings)] == [False]
    assert count(app_settings, Membership) == 0


def test_oidc_signout_ends_the_session_and_signs_out_at_the_provider(
    client: TestClient, provider: Provider
) -> None:
    full_sign_in(client, "alice")
    token = csrf_from(client.get("/account").text)

    done = client.post("/signout", data={"csrf_token": token}, follow_redirects=False)

    location = urlsplit(done.headers["location"])
    query = parse_qs(location.query)
    assert (done.status_code, f"{location.scheme}://{location.netloc}") == (303, provider.issuer)
    assert (query["client_id"], query["post_logout_redirect_uri"]) == ([CLIENT_ID], [SIGNED_OUT])
    assert "id_token_hint" in query
    assert client.get("/account", follow_redirects=False).status_code == 303
    # The provider accepts the request (its page asks to confirm the sign-out).
    with httpx.Client(timeout=10) as http:
        at_provider_page = http.get(done.headers["location"])
    assert at_provider_page.status_code == 200


# -- refused answers: a clear page, nothing created -------------------------------------------


def test_oidc_replayed_state_is_refused(client: TestClient, app_settings: Settings) -> None:
    back = at_provider(start(client), "alice")
    assert callback(client, back).status_code == 303

    replayed = callback(client, back)

    assert error_page(replayed) == (400, "oidc.state")
    assert count(app_settings, AccountRow) == 1


def test_oidc_unknown_state_is_refused(client: TestClient, app_settings: Settings) -> None:
    back = at_provider(start(client), "alice")
    forged = re.sub(r"state=[^&]+", "state=not-the-state-we-sent", back)

    refused = callback(client, forged)

    assert error_page(refused) == (400, "oidc.state")
    assert (count(app_settings, AccountRow), count(app_settings, Identity)) == (0, 0)


def test_oidc_answer_in_another_browser_is_refused(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    back = at_provider(start(client), "alice")
    with TestClient(create_app(app_settings, clock=real_clock)) as other:
        refused = callback(other, back)

    assert error_page(refused) == (400, "oidc.state")
    assert count(app_settings, AccountRow) == 0


def test_oidc_provider_down_is_a_clear_page(settings: Settings, real_clock: FixedClock) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    down = provider_settings(settings, f"http://127.0.0.1:{port}")
    with TestClient(create_app(down, clock=real_clock)) as test_client:
        token = csrf_from(test_client.get("/signin").text)
        response = test_client.post("/signin/oidc/test", data={"csrf_token": token})

    assert error_page(response) == (502, "oidc.provider_down")
    assert "Test ID is not answering" in response.text
    assert count(down, AccountRow) == 0


def test_oidc_expired_id_token_is_refused(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    back = at_provider(start(client), "alice")
    real_clock.advance(ID_TOKEN_SECONDS + LEEWAY_SECONDS + 1)  # within FLOW_SECONDS
    assert ID_TOKEN_SECONDS + LEEWAY_SECONDS + 1 < FLOW_SECONDS

    refused = callback(client, back)

    assert error_page(refused) == (400, "oidc.token_expired")
    assert (count(app_settings, AccountRow), count(app_settings, Identity)) == (0, 0)


def test_oidc_slow_sign_in_is_refused(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    back = at_provider(start(client), "alice")
    real_clock.advance(FLOW_SECONDS + 1)

    assert error_page(callback(client, back)) == (400, "oidc.state")
    assert count(app_settings, AccountRow) == 0


@pytest.mark.parametrize(
    ("behind_seconds", "expected"),
    [(LEEWAY_SECONDS + 60, (400, "oidc.clock_skew")), (LEEWAY_SECONDS - 60, (303, None))],
)
def test_oidc_clock_skew_beyond_tolerance_is_refused(
    app_settings: Settings, behind_seconds: int, expected: tuple[int, str | None]
) -> None:
    # This site's clock is behind the provider's: its token looks issued in the future.
    behind = FixedClock(datetime.now(UTC))
    behind.advance(-behind_seconds)
    with TestClient(create_app(app_settings, clock=behind)) as test_client:
        response = callback(test_client, at_provider(start(test_client), "alice"))

    got = error_page(response) if response.status_code != 303 else (303, None)
    assert got == expected
    assert count(app_settings, AccountRow) == (1 if expected[0] == 303 else 0)


def test_oidc_denied_at_the_provider_is_a_clear_page(
    client: TestClient, app_settings: Settings
) -> None:
    url = start(client)
    state = parse_qs(urlsplit(url).query)["state"][0]

    refused = client.get(
        f"/signin/oidc/test/callback?error=access_denied&state={state}", follow_redirects=False
    )

    assert error_page(refused) == (400, "oidc.denied")
    assert "Test ID did not sign you in (access_denied)." in refused.text
    assert count(app_settings, AccountRow) == 0


def test_oidc_denied_page_repeats_no_free_text(client: TestClient) -> None:
    url = start(client)
    state = parse_qs(urlsplit(url).query)["state"][0]

    refused = client.get(
        f"/signin/oidc/test/callback?error=Call+0800+to+fix+your+account&state={state}"
    )

    assert error_page(refused) == (400, "oidc.denied")
    assert ("0800" in refused.text, "did not sign you in (no code)." in refused.text) == (
        False,
        True,
    )


def test_oidc_code_used_twice_is_refused_by_the_provider(
    client: TestClient, app_settings: Settings
) -> None:
    first = at_provider(start(client), "alice")
    assert callback(client, first).status_code == 303
    # A second sign-in in the same browser, answered with the first sign-in's (spent) code.
    second = at_provider(start(client), "bob")
    code = parse_qs(urlsplit(first).query)["code"][0]
    mixed = re.sub(r"code=[^&]+", f"code={code}", second)

    refused = callback(client, mixed)

    assert error_page(refused) == (400, "oidc.code_refused")
    assert count(app_settings, AccountRow) == 1


# -- the admin sees and unlinks identities -----------------------------------------------------


def test_oidc_admin_sees_and_unlinks_an_identity(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    full_sign_in(client, "alice")
    [(_, _, alice, _, _)] = identities(app_settings)
    add_account(app_settings, "root@example.org", name="Root", is_admin=True)
    with TestClient(create_app(app_settings, clock=real_clock)) as admin:
        assert sign_in(admin, "root@example.org").status_code == 303
        page = admin.get("/admin/people").text
        action = re.search(rf'action="(/admin/people/{alice}/identities/\d+/unlink)"', page)
        assert action is not None
        assert 'test: <code dir="auto">alice</code>' in page
        done = admin.post(
            action.group(1), data={"csrf_token": csrf_from(page)}, follow_redirects=False
        )
        notice = admin.get(done.headers["location"]).text

    assert done.status_code == 303
    assert "alice@example.org no longer signs in with that identity." in notice
    assert identities(app_settings) == []
    # Alice's next sign-in with it no longer reaches her old account.
    with TestClient(create_app(app_settings, clock=real_clock)) as again:
        full_sign_in(again, "alice")
    assert [row[2] for row in identities(app_settings)] != [alice]


def test_oidc_unlink_by_a_non_admin_is_refused(client: TestClient, app_settings: Settings) -> None:
    full_sign_in(client, "alice")
    [(_, _, alice, _, _)] = identities(app_settings)
    token = csrf_from(client.get("/account").text)

    refused = client.post(
        f"/admin/people/{alice}/identities/1/unlink",
        data={"csrf_token": token},
        follow_redirects=False,
    )

    assert refused.status_code == 403
    assert len(identities(app_settings)) == 1


def test_oidc_state_is_spent_even_by_a_refused_answer(
    client: TestClient, app_settings: Settings
) -> None:
    back = at_provider(start(client), "alice")
    state = parse_qs(urlsplit(back).query)["state"][0]
    denied = client.get(f"/signin/oidc/test/callback?error=access_denied&state={state}")

    late = callback(client, back)

    assert (error_page(denied), error_page(late)) == ((400, "oidc.denied"), (400, "oidc.state"))
    assert count(app_settings, AccountRow) == 0


def test_oidc_identity_of_another_account_is_not_linked(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    full_sign_in(client, "alice")  # alice's identity signs in to her attendee account
    add_account(app_settings, "bob@example.org", name="Bob")
    with TestClient(create_app(app_settings, clock=real_clock)) as bob:
        assert sign_in(bob, "bob@example.org").status_code == 303
        refused = callback(bob, at_provider(start(bob, link=True), "alice"))
        still_bob = bob.get("/account").text

    assert error_page(refused) == (400, "oidc.identity_taken")
    assert [row[1] for row in identities(app_settings)] == ["alice"]
    assert "Signed in as <strong>Bob</strong>" in still_bob


def test_oidc_link_needs_the_same_sign_in_at_the_end(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    add_account(app_settings, "ana@example.org", name="Ana")
    assert sign_in(client, "ana@example.org").status_code == 303
    back = at_provider(start(client, link=True), "ana-elsewhere")
    # Meanwhile Ana signs out everywhere from her phone: this browser is no longer signed in.
    with TestClient(create_app(app_settings, clock=real_clock)) as phone:
        assert sign_in(phone, "ana@example.org").status_code == 303
        token = csrf_from(phone.get("/account").text)
        phone.post("/account/signout-everywhere", data={"csrf_token": token})

    refused = callback(client, back)

    assert error_page(refused) == (400, "oidc.state")
    assert (identities(app_settings), count(app_settings, AccountRow)) == ([], 1)


def test_oidc_account_without_password_cannot_set_one_by_another_accounts_password(
    client: TestClient, app_settings: Settings
) -> None:
    # A password account has the address the provider gives alice: its password must not let
    # alice's account (made by the provider) change anything.
    add_account(app_settings, "alice@example.org", name="Password Alice")
    full_sign_in(client, "alice")
    token = csrf_from(client.get("/account").text)

    refused = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "password_again": "a brand new passphrase",
        },
    )

    assert refused.status_code == 400
    assert "Your account has no password: you sign in with a provider." in refused.text
    [(_, _, alice, _, _)] = identities(app_settings)

    async def hash_of(db: AsyncSession) -> str:
        row = await db.get(AccountRow, alice)
        assert row is not None
        return row.password_hash

    assert with_db(app_settings, hash_of) == ""
