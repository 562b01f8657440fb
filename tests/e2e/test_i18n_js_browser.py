"""static/js/i18n.js in Chromium: the catalogue read from the page, French and English plural
forms, placeholders, numbers in the locale, and English when a string is not translated.

The page is the shape base.html gives every page (<html lang>, the `js-catalogue` JSON with the
room domain's French, plural entries as lists of forms) with the real module, served from the
working tree by Playwright's router (no server, no network).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from tests.e2e.browser import chromium

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "http://festival.test"
PROBE = """
import { locale, number, t, tn } from "/static/js/i18n.js";
import { errorMessage } from "/static/js/room/errors.js";
const votes = [0, 1, 2, 1000000].map((n) => tn("{n} vote.", "{n} votes.", n));
const here = [0, 1, 2].map((n) => tn("person here", "people here", n));
window.__result = {
  locale: locale(),
  votes, here,
  plain: t("Delete the message from {name}", { name: "Amina" }),
  missing: t("Not in any catalogue, {name}", { name: "Ben" }),
  number: number(1234.5),
  slow: errorMessage({ code: "rate.slow_mode", message: "English", retry_after_seconds: 2.2 }),
  unknown: errorMessage({ code: "no.such_code", message: "The server's words" }),
};
"""


def _catalogue() -> dict[str, Any]:
    path = ROOT / "festival" / "locale" / "fr" / "LC_MESSAGES" / "room.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="fr", domain="room")
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (
            m.string if isinstance(m.string, str) else list(m.string)
        )
        for m in catalogue
        if m.id
    }


def _run(browser: Any, lang: str, catalogue: dict[str, Any]) -> dict[str, Any]:
    data = json.dumps(catalogue).replace("</", "<\\/")
    page_html = (
        f'<!doctype html><html lang="{lang}"><head><title>i18n</title>'
        f'<script type="application/json" id="js-catalogue">{data}</script>'
        '<script type="module" src="/probe.js"></script></head><body></body></html>'
    )

    def serve(route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path == "/":
            route.fulfill(body=page_html, content_type="text/html")
        elif path == "/probe.js":
            route.fulfill(body=PROBE, content_type="text/javascript")
        elif path.startswith("/static/js/") and ".." not in path:
            route.fulfill(path=str(ROOT / path.lstrip("/")), content_type="text/javascript")
        else:
            route.fulfill(status=404, body="")

    context = browser.new_context()
    try:
        context.route(f"{ORIGIN}/**", serve)
        page = context.new_page()
        page.goto(f"{ORIGIN}/")
        page.wait_for_function("window.__result !== undefined", timeout=10_000)
        result: dict[str, Any] = page.evaluate("window.__result")
        return result
    finally:
        context.close()


def test_i18n_js_french_plural_forms_placeholders_and_numbers() -> None:
    with chromium() as browser:
        result = _run(browser, "fr", _catalogue())

    assert result["locale"] == "fr"
    # French: 0 and 1 are singular; a million takes CLDR's "many" form.
    assert result["votes"] == ["0 vote.", "1 vote.", "2 votes.", "1\u202f000\u202f000 votes."]
    assert result["here"] == ["personne présente", "personne présente", "personnes présentes"]
    assert result["plain"] == "Supprimer le message de Amina"
    assert result["missing"] == "Not in any catalogue, Ben"
    assert result["number"] == "1\u202f234,5"
    assert result["slow"] == "Le mode lent est activé. Patientez 3\u00a0secondes."
    assert result["unknown"] == "The server's words"


def test_i18n_js_english_without_a_catalogue() -> None:
    with chromium() as browser:
        result = _run(browser, "en", {})

    assert result["votes"] == ["0 votes.", "1 vote.", "2 votes.", "1,000,000 votes."]
    assert result["here"] == ["people here", "person here", "people here"]
    assert result["plain"] == "Delete the message from Amina"
    assert result["number"] == "1,234.5"
    assert result["slow"] == "Slow mode is on. Wait 3 seconds."
