"""The viewer's zone in a real browser: detected with Intl, remembered, switched with the picker.

A real uvicorn server over a demo SQLite database, and Debian's Chromium driven by Playwright
(never a downloaded browser). Outside CI a missing Chromium skips with the reason; in CI it fails.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from festival import demo, migrate
from festival.app import create_app
from festival.settings import Settings
from scheduling import tz
from scheduling.clock import FixedClock
from tests.conftest import FESTIVAL_NOON
from tests.e2e.browser import chromium

pytestmark = pytest.mark.e2e

HOME_SCREENSHOT = Path("/tmp/home.png")
EDITION = Settings().default_edition


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn in a thread over a freshly seeded demo festival, "now" at festival noon."""
    import uvicorn

    path = tmp_path_factory.mktemp("e2e") / "festival.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)
    asyncio.run(demo.seed_database(url))
    settings = Settings(
        database_url=url,
        secret_key="e2e-secret-key-not-for-production",
        secret_key_generated=False,
    )
    app = create_app(settings, clock=FixedClock(FESTIVAL_NOON))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the uvicorn server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def _wait_for_zone(page: Any, zone: str, timeout_s: float = 15) -> None:
    """Poll until the page (drawn by the server or rewritten by zonefirst.js) is in ``zone``."""
    deadline = time.monotonic() + timeout_s
    seen = None
    while time.monotonic() < deadline:
        try:
            page.wait_for_load_state("load")
            seen = page.evaluate("document.documentElement.dataset.viewerZone")
        except Exception:  # noqa: BLE001 - the context is replaced while the page reloads
            seen = None
        if seen == zone:
            return
        time.sleep(0.1)
    raise AssertionError(f"page rendered in {seen!r}, expected {zone!r}")


def _first_time(page: Any) -> tuple[datetime, str]:
    element = page.locator("time[data-viewer-time]").first
    instant = datetime.fromisoformat(element.get_attribute("datetime").replace("Z", "+00:00"))
    return instant, " ".join(element.inner_text().split())


def test_browser_zone_is_detected_remembered_and_switchable(server_url: str, browser: Any) -> None:
    context = browser.new_context(
        timezone_id="Asia/Kathmandu", viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto(f"{server_url}/programme")

        _wait_for_zone(page, "Asia/Kathmandu")
        instant, text = _first_time(page)
        local = tz.localize(instant, "Asia/Kathmandu")
        cookies = {c["name"]: c for c in context.cookies()}

        # Chromium may report the legacy alias Asia/Katmandu; the server normalises it.
        assert tz.canonical_name(cookies["tz"]["value"]) == "Asia/Kathmandu"
        assert cookies["tz"]["sameSite"] == "Lax"
        # Rewritten in the page on this first visit (no reload); drawn by the server after.
        assert page.locator("html").get_attribute("data-zone-source") == "detected"
        assert text.startswith(f"{local:%a %d %b, %H:%M}–")
        assert text.endswith(" Kathmandu (UTC+05:45)")
        assert page.locator("#tz-current").inner_text() == "Showing Kathmandu (UTC+05:45)"
        assert page.locator("#tz-detect").is_hidden()

        # Found by what people call it: the finder lists Newfoundland's zone, a click picks it.
        page.locator("#tz-picker").press_sequentially("St John", delay=20)
        found = page.locator("#tz-results button", has_text="St Johns, Canada")
        found.wait_for(timeout=5000)
        assert page.locator("#tz-results button").count() == 1
        found.click()
        _wait_for_zone(page, "America/St_Johns")
        same_instant_text = " ".join(
            page.locator(f'time[data-viewer-time][datetime="{instant:%Y-%m-%dT%H:%M:%SZ}"]')
            .first.inner_text()
            .split()
        )
        st_johns = tz.localize(instant, "America/St_Johns")
        cookies = {c["name"]: c for c in context.cookies()}

        assert same_instant_text.startswith(f"{st_johns:%a %d %b, %H:%M}–")
        assert same_instant_text.endswith(" St Johns (UTC−03:30)")
        assert same_instant_text != text
        assert cookies["tz"]["value"] == "America/St_Johns"

        # The choice is remembered: a plain visit renders St John's time without ?tz=.
        page.goto(f"{server_url}/programme")
        _wait_for_zone(page, "America/St_Johns")
        assert page.locator("html").get_attribute("data-zone-source") == "cookie"
    finally:
        context.close()


def test_browser_zone_found_by_country_without_javascript(server_url: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server_url}/programme")
        page.locator("#tz-picker").fill("India")
        page.get_by_role("button", name="Change zone").click()
        page.wait_for_url("**tz=India**", timeout=5000)

        assert page.locator("html").get_attribute("data-viewer-zone") == "Asia/Kolkata"
        assert {c["name"]: c["value"] for c in context.cookies()}["tz"] == "Asia/Kolkata"

        page.locator("#tz-picker").fill("Argentina")
        page.get_by_role("button", name="Change zone").click()
        page.wait_for_url("**tz=Argentina**", timeout=5000)
        page.get_by_role("link", name="Ushuaia, Argentina").first.click()
        page.wait_for_url("**tz=America%2FArgentina%2FUshuaia**", timeout=5000)
        assert page.locator("html").get_attribute("data-viewer-zone") == (
            "America/Argentina/Ushuaia"
        )
    finally:
        context.close()


def test_browser_home_page_fits_a_phone(server_url: str, browser: Any) -> None:
    context = browser.new_context(
        timezone_id="Africa/Nairobi", viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto(f"{server_url}/")
        _wait_for_zone(page, "Africa/Nairobi")
        page.screenshot(path=str(HOME_SCREENSHOT), full_page=True)
        page_width = page.evaluate("document.documentElement.scrollWidth")

        assert page_width <= 390
        assert page.locator("svg.timeline-svg").is_visible()
        assert page.get_by_role("heading", name="Live now around the world").is_visible()
        assert HOME_SCREENSHOT.stat().st_size > 0
    finally:
        context.close()


def test_browser_pages_run_under_the_content_security_policy(server_url: str, browser: Any) -> None:
    # The policy blocks silently (a console message, no exception): listen for both.
    with urllib.request.urlopen(f"{server_url}/api/editions/{EDITION}/sessions") as answer:
        uid = json.load(answer)["sessions"][0]["uid"]
    paths = [
        "/",
        "/programme",
        f"/sessions/{uid}",
        "/organisations",
        "/editions",
        f"/editions/{EDITION}/calendar",
        "/agenda",
        "/admin/login",
        "/no/such/page",
        f"/rooms/lobby-{EDITION}",
    ]
    WITHOUT_TIMES = {"/admin/login", "/no/such/page"}  # pages with no viewer zone
    context = browser.new_context(timezone_id="Asia/Kathmandu")
    problems: list[str] = []
    policies: set[str | None] = set()
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
        )
        for path in paths:
            response = page.goto(f"{server_url}{path}")
            assert response is not None
            policies.add(response.headers.get("content-security-policy"))
            if path not in WITHOUT_TIMES:
                _wait_for_zone(page, "Asia/Kathmandu")  # zonefirst.js ran (no reload)
            page.wait_for_load_state("load")
        # The room's script ran. (This server speaks no WebSocket, ws="none": the room browser
        # tests show the room's socket opening under the same policy.)
        page.locator("#room[data-connection]").wait_for(state="attached")
    finally:
        context.close()

    assert len(policies) == 1 and None not in policies
    assert problems == []


# Before the page's own scripts: what the page holds, and whether it can be seen, at the moment
# the document is parsed (zonefirst.js's listener runs after this one, registered earlier).
RECORD_FIRST_STATE = """
document.addEventListener("DOMContentLoaded", () => {
  const first = document.querySelector("time[data-viewer-time]");
  window.__parsed = {
    visibility: getComputedStyle(document.documentElement).visibility,
    text: first ? first.textContent : null,
  };
});
"""


def test_browser_zone_first_visit_paints_in_the_detected_zone_with_one_download(
    server_url: str, browser: Any
) -> None:
    context = browser.new_context(
        timezone_id="Asia/Kathmandu", viewport={"width": 390, "height": 844}
    )
    documents: list[str] = []
    try:
        context.add_init_script(RECORD_FIRST_STATE)
        page = context.new_page()
        page.on(
            "request", lambda r: documents.append(r.url) if r.resource_type == "document" else None
        )
        page.goto(f"{server_url}/programme")
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)  # a reload, if any, would have started by now
        parsed = page.evaluate("window.__parsed")
        cards = page.evaluate(
            """[...document.querySelectorAll("section.day")].map((section) => ({
                day: section.querySelector(".day-title").id,
                times: [...section.querySelectorAll("time[data-viewer-time]")].map((t) =>
                  [t.getAttribute("datetime"), t.textContent.trim().replace(/\\s+/g, " ")]),
              }))"""
        )
        tabs = page.locator(".day-tabs a[href^='#day-']").evaluate_all(
            "(links) => links.map((a) => a.getAttribute('href'))"
        )
        label = page.locator("#tz-current").inner_text()
        cookies = {c["name"]: c["value"] for c in context.cookies()}
    finally:
        context.close()

    assert documents == [f"{server_url}/programme"]
    # The server drew UTC; nobody saw it: the page was hidden until rewritten.
    assert parsed["visibility"] == "hidden"
    assert parsed["text"].strip().endswith(" UTC")
    assert tz.canonical_name(cookies["tz"]) == "Asia/Kathmandu"
    assert label == "Showing Kathmandu (UTC+05:45)"
    shown = 0
    for section in cards:
        for iso, text in section["times"]:
            local = tz.localize(
                datetime.fromisoformat(iso.replace("Z", "+00:00")), "Asia/Kathmandu"
            )
            assert text.startswith(f"{local:%a %d %b, %H:%M}"), text
            assert text.endswith("Kathmandu (UTC+05:45)"), text
            # Each session sits under the day it falls on in Kathmandu.
            assert section["day"] == f"day-{local:%Y-%m-%d}", (section["day"], text)
            shown += 1
    assert shown > 0
    assert tabs == [f"#{section['day']}" for section in cards]
