"""Security headers on every kind of response, and pages that run under the policy they send.

Expected values are written out here, not imported from festival/headers.py, so a change to the
policy is a change to this file too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from festival.app import create_app
from festival.settings import Settings
from scheduling.clock import FixedClock

EDITION = "learningplanet-2027"
PASSWORD = "headers-test-password"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
EVERY_RESPONSE = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}
#: Pages whose address is a secret keep their stricter Referrer-Policy.
NO_REFERRER = {**EVERY_RESPONSE, "referrer-policy": "no-referrer"}
HSTS = "max-age=31536000"


def security_headers(response: object) -> dict[str, str]:
    headers = response.headers  # type: ignore[attr-defined]
    names = [*EVERY_RESPONSE, "strict-transport-security"]
    return {name: headers[name] for name in names if name in headers}


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def sign_in(client: TestClient) -> None:
    token = csrf(client.get("/admin/login").text)
    response = client.post(
        "/admin/login",
        data={"csrf_token": token, "password": PASSWORD, "next": "/admin"},
        follow_redirects=False,
    )
    assert response.status_code == 303


@pytest.fixture
def admin_client(demo_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    settings = demo_settings.with_(admin_password=PASSWORD)
    with TestClient(create_app(settings, clock=clock)) as client:
        sign_in(client)
        yield client


def every_kind_of_response(client: TestClient) -> dict[str, object]:
    """One response of each kind the site sends, by a label saying what it is."""
    session = client.get(f"/api/editions/{EDITION}/sessions").json()["sessions"][0]
    uid, org = session["uid"], session["organisation"]["slug"]
    feed = f"/editions/{EDITION}/calendar.ics"
    etag = client.get(feed).headers["etag"]
    agenda_token = csrf(client.get(f"/sessions/{uid}").text)
    client.post("/agenda/save", data={"csrf_token": agenda_token, "uid": uid})
    gets = {
        "home": "/",
        "programme": "/programme",
        "edition home": f"/editions/{EDITION}",
        "edition programme": f"/editions/{EDITION}/programme",
        "session": f"/sessions/{uid}",
        "session room": f"/rooms/session-{uid}",
        "lobby room": f"/rooms/lobby-{EDITION}",
        "organisations": "/organisations",
        "organisation": f"/organisations/{org}",
        "editions": "/editions",
        "calendars": f"/editions/{EDITION}/calendar",
        "calendar redirect": "/calendar",
        "agenda": "/agenda",
        "admin": "/admin",
        "admin import": "/admin/import",
        "sign-in": "/admin/login",
        "html 404": "/no/such/page",
        "json 404": "/api/no/such/thing",
        "html 400 (unknown zone)": "/programme?tz=Mars/Olympus",
        "api": f"/api/editions/{EDITION}/sessions",
        "api session": f"/api/sessions/{uid}",
        "edition feed": feed,
        "organisation feed": f"/organisations/{org}/calendar.ics",
        "session feed": f"/sessions/{uid}/calendar.ics",
        "frab xml": f"/editions/{EDITION}/schedule.xml",
        "c3voc json": f"/editions/{EDITION}/schedule.json",
        "healthz": "/healthz",
        "readyz": "/readyz",
        "metrics": "/metrics",
        "style sheet": "/static/css/site.css",
        "script": "/static/js/room.js",
        "icon": "/static/favicon.svg",
    }
    responses: dict[str, object] = {
        label: client.get(path, follow_redirects=False) for label, path in gets.items()
    }
    agenda_page = client.get("/agenda").text
    match = re.search(r'href="http://testserver(/agenda/[^"?]+\.ics)', agenda_page)
    assert match is not None
    responses["agenda feed"] = client.get(match.group(1))
    responses["304"] = client.get(feed, headers={"if-none-match": etag})
    responses["405"] = client.post("/programme")
    responses["403 (csrf)"] = client.post("/agenda/save", data={"uid": uid})
    return responses


def test_every_kind_of_response_carries_the_security_headers(admin_client: TestClient) -> None:
    responses = every_kind_of_response(admin_client)

    statuses = {label: r.status_code for label, r in responses.items()}  # type: ignore[attr-defined]
    found = {label: security_headers(r) for label, r in responses.items()}

    assert statuses["admin"] == 200  # signed in: the page itself, not the sign-in redirect
    assert (statuses["html 404"], statuses["json 404"], statuses["304"]) == (404, 404, 304)
    assert (statuses["405"], statuses["403 (csrf)"], statuses["calendar redirect"]) == (
        405,
        403,
        307,
    )
    secret = {"agenda", "agenda feed"}
    assert found == {
        label: NO_REFERRER if label in secret else EVERY_RESPONSE for label in responses
    }


def test_the_policy_allows_no_inline_script_and_no_framing() -> None:
    directives = dict(part.split(" ", 1) for part in CSP.split("; "))

    assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


class InlineCode(HTMLParser):
    """What a Content-Security-Policy without 'unsafe-inline' would refuse to run."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script":
            self.scripts += 1
            # A JSON data block (the JS catalogue) is never run, so CSP does not govern it.
            data = dict(attrs).get("type") == "application/json"
            if "src" not in names and not data:
                self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f"<{tag} style=...>")
            url = (value or "").strip().lower()
            if name in {"href", "src", "action"} and url.startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")


def test_every_page_runs_under_the_policy(admin_client: TestClient) -> None:
    responses = every_kind_of_response(admin_client)
    pages = {
        label: r.text  # type: ignore[attr-defined]
        for label, r in responses.items()
        if r.headers.get("content-type", "").startswith("text/html")  # type: ignore[attr-defined]
    }

    found = {}
    scripts = 0
    for label, html in pages.items():
        parser = InlineCode()
        parser.feed(html)
        found[label] = parser.found
        scripts += parser.scripts

    assert len(pages) == 19  # every HTML page type above, not an empty selection
    assert scripts > 0  # the parser does see scripts (module files)
    assert found == {label: [] for label in pages}


def test_templates_hold_no_inline_script_style_or_handler(demo_settings: Settings) -> None:
    # The pages above render most templates; this reads every one, partials included.
    found: dict[str, list[str]] = {}
    templates = sorted(Path(demo_settings.templates_dir).rglob("*.html"))
    for template in templates:
        parser = InlineCode()
        parser.feed(template.read_text(encoding="utf-8"))
        found[str(template.relative_to(demo_settings.templates_dir))] = parser.found

    assert len(templates) >= 20
    assert found == {name: [] for name in found}


def test_hsts_only_when_the_site_is_https(demo_settings: Settings, clock: FixedClock) -> None:
    paths = ["/", f"/editions/{EDITION}/calendar.ics", "/api/editions", "/no/such/page"]
    https = demo_settings.with_(site_url="https://festival.example.org")

    with TestClient(create_app(https, clock=clock)) as client:
        over_tls = [client.get(path).headers.get("strict-transport-security") for path in paths]
    with TestClient(create_app(demo_settings, clock=clock)) as client:
        plain = [client.get(path).headers.get("strict-transport-security") for path in paths]

    assert over_tls == [HSTS] * len(paths)
    assert plain == [None] * len(paths)


def test_a_server_error_page_carries_the_security_headers(tmp_path: Path) -> None:
    # A database that cannot be opened: every page that reads it fails with a real 500.
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'festival.db'}",
        secret_key="test-secret-key-not-for-production",
        secret_key_generated=False,
        site_url="https://festival.example.org",
        check_migrations=False,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        page = client.get("/programme")
        api = client.get("/api/editions")

    assert (page.status_code, api.status_code) == (500, 500)
    assert "Something went wrong on our side" in page.text
    assert security_headers(page) == {**EVERY_RESPONSE, "strict-transport-security": HSTS}
    assert security_headers(api) == {**EVERY_RESPONSE, "strict-transport-security": HSTS}
