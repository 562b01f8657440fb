"""Every page type in French (``Accept-Language: fr``): no visible text is an English text of the
catalogue.

The visible text of a page is its text nodes and its ``alt``/``title``/``placeholder``/
``aria-label`` attributes, outside ``<script>``/``<style>`` and outside session content and
names (elements with their own ``lang`` or ``dir="auto"``: titles, descriptions, organisations'
and people's names keep their own language). A text that is exactly the msgid of a string whose
French differs means an unwrapped (or untranslated) string. Every GET route of the app is either
swept here or listed as data (API, feeds, files), so a new page type cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from festival import i18n
from festival.app import create_app
from festival.i18n import po_path
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.festival.accounts_seed import add_account
from tests.festival.admin_browser import put_session
from tests.festival.admin_browser import store as signins

FRENCH = {"Accept-Language": "fr"}
#: GET routes that answer data, not a page people read as such (their messages are checked by
#: the JSON error tests): API, feeds, files, probes, redirects of sign-in providers.
DATA = {
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/editions",
    "/api/editions/{slug}",
    "/api/editions/{slug}/window",
    "/api/editions/{slug}/sessions",
    "/api/editions/{slug}/live",
    "/api/editions/{slug}/coverage",
    "/api/editions/{slug}/conflicts",
    "/api/sessions/{uid}",
    "/api/organisations",
    "/api/organisations/{slug}",
    "/api/toolkits",
    "/api/toolkits/{slug}",
    "/editions/{slug}/calendar.ics",
    "/editions/{slug}/schedule.xml",
    "/editions/{slug}/schedule.json",
    "/organisations/{slug}/calendar.ics",
    "/sessions/{uid}/calendar.ics",
    "/agenda/{token}.ics",
    "/admin/sessions.csv",
    "/toolkits/{slug}/resources/{resource_id}",
    "/organiser/zones.json",
    "/organiser/time.json",
    "/signin/oidc/{provider}/callback",
}
#: Pages, as swept: a route's path -> the URL fetched ({…}: filled from the demo data).
PAGES = {
    "/": "/",
    "/programme": "/programme",
    "/editions": "/editions",
    "/editions/{slug}": "/editions/{edition}",
    "/editions/{slug}/programme": "/editions/{edition}/programme",
    "/editions/{slug}/calendar": "/editions/{edition}/calendar",
    "/calendar": "/calendar",
    "/sessions/{uid}": "/sessions/{session}",
    "/rooms/{room}": "/rooms/session-{session}",
    "/organisations": "/organisations",
    "/organisations/{slug}": "/organisations/{organisation}",
    "/agenda": "/agenda",
    "/toolkits": "/toolkits",
    "/toolkits/{slug}": "/toolkits/{toolkit}",
    "/celebrations": "/celebrations",
    "/propose": "/propose",
    "/propose/thanks": "/propose/thanks",
    "/propose/celebration": "/propose/celebration",
    "/signin": "/signin",
    "/signin/reset": "/signin/reset",
    "/reset/{token}": "/reset/no-such-token",
    "/invite/{token}": "/invite/no-such-token",
    "/admin/login": "/admin/login",
    # signed in (an admin)
    "/account": "/account",
    "/account/data": "/account/data",
    "/account/delete": "/account/delete",
    "/admin": "/admin",
    "/admin/audit": "/admin/audit",
    "/admin/editions": "/admin/editions",
    "/admin/editions/new": "/admin/editions/new",
    "/admin/editions/{slug}": "/admin/editions/{edition}",
    "/admin/organisations": "/admin/organisations",
    "/admin/organisations/new": "/admin/organisations/new",
    "/admin/organisations/{slug}": "/admin/organisations/{organisation}",
    "/admin/people": "/admin/people",
    "/admin/review": "/admin/review",
    "/admin/proposals/{proposal_id}": "/admin/proposals/999999",
    "/admin/celebration-proposals/{proposal_id}": "/admin/celebration-proposals/999999",
    "/admin/sessions": "/admin/sessions",
    "/admin/sessions/{uid}": "/admin/sessions/{session}",
    "/admin/import": "/admin/import",
    "/admin/import/{token}": "/admin/import/no-such-import",
    "/admin/tz-check": "/admin/tz-check",
    "/admin/invitations": "/admin/invitations",
    "/organiser": "/organiser",
    "/organiser/toolkits": "/organiser/toolkits",
    "/organiser/toolkits/new": "/organiser/toolkits/new?organisation={organisation}",
    "/organiser/toolkits/{slug}": "/organiser/toolkits/{toolkit}",
    "/organiser/sessions/new": "/organiser/sessions/new?organisation={organisation}",
    "/organiser/sessions/{uid}": "/organiser/sessions/{session}",
    "/organiser/sessions/{uid}/edit": "/organiser/sessions/{session}/edit",
}
#: Pages that answer otherwise (made-up ids: refusal pages, also swept; redirects).
NOT_200: dict[str, int] = {
    "/calendar": 307,  # to the current edition's calendar page (swept)
    "/admin/login": 303,  # signed in already
    "/reset/no-such-token": 400,
    "/invite/no-such-token": 400,
    "/admin/proposals/999999": 404,
    "/admin/celebration-proposals/999999": 404,
    "/admin/import/no-such-import": 404,
}
SHOWN_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "label")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def get_routes(app: object) -> set[str]:
    found: set[str] = set()

    def walk(routes: list[object], prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                walk(list(route.routes or []), prefix + route.path)
            elif isinstance(route, Route) and "GET" in (route.methods or ()):
                found.add(prefix + route.path)

    walk(list(app.routes), "")  # type: ignore[attr-defined]
    return found


def english_msgids() -> set[str]:
    """Every msgid (singular, plural) of every domain whose French is different."""
    from babel.messages.pofile import read_po

    texts: set[str] = set()
    french: set[str] = set()
    for domain in i18n.DOMAINS:
        with po_path("fr", domain).open("rb") as f:
            catalogue = read_po(f, locale="fr")
        for message in catalogue:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                if msgid not in strings:
                    texts.add(" ".join(str(msgid).split()))
            french |= {" ".join(str(s).split()) for s in strings if s}
    # "Lecture" is English (a talk) and French (reading): a French text is never a leftover;
    # nor is punctuation (":").
    return {text for text in texts - french if sum(c.isalpha() for c in text) >= 2}


class VisibleText(HTMLParser):
    """The page's visible texts, without scripts, styles and content in its own language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from the check)
        self.texts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        own_language = tag != "html" and ("lang" in values or values.get("dir") == "auto")
        hidden = tag in {"script", "style", "template"} or own_language
        if not hidden and not self._hidden():
            self.texts += [str(values[name]) for name in SHOWN_ATTRIBUTES if values.get(name)]
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if not self._hidden():
            self.texts += [str(values[name]) for name in SHOWN_ATTRIBUTES if values.get(name)]

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.texts.append(data)


def visible_texts(page: str) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    return [text for text in (" ".join(t.split()) for t in parser.texts) if text]


def leftover_english(page: str, english: set[str]) -> list[str]:
    return sorted({text for text in visible_texts(page) if text in english})


@pytest.fixture
def signed_in(demo_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    admin = add_account(demo_settings, "sweep-admin@example.org", name="Ada", is_admin=True)
    from tests.dbtools import with_db

    sid = with_db(demo_settings, lambda db: signins.start_signin(db, admin, clock.now()))
    with TestClient(create_app(demo_settings, clock=clock)) as client:
        put_session(client, demo_settings, {"csrf": "x" * 32, "sid": sid})
        client.headers.update(FRENCH)
        yield client


def demo_values(client: TestClient) -> dict[str, str]:
    edition = client.get("/api/editions").json()["editions"][0]["slug"]
    session = client.get(f"/api/editions/{edition}/sessions").json()["sessions"][0]["uid"]
    organisation = client.get("/api/organisations").json()["organisations"][0]["slug"]
    toolkits = client.get("/api/toolkits").json()["toolkits"]
    toolkit = toolkits[0]["slug"] if toolkits else "no-such-toolkit"
    return {
        "edition": edition,
        "session": session,
        "organisation": organisation,
        "toolkit": toolkit,
    }


def test_every_get_route_is_a_swept_page_or_data(signed_in: TestClient) -> None:
    routes = get_routes(signed_in.app)
    assert routes - set(PAGES) - DATA == set(), "add the new page to PAGES (or DATA)"
    assert set(PAGES) | DATA <= routes


def test_no_page_in_french_shows_an_english_text_of_the_catalogue(
    signed_in: TestClient,
) -> None:
    english = english_msgids()
    values = demo_values(signed_in)
    left: dict[str, list[str]] = {}
    statuses: dict[str, int] = {}
    for url in PAGES.values():
        address = url.format(**values)
        response = signed_in.get(address, follow_redirects=False)
        statuses[address] = response.status_code
        if "text/html" in response.headers.get("content-type", ""):
            assert response.headers["content-language"] == "fr", address
            found = leftover_english(response.text, english)
            if found:
                left[address] = found
    assert left == {}, "\n".join(f"{k}: {v}" for k, v in left.items())
    # The sweep saw pages, not only refusals: every one answers 200 but these.
    assert {a: s for a, s in statuses.items() if s != 200} == NOT_200


def test_the_sweep_finds_an_english_text() -> None:
    english = {"Programme of the day", "Search"}
    page = (
        '<html lang="fr"><body><h1>Programme of the day</h1>'
        '<input placeholder="Search"><p lang="en">Search</p><p dir="auto">Search</p>'
        "<script>const s = 'Search';</script></body></html>"
    )
    assert leftover_english(page, english) == ["Programme of the day", "Search"]
    assert visible_texts(page).count("Search") == 1  # the placeholder only
