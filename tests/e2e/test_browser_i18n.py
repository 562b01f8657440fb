"""French in a real browser: a French Chromium gets French pages, finds its zone by the city's
French name in the zone picker, and switches language with the header's links (no JavaScript
needed), at a phone's and a laptop's width.

Uses the demo server and the browser of tests/e2e/test_browser_zone.py (Debian's Chromium,
driven by Playwright; skipped with the reason outside CI when it is missing).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_browser_zone import _wait_for_zone, browser, server_url  # noqa: F401

pytestmark = pytest.mark.e2e

VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}px")
def test_french_zone_picker_finds_a_city_by_its_french_name(
    server_url: str,  # noqa: F811
    browser: Any,  # noqa: F811
    viewport: dict[str, int],
) -> None:
    context = browser.new_context(locale="fr-FR", timezone_id="Africa/Nairobi", viewport=viewport)
    try:
        page = context.new_page()
        page.goto(f"{server_url}/programme")
        _wait_for_zone(page, "Africa/Nairobi")
        html = page.locator("html")
        assert html.get_attribute("lang") == "fr"
        assert (
            page.locator("#tz-current").inner_text()
            == "Heures affichées\u00a0: Nairobi (UTC+03:00)"
        )

        page.locator("#tz-picker").fill("Katmandou")
        page.get_by_role("button", name="Changer de fuseau").click()
        page.wait_for_url("**tz=Katmandou**", timeout=5000)
        _wait_for_zone(page, "Asia/Kathmandu")

        assert page.locator("#tz-current").inner_text() == (
            "Heures affichées\u00a0: Katmandou (UTC+05:45)"
        )
        assert {c["name"]: c["value"] for c in context.cookies()}["tz"] == "Asia/Kathmandu"
        first = " ".join(page.locator("time[data-viewer-time]").first.inner_text().split())
        assert first.endswith("Katmandou (UTC+05:45)"), first
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}px")
def test_language_switch_works_without_javascript_and_is_remembered(
    server_url: str,  # noqa: F811
    browser: Any,  # noqa: F811
    viewport: dict[str, int],
) -> None:
    context = browser.new_context(locale="en-GB", java_script_enabled=False, viewport=viewport)
    try:
        page = context.new_page()
        page.goto(f"{server_url}/celebrations")
        assert page.locator("html").get_attribute("lang") == "en"
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
        page.wait_for_url("**/celebrations?locale=fr", timeout=5000)
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Des célébrations de l’apprentissage toute l’année"
        )
        # Remembered: the next page is French although the browser asks for English.
        page.goto(f"{server_url}/toolkits")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role("navigation", name="Langue").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()
