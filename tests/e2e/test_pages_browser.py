"""Every page type in Chromium: no sideways scroll at 320 px, and no serious axe violation.

A real server over the demo festival; an attendee's browser and an admin's (who also sees the
organiser pages). WCAG 1.4.10 (reflow): content fits 320 CSS px without scrolling in two
directions. axe-core (npm, tests/js) is run in each page, and on the room in each of its states:
lobby, live and ended, as an attendee and as a moderator.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from festival import demo, migrate
from festival.settings import Settings
from tests.e2e.audit import axe_source, axe_violations, overflow
from tests.e2e.browser import chromium

from .rooms_server import RoomServer

pytestmark = pytest.mark.e2e

ADMIN_PASSWORD = "pages-test-admin"
TIMEOUT_MS = 15_000
EDITION = Settings().default_edition
ZONE = "Asia/Kathmandu"  # UTC+05:45: labels are at their longest

PUBLIC = [
    "/",
    "/programme",
    "/editions",
    f"/editions/{EDITION}",
    "/sessions/{uid}",
    "/organisations",
    "/organisations/{org}",
    "/calendar",
    "/agenda",
    "/signin",
    "/propose",
    "/propose/celebration",
    "/toolkits",
    "/celebrations",
    "/admin/login",
    f"/rooms/lobby-{EDITION}",
    "/rooms/session-{uid}",
]
STAFF = [
    "/admin",
    "/admin/audit",
    "/admin/editions",
    "/admin/editions/new",
    f"/admin/editions/{EDITION}",
    "/admin/import",
    "/admin/import/{preview}",
    "/admin/organisations",
    "/admin/organisations/new",
    "/admin/organisations/{org}",
    "/admin/people",
    "/admin/review",
    "/admin/sessions",
    "/admin/sessions/{uid}",
    "/admin/tz-check",
    "/organiser",
    "/organiser/sessions/new?organisation={org}",
    "/organiser/sessions/{uid}",
    "/organiser/sessions/{uid}/edit",
    "/organiser/toolkits",
    "/organiser/toolkits/new?organisation={org}",
    "/rooms/session-{uid}",
]


@dataclass
class Site:
    http: str
    uid: str
    org: str
    preview: str = ""

    def url(self, path: str) -> str:
        return self.http + path.format(uid=self.uid, org=self.org, preview=self.preview)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path = tmp_path_factory.mktemp("pages-browser") / "festival.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)
    asyncio.run(demo.seed_database(url))
    server = RoomServer(url, ADMIN_PASSWORD=ADMIN_PASSWORD).start()
    try:
        api = f"{server.http}/api/editions/{EDITION}/sessions"
        with urllib.request.urlopen(api, timeout=10) as response:
            sessions = json.loads(response.read())["sessions"]
        # A session that has not started (its room is in the lobby), with a long title.
        first = sessions[0]
        yield Site(server.http, first["uid"], first["organisation"]["slug"])
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def new_page(browser: Any, site: Site, width: int, height: int = 844) -> Any:
    context = browser.new_context(
        timezone_id=ZONE, viewport={"width": width, "height": height}, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    # The zone is remembered already: no first-visit reload while we measure.
    context.add_cookies([{"name": "tz", "value": ZONE, "url": site.http}])
    return context.new_page()


def sign_in_admin(page: Any, site: Site) -> None:
    page.goto(site.url("/admin/login"))
    page.fill('input[name="password"]', ADMIN_PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    page.wait_for_load_state("load")


def import_preview(page: Any, site: Site, folder: Path) -> str:
    """Upload one session's own .ics to the importer; the preview's token."""
    with urllib.request.urlopen(site.url("/sessions/{uid}/calendar.ics"), timeout=10) as response:
        ics = folder / "one.ics"
        ics.write_bytes(response.read())
    page.goto(site.url("/admin/import"))
    page.set_input_files("#file", str(ics))
    page.locator('form[action="/admin/import"] button[type="submit"]').click()
    page.wait_for_url("**/admin/import/*")
    return str(page.url.rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def attendee(browser: Any, site: Site) -> Iterator[Any]:
    page = new_page(browser, site, 320)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def admin(browser: Any, site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    page = new_page(browser, site, 320)
    sign_in_admin(page, site)
    site.preview = import_preview(page, site, tmp_path_factory.mktemp("import"))
    yield page
    page.context.close()


def visit(page: Any, site: Site, path: str) -> None:
    response = page.goto(site.url(path))
    assert response is not None and response.status == 200, (path, response and response.status)
    page.wait_for_load_state("load")
    if "/rooms/" in path:
        # The room draws itself from its snapshot; measure it once it has.
        page.locator("#room[data-connection]").wait_for(state="attached")
        page.locator('#room-status:not([data-status="connecting"])').wait_for(state="attached")


@pytest.mark.parametrize("path", PUBLIC)
def test_public_page_fits_320_px(attendee: Any, site: Site, path: str) -> None:
    visit(attendee, site, path)
    assert overflow(attendee) is None


@pytest.mark.parametrize("path", STAFF)
def test_staff_page_fits_320_px(admin: Any, site: Site, path: str) -> None:
    visit(admin, site, path)
    assert overflow(admin) is None


@pytest.mark.parametrize("path", PUBLIC)
def test_public_page_has_no_serious_axe_violation(attendee: Any, site: Site, path: str) -> None:
    visit(attendee, site, path)
    assert axe_violations(attendee, axe_source()) == []


@pytest.mark.parametrize("path", STAFF)
def test_staff_page_has_no_serious_axe_violation(admin: Any, site: Site, path: str) -> None:
    visit(admin, site, path)
    assert axe_violations(admin, axe_source()) == []
