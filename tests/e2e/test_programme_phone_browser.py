"""The programme on a phone (390x844) in Chromium: sessions before filters, day tabs, a
"jump to now" link and a star on each card that saves the session and comes back to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.test_pages_browser import ZONE, Site, browser, site

pytestmark = pytest.mark.e2e

__all__ = ["browser", "site"]  # the page sweep's server and browser, shared

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any, site: Site) -> Iterator[Any]:
    context = browser.new_context(timezone_id=ZONE, viewport=PHONE)
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "tz", "value": ZONE, "url": site.http}])
    page = context.new_page()
    page.goto(site.url("/programme"))
    page.wait_for_load_state("load")
    yield page
    context.close()


def top(page: Any, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return float(box["y"])


def test_programme_phone_shows_sessions_on_the_first_screen(phone: Any) -> None:
    folded = phone.locator("details.filters-fold").evaluate("node => node.open")
    first_card = top(phone, ".cards .card")
    phone.locator("details.filters-fold > summary").click()
    unfolded = phone.locator("#f-q").is_visible()
    assert folded is False
    assert first_card < PHONE["height"]
    assert unfolded is True


def test_programme_phone_day_tabs_and_jump_to_now(phone: Any) -> None:
    tabs = phone.locator(".day-tabs a:not(.jump-now)")
    days = phone.locator("section.day h3")
    assert tabs.count() == days.count() >= 2
    last = tabs.nth(tabs.count() - 1)
    target = last.get_attribute("href")
    last.click()
    heading = phone.locator(str(target))
    heading_top = heading.evaluate("node => node.getBoundingClientRect().top")
    tabs_bottom = phone.locator(".day-tabs").evaluate("node => node.getBoundingClientRect().bottom")
    # The day's heading is on screen, below the tabs that stay at the top.
    assert tabs_bottom - 1 <= heading_top < PHONE["height"]
    jump = phone.locator(".day-tabs .jump-now")
    card = phone.locator(str(jump.get_attribute("href")))
    jump.click()
    card_top = card.evaluate("node => node.getBoundingClientRect().top")
    assert 0 <= card_top < PHONE["height"]


def test_programme_phone_star_saves_and_comes_back(phone: Any, site: Site) -> None:
    card = phone.locator(".card-with-star").nth(2)
    uid = str(card.get_attribute("id"))[2:]
    star = card.locator("button.star")
    assert star.get_attribute("aria-pressed") == "false"
    star.click()
    phone.wait_for_url(f"**/programme#s-{uid}")
    saved = phone.locator(f"#s-{uid} button.star")
    pressed, label = saved.get_attribute("aria-pressed"), saved.inner_text()
    agenda = phone.context.new_page()
    agenda.goto(site.url("/agenda"))
    listed = agenda.locator(f"#s-{uid}").count()
    agenda.close()
    saved.click()  # and once more: removed
    phone.wait_for_url(f"**/programme#s-{uid}")
    after = phone.locator(f"#s-{uid} button.star").get_attribute("aria-pressed")
    assert (pressed, label.split(":")[0].strip()) == ("true", "★ Saved")
    assert listed == 1
    assert after == "false"
