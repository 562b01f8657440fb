"""Sign-in with OpenID Connect in Chromium, against a real provider: oidc-provider
(tests/oidc/provider.mjs) on one loopback port, the festival (uvicorn) on another.

The person presses "Sign in with Test ID" on the sign-in page, signs in and consents on the
provider's pages, lands on their account as a new attendee, then signs out: the site sends the
browser to the provider's end-session page (RP-Initiated Logout), which sends it back signed
out. The Content-Security-Policy's form-action must let both redirects through.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import chromium
from tests.e2e.rooms_server import ROOT, RoomServer, free_port
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, Provider, client_config, start_provider

pytestmark = pytest.mark.e2e

FESTIVAL = Path(sys.executable).with_name("festival")
TIMEOUT_MS = 15_000


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[RoomServer, Provider]]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'festival.db'}"
    migrated = subprocess.run(
        [str(FESTIVAL), "migrate"],
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    site_url = f"http://127.0.0.1:{port}"
    provider = start_provider(
        [
            client_config(
                [f"{site_url}/signin/oidc/test/callback"], [f"{site_url}/signin?done=signed-out"]
            )
        ]
    )
    server = RoomServer(
        database_url,
        port=port,
        log=tmp_path / "server.log",
        OIDC_PROVIDERS="test",
        OIDC_TEST_ISSUER=provider.issuer,
        OIDC_TEST_CLIENT_ID=CLIENT_ID,
        OIDC_TEST_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_TEST_LABEL="Test ID",
    )
    try:
        server.start()
        yield server, provider
    finally:
        server.stop()
        provider.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def test_oidc_sign_in_and_out_in_chromium(site: tuple[RoomServer, Provider], browser: Any) -> None:
    server, provider = site
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)

    page.goto(server.http + "/signin")
    page.get_by_role("button", name="Sign in with Test ID").click()
    page.wait_for_url(provider.issuer + "/**")
    page.fill('input[name="login"]', "alice")
    page.fill('input[name="password"]', "any password")
    page.locator('button[type="submit"]').first.click()
    page.locator('button[type="submit"]', has_text="Continue").click()  # consent
    page.wait_for_url(server.http + "/account")
    signed_in = page.locator("main").inner_text() if page.locator("main").count() else ""
    signed_in = signed_in or page.inner_text("body")

    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(provider.issuer + "/**")  # the provider asks to confirm
    page.locator('button[type="submit"]', has_text="Yes, sign me out").click()
    page.wait_for_url(server.http + "/signin?done=signed-out")
    signed_out = page.inner_text("body")
    account_again = page.goto(server.http + "/account")

    assert "Signed in as Alice (alice@example.org)." in signed_in
    assert "You are signed out." in signed_out
    assert account_again is not None and account_again.url.startswith(server.http + "/signin")
    assert refused == []
