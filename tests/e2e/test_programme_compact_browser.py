"""The programme's compact list in Chromium: one row per session (time, title, kind, star) for
phones, switched by a link that works without JavaScript and is remembered (a cookie).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.audit import axe_source, axe_violations, overflow
from tests.e2e.test_pages_browser import ZONE, Site, browser, site

pytestmark = pytest.mark.e2e

__all__ = ["browser", "site"]  # the page sweep's server and browser, shared

PHONE = {"width": 390, "height": 844}


def _context(browser: Any, site: Site, width: int, javascript: bool = True) -> Any:
    context = browser.new_context(
        timezone_id=ZONE,
        viewport={"width": width, "height": PHONE["height"]},
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "tz", "value": ZONE, "url": site.http}])
    return context


def _screens(page: Any) -> float:
    height: float = page.evaluate("document.documentElement.scrollHeight")
    return height / PHONE["height"]


def test_programme_compact_list_is_shorter_and_fits_320_px(browser: Any, site: Site) -> None:
    context = _context(browser, site, PHONE["width"])
    try:
        page = context.new_page()
        page.goto(site.url("/programme"))
        cards_screens = _screens(page)
        cards = page.locator(".cards > li").count()
        page.locator("#view-switch a[data-view='compact']").click()
        page.wait_for_url("**view=compact**")
        compact_screens = _screens(page)
        rows = page.locator(".compact-list > li")
        row_count = rows.count()
        tallest = max(
            box["height"]
            for box in rows.evaluate_all(
                "(items) => items.map((li) => li.getBoundingClientRect().toJSON())"
            )
        )
        first = rows.first
        parts = [
            first.locator("time").inner_text(),
            first.locator(".compact-title").inner_text(),
            first.locator(".compact-meta").inner_text(),
        ]
        star = first.locator("button.star")
        star_name = star.evaluate("(b) => b.textContent")
        page.set_viewport_size({"width": 320, "height": PHONE["height"]})
        wide = overflow(page)
        violations = axe_violations(page, axe_source())
    finally:
        context.close()

    assert row_count == cards > 0
    assert compact_screens < cards_screens / 2
    assert tallest <= 64  # one row: time, then title over kind, then the star
    assert all(part.strip() for part in parts)
    assert "Save: " in star_name
    assert wide is None
    assert violations == []


def test_programme_compact_list_without_javascript_is_remembered(browser: Any, site: Site) -> None:
    context = _context(browser, site, 320, javascript=False)
    try:
        page = context.new_page()
        page.goto(site.url("/programme?kind=workshop"))
        page.locator("#view-switch a[data-view='compact']").click()
        page.wait_for_url("**view=compact**")
        kept_filter = "kind=workshop" in page.url
        rows_then = page.locator(".compact-list > li").count()
        cookie = {c["name"]: c for c in context.cookies()}.get("programme_view")
        page.goto(site.url("/programme"))
        remembered = page.locator(".compact-list > li").count()
        current = page.locator("#view-switch a[aria-current='true']").get_attribute("data-view")
        page.locator("#view-switch a[data-view='cards']").click()
        page.wait_for_url("**view=cards**")
        page.goto(site.url("/programme"))
        back_to_cards = page.locator(".cards > li").count()
        compact_after = page.locator(".compact-list > li").count()
    finally:
        context.close()

    assert kept_filter is True
    assert rows_then > 0
    assert cookie is not None and cookie["value"] == "compact" and cookie["httpOnly"] is True
    assert remembered > rows_then  # every session, not only the workshops: the filter was not
    assert current == "compact"
    assert back_to_cards == remembered
    assert compact_after == 0
