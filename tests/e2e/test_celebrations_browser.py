"""A learning celebration proposed through the call for sessions, in Chromium against a real
server: an organisation proposes its event and its dates, an admin accepts it in the review
queue, and the public celebrations page shows it with its calendar feed, which parses."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest

from festival.migrate import upgrade
from tests.conftest import make_settings
from tests.e2e.browser import chromium
from tests.e2e.rooms_server import RoomServer
from tests.festival.accounts_seed import PASSWORD
from tests.festival.organisers_seed import EMAILS, Texts, seed_world

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 15_000
NAME = "Semaine de la lecture"
SLUG = "semaine-de-la-lecture-2027"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RoomServer]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'festival.db'}"
    upgrade(database_url)
    seed_world(make_settings(database_url), Texts())
    running = RoomServer(database_url, log=tmp_path / "server.log", MEDIA_DIR=str(tmp_path))
    running.start()
    try:
        yield running
    finally:
        running.stop()


def propose(page: Any, server: RoomServer) -> None:
    page.goto(server.http + "/celebrations")
    page.get_by_role("link", name="Propose yours").click()
    page.get_by_label("Name of the organisation").fill("Lire à Dakar")
    page.get_by_label("What kind of organisation is it?").select_option("association")
    page.get_by_label("Country").select_option("SN")
    page.get_by_label("Your time zone").select_option("Africa/Dakar")
    page.get_by_label("Your name").fill("Awa")
    page.get_by_label("Your email address").fill("awa@lire.example.org")
    page.get_by_label("Name of the celebration").fill(NAME)
    page.get_by_label("What is it? (optional)").fill("A week of reading in Dakar's libraries.")
    page.get_by_label("First day (local date)").fill("2027-03-15")
    page.get_by_label("Last day (local date)").fill("2027-03-12")
    page.get_by_role("button", name="Send the proposal").click()
    reason = page.locator("#last_day-error")
    reason.wait_for(timeout=TIMEOUT_MS)
    assert reason.inner_text() == "The last day comes before the first day."
    assert page.get_by_label("Name of the celebration").input_value() == NAME  # kept
    page.get_by_label("Last day (local date)").fill("2027-03-19")
    page.get_by_role("button", name="Send the proposal").click()
    page.wait_for_url(re.compile(r"/propose/thanks$"))


def accept(page: Any, server: RoomServer) -> None:
    page.goto(server.http + "/signin")
    page.get_by_label("Email address").fill(EMAILS["admin"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account"))
    page.goto(server.http + "/admin/review")
    page.get_by_role("link", name=NAME).click()
    page.get_by_role("button", name="Accept").click()
    page.locator("#decided").wait_for(timeout=TIMEOUT_MS)


def test_celebration_proposed_accepted_and_listed_with_its_feed(server: RoomServer) -> None:
    with chromium() as browser:
        for step in (propose, accept):
            context = browser.new_context()
            step(context.new_page(), server)
            context.close()
        page = browser.new_page()
        page.goto(server.http + "/celebrations")
        card = page.locator(f"#c-{SLUG}")
        card.wait_for(timeout=TIMEOUT_MS)
        feed = page.get_by_role("link", name="Calendar feed (.ics)").first
        href = feed.get_attribute("href")
        page.close()

    assert href == f"/editions/{SLUG}/calendar.ics"
    with urllib.request.urlopen(server.http + href, timeout=10) as response:
        calendar = icalendar.Calendar.from_ical(response.read())
    assert calendar.name == "VCALENDAR"
