"""The programme in French on a phone (390x844, then 320 px) in Chromium: the browser asks for
French, the page answers in it, with day tabs, "jump to now", the save (star) button, the
compact list, no sideways scroll and no serious axe violation.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.audit import axe_source, axe_violations, overflow
from tests.e2e.test_pages_browser import ZONE, Site, browser, site

pytestmark = pytest.mark.e2e

__all__ = ["browser", "site"]  # the page sweep's server and browser, shared

PHONE = {"width": 390, "height": 844}
NBSP = "\u00a0"


def test_programme_french_on_a_phone_with_day_tabs_and_the_star(browser: Any, site: Site) -> None:
    context = browser.new_context(timezone_id=ZONE, viewport=PHONE, locale="fr-FR")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "tz", "value": ZONE, "url": site.http}])
    try:
        page = context.new_page()
        page.goto(site.url("/programme"))
        lang = page.locator("html").get_attribute("lang")
        heading = page.locator("h1").inner_text()
        tabs = page.locator(".day-tabs a:not(.jump-now)").count()
        first_tab = page.locator(".day-tabs a:not(.jump-now)").first.evaluate(
            "(a) => a.firstChild.textContent"
        )
        days = page.locator("section.day").count()
        jump = page.locator(".day-tabs .jump-now").inner_text()
        summary = page.locator("details.filters-fold > summary").inner_text()
        count = page.locator(".results .count").inner_text()
        card = page.locator(".card-with-star").nth(1)
        uid = str(card.get_attribute("id"))[2:]
        star = card.locator("button.star")
        before = star.inner_text()
        star.click()
        page.wait_for_url(f"**/programme#s-{uid}")
        after = page.locator(f"#s-{uid} button.star").inner_text()
        pressed = page.locator(f"#s-{uid} button.star").get_attribute("aria-pressed")
        compact = page.locator("#view-switch a[data-view='compact']").inner_text()
        source = axe_source()
        violations = axe_violations(page, source)
        page.set_viewport_size({"width": 320, "height": PHONE["height"]})
        wide_cards = overflow(page)
        page.locator("#view-switch a[data-view='compact']").click()
        page.wait_for_url("**view=compact**")
        wide_compact = overflow(page)
        violations += axe_violations(page, source)
        star_name = page.locator(f"#s-{uid} button.star").evaluate("(b) => b.textContent")
    finally:
        context.close()

    assert lang == "fr"
    assert heading == "Programme"
    assert tabs == days >= 2
    assert first_tab.split(" ")[0] in {"lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."}
    assert jump == "Aller à maintenant"
    assert summary.startswith("Trouver des sessions")
    assert " sur " in count and count.endswith(".")
    assert before.split(NBSP)[0].strip() == "☆ Enregistrer"
    assert after.split(NBSP)[0].strip() == "★ Enregistrée"
    assert pressed == "true"
    assert compact == "Liste compacte"
    assert star_name.startswith("★Enregistrée")
    assert wide_cards is None and wide_compact is None
    assert violations == []
