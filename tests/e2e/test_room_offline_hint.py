"""The room treats the browser's "offline" as a hint: it keeps trying, with backoff.

Chromium on a machine whose only network is loopback (a kiosk, a container serving itself)
says navigator.onLine is false while the server answers. Here the page is told so (an init
script, before any of the page's code runs) and must still reach an open room; a context
switched offline and back must come back on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.test_room_browser import TIMEOUT_MS, Person, browser, lobby_url

pytestmark = pytest.mark.e2e

__all__ = ["browser", "lobby_url"]  # the module's fixtures, shared with the room tests

ALWAYS_OFFLINE = """
Object.defineProperty(Navigator.prototype, "onLine", { get: () => false, configurable: true });
"""


@pytest.fixture
def offline_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        timezone_id="Asia/Kathmandu", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(ALWAYS_OFFLINE)
    page = context.new_page()
    yield page
    context.close()


def test_room_connects_although_the_browser_says_it_is_offline(
    offline_page: Any, lobby_url: str
) -> None:
    page = offline_page
    page.goto(lobby_url)
    page.wait_for_load_state("load")
    assert page.evaluate("navigator.onLine") is False
    # Entering a name (re)joins under that name: the room must not give up on a "hint".
    page.fill("#name-input", "Kiosk")
    page.click("#name-form button[type=submit]")
    page.locator('#room[data-connection="open"]').wait_for(state="attached")
    page.fill("#chat-input", "sent from a loopback-only kiosk")
    page.click("#chat-form button[type=submit]")
    page.locator("#chat-list .chat-text", has_text="loopback-only kiosk").wait_for()


def test_room_comes_back_after_the_browser_was_offline(browser: Any, lobby_url: str) -> None:
    person = Person(browser, lobby_url, "Sita")
    try:
        person.context.set_offline(True)
        person.wait_connection("offline")
        person.context.set_offline(False)
        person.wait_open()
        person.chat("back after the outage")
        person.wait_chat("back after the outage")
    finally:
        errors = person.errors
        person.close()
    assert errors == []
