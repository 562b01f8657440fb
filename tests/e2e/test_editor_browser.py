"""The session editor, live, in a real browser: what a time means while it is typed, the zone
found by city, a gap's nearest times, the occurrence of a time that happens twice, and a save
without the extra preview step once the time was seen. Under the site's CSP (no inline script).

A real uvicorn server over a fresh SQLite database and Debian's Chromium driven by Playwright.
Outside CI a missing Chromium skips with the reason; in CI it fails.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import itsdangerous
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from festival import auth, migrate
from festival.app import create_app
from festival.models import Edition, Organisation
from festival.settings import Settings
from festival.stores import accounts as accounts_store
from festival.stores import programme as programme_store
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.e2e.browser import chromium
from tests.e2e.test_browser_zone import _free_port

pytestmark = pytest.mark.e2e

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Server:
    url: str
    settings: Settings
    organiser_id: int


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import uvicorn

    path: Path = tmp_path_factory.mktemp("editor") / "festival.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)
    settings = Settings(
        database_url=url,
        secret_key="e2e-secret-key-not-for-production",
        secret_key_generated=False,
    )

    async def seed(db: AsyncSession) -> int:
        db.add_all(
            [
                Edition(
                    slug="learningplanet-2027",
                    name="#LearningPlanet Festival 2027",
                    first_day=date(2027, 1, 24),
                    last_day=date(2027, 1, 24),
                ),
                Edition(
                    slug="autumn-2027",
                    name="Autumn Learning Day",
                    kind="celebration",
                    first_day=date(2027, 11, 7),
                    last_day=date(2027, 11, 7),
                ),
            ]
        )
        org = Organisation(
            slug="nl-schools", name="Newfoundland Schools", country="CA", tz_name="America/St_Johns"
        )
        db.add(org)
        await db.flush()
        account = await accounts_store.create_account(
            db, email="amina@example.org", name="Amina", password_hash="-", now=NOW
        )
        assert account.id is not None and org.id is not None
        await accounts_store.add_membership(db, account.id, org.id, NOW)
        return account.id

    organiser_id = with_db(settings, seed)
    app = create_app(settings, clock=FixedClock(NOW))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uvicorn_server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", settings, organiser_id)
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def in_thread(settings: Settings, action: Any) -> Any:
    """``with_db`` in a thread of its own: Playwright's sync API keeps an event loop running
    in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(with_db, settings, action).result()


def signed_in_context(browser: Any, server: Server) -> Any:
    """A browser context holding the organiser's sign-in cookie (as /signin would give)."""
    sid = in_thread(
        server.settings, lambda db: accounts_store.start_signin(db, server.organiser_id, NOW)
    )
    signer = itsdangerous.TimestampSigner(server.settings.secret_key)
    value = signer.sign(base64.b64encode(json.dumps({"sid": sid}).encode())).decode()
    context = browser.new_context(timezone_id="Europe/Paris")
    context.add_cookies([{"name": auth.SESSION_COOKIE, "value": value, "url": server.url}])
    return context


def preview_text(page: Any) -> str:
    return " ".join(page.locator("#time-preview").inner_text().split())


def wait_for_preview(page: Any, text: str, timeout_s: float = 15) -> str:
    """Poll the live preview until it says ``text`` (the script checks after each pause)."""
    deadline = time.monotonic() + timeout_s
    seen = ""
    while time.monotonic() < deadline:
        seen = preview_text(page)
        if text in seen:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the live preview says {seen!r}, not {text!r}")


def test_browser_editor_explains_the_time_live_and_saves_what_was_seen(
    server: Server, browser: Any
) -> None:
    context = signed_in_context(browser, server)
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{server.url}/organiser/sessions/new?organisation=nl-schools")
        page.fill("#title", "Night owls")
        page.fill("#date", "2027-01-24")
        page.fill("#start", "09:00")
        first = wait_for_preview(page, "= 12:30 UTC")

        # A zone found by its city, with its offset.
        page.fill("#zone", "Kathmandu")
        page.get_by_role("button", name="Kathmandu, Nepal (UTC+05:45)").click()
        kathmandu = wait_for_preview(page, "in Kathmandu (UTC+05:45)")
        zone_value = page.input_value("#zone")

        # Back home; a time the clocks skip, and its nearest times as buttons.
        page.fill("#zone", "America/St_Johns")
        page.select_option("#edition", "autumn-2027")
        page.fill("#date", "2027-03-14")
        page.fill("#start", "02:30")
        gap = wait_for_preview(page, "does not exist")
        page.get_by_role("button", name="Use 03:00").click()
        start_after = page.input_value("#start")

        # A time that happens twice: both occurrences, each with its offset; pick the second.
        page.fill("#date", "2027-11-07")
        page.fill("#start", "01:30")
        page.locator('#fold-choices input[value="1"]').wait_for()
        choices = " ".join(page.locator("#fold-choices").inner_text().split())
        page.locator('#fold-choices input[value="1"]').check()
        second = wait_for_preview(page, "(UTC−03:30) = 05:00 UTC")
        page.wait_for_function("document.querySelector('#seen').value !== ''")

        # The time was seen live: saving needs no extra preview step.
        page.get_by_role("button", name="Check and save the draft").click()
        page.wait_for_url("**/organiser/sessions/*?saved=1")
        saved_notice = page.get_by_text("Saved.").is_visible()
        uid = page.url.split("/organiser/sessions/")[1].split("?")[0]
    finally:
        context.close()

    assert first == (
        "Sun 24 Jan 2027, 09:00 in St Johns (UTC−03:30) = 12:30 UTC = 07:30 in New York = "
        "13:30 in Paris On a festival date: Sun 24 Jan 2027 in St Johns is a day of "
        "#LearningPlanet Festival 2027."
    )
    assert kathmandu.startswith("Sun 24 Jan 2027, 09:00 in Kathmandu (UTC+05:45) = 03:15 UTC")
    assert zone_value == "Asia/Kathmandu"
    assert gap.startswith("02:30 does not exist in St Johns on Sun 14 Mar 2027")
    assert start_after == "03:00"
    assert "The first: 01:30 in St Johns (UTC−02:30) = 04:00 UTC" in choices
    assert "The second: 01:30 in St Johns (UTC−03:30) = 05:00 UTC" in choices
    assert second.startswith("Sun 07 Nov 2027, 01:30 in St Johns (UTC−03:30) = 05:00 UTC")
    assert saved_notice
    row = in_thread(server.settings, lambda db: programme_store.get_session_row(db, uid))
    assert (row.title, row.tz_name, row.fold, row.starts_at_utc, row.status) == (
        "Night owls",
        "America/St_Johns",
        1,
        datetime(2027, 11, 7, 5, 0, tzinfo=UTC),
        "draft",
    )
    assert problems == []
