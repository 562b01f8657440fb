"""An organiser's first session, end to end, as docs/organisers.md tells it: in Chromium, against
a real server on a fresh database, with account mail through a real SMTP server.

The admin is made with ``festival createadmin``, signs in, creates the edition and two
organisations, and invites two people by mail: Amina, organiser of the St. John's organisation,
who opens the link, chooses a password, signs out and in again; and Hana, of another
organisation, whom the admin makes host of Amina's session. Hana moderates its live room (hides
a guest's message) by virtue of being its host. The session is seen at the right instant in the
programme (by viewers in three zones), the API and the edition's calendar; moved, then
cancelled, the calendar shows a higher SEQUENCE each time and STATUS:CANCELLED.

Amina creates the session in the editor: a time in the DST gap is refused with the reason, she
picks the second occurrence of an ambiguous time, submits; the admin publishes; Amina moves it
and cancels it, all through the pages.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest

from tests.e2e.browser import chromium
from tests.e2e.rooms_server import ROOT, RoomServer
from tests.festival.mailserver import Inbox, smtp_server

pytestmark = pytest.mark.e2e

FESTIVAL = Path(sys.executable).with_name("festival")  # the command the docs use
ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "the admin's own passphrase"
ORGANISER_EMAIL = "amina@stjohns.example.org"
ORGANISER_PASSWORD = "the organiser's passphrase"
ORGANISATION = "St. John's Learning City"
HOST_EMAIL = "hana@harbour.example.org"
HOST_PASSWORD = "the host's passphrase"
HOST_ORGANISATION = "Harbour Readers"
EDITION = "celebrations-2027"
TITLE = "Reading circle by the harbour"
#: Who looks at the programme, and what each must read for 05:00-06:00 UTC on 7 November 2027
#: (St. John's back on standard time, UTC-03:30; Kathmandu UTC+05:45; Paris UTC+01:00).
VIEWER_TEXTS = {
    "America/St_Johns": "Sun 07 Nov, 01:30\u201302:30 St Johns (UTC\u221203:30)",
    "Asia/Kathmandu": "Sun 07 Nov, 10:45\u201311:45 Kathmandu (UTC+05:45)",
    "Europe/Paris": "Sun 07 Nov, 06:00\u201307:00 Paris (UTC+01:00)",
}
VIEWERS = tuple(VIEWER_TEXTS)
#: Why 02:30 on 14 March 2027 is refused in St. John's, and what to choose instead.
GAP_REASON = (
    "02:30 does not exist in St Johns on Sun 14 Mar 2027: that night the clocks go forward "
    "from 02:00 to 03:00. Choose 01:59 or earlier, or 03:00 or later."
)
TIMEOUT_MS = 15_000


@dataclass
class Site:
    """The server on a fresh database, and the mailbox its mail goes to."""

    server: RoomServer
    inbox: Inbox
    database_url: str

    def url(self, path: str) -> str:
        return self.server.http + path


def festival(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run ``festival <args>`` as an admin would, on this database."""
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [str(FESTIVAL), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'festival.db'}"
    migrated = festival(database_url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    with smtp_server() as inbox:
        server = RoomServer(
            database_url,
            log=tmp_path / "server.log",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(inbox.port),
            SMTP_FROM="festival@example.org",
            SMTP_STARTTLS="false",
        )
        server.start()
        try:
            yield Site(server, inbox, database_url)
        finally:
            server.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


# -- the walkthrough's steps ------------------------------------------------------------------


def create_admin(site: Site) -> None:
    """``festival createadmin --email ... --password-stdin`` (step 1)."""
    made = festival(
        site.database_url,
        "createadmin",
        "--email",
        ADMIN_EMAIL,
        "--name",
        "Ada",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr
    assert f"admin account created for {ADMIN_EMAIL}" in made.stdout


def sign_in(page: Any, site: Site, email: str, password: str) -> None:
    page.goto(site.url("/signin"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account"))


def create_edition(page: Any, site: Site) -> None:
    """The admin makes the edition the sessions belong to (step 3)."""
    page.goto(site.url("/admin/editions/new"))
    page.get_by_label("Short name for web addresses").fill(EDITION)
    page.get_by_label("Name", exact=True).fill("Learning celebrations 2027")
    page.get_by_label("Kind").select_option("celebration")
    page.get_by_label("First day (local date)").fill("2027-03-01")
    page.get_by_label("Last day (local date)").fill("2027-11-30")
    page.get_by_role("button", name="Create the edition").click()
    page.wait_for_url(re.compile(rf"/admin/editions\?saved={EDITION}"))


def create_organisation(page: Any, site: Site, name: str, kind: str) -> str:
    """The admin makes an organisation, at home in St. John's (step 3); its slug."""
    page.goto(site.url("/admin/organisations/new"))
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Kind of organisation").select_option(kind)
    page.get_by_label("Country").select_option("CA")
    page.get_by_label("Home time zone").select_option("America/St_Johns")
    page.get_by_role("button", name="Create the organisation").click()
    page.wait_for_url(re.compile(r"/admin/organisations\?saved="))
    return page.url.rpartition("saved=")[2]


def invite(page: Any, site: Site, email: str, name: str, organisation: str) -> str:
    """The admin invites someone to an organisation (step 4); the link comes by mail."""
    page.goto(site.url("/admin/invitations"))
    page.get_by_label("Their email address").fill(email)
    page.get_by_label("Their name (optional)").fill(name)
    page.get_by_label("Organisation").select_option(label=organisation)
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text(f"Invitation sent to {email}.").wait_for(timeout=TIMEOUT_MS)
    recipients, message = site.inbox.messages[-1]
    assert recipients == [email]
    body = message.get_content()
    found = re.search(re.escape(site.url("/invite/")) + r"\S+", body)
    assert found is not None, body
    return found.group(0)


def accept_invitation(page: Any, link: str, organisation: str, name: str, password: str) -> None:
    """The invited person opens the link and chooses a password (step 5)."""
    page.goto(link)
    page.get_by_role("heading", name=f"Organise {organisation}").wait_for()
    page.get_by_label("Your name, as others see it").fill(name)
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("The same password again").fill(password)
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_url(re.compile(r"/account\?done=welcome"))


def sign_out(page: Any, site: Site) -> None:
    page.goto(site.url("/account"))
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(re.compile(r"/signin\?done=signed-out"))


def new_session_form(page: Any, site: Site) -> None:
    """The organiser starts a session from their page (step 5)."""
    page.goto(site.url("/organiser"))
    page.get_by_role("link", name="New session").click()
    page.wait_for_url(re.compile(r"/organiser/sessions/new"))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What happens in the session").fill("We read stories by the harbour.")
    page.get_by_label("Festival edition").select_option(EDITION)
    page.get_by_label("Length, in minutes").fill("60")
    page.get_by_label("Languages").fill("en")
    page.get_by_label("Hosts").fill(ORGANISER_EMAIL)


def check(page: Any, day: str, start: str) -> None:
    page.get_by_label("Date").fill(day)
    page.get_by_label("Starts at").fill(start)
    page.get_by_role("button", name=re.compile(r"^Check and save")).click()
    page.wait_for_load_state("load")


def refused_in_the_gap(page: Any) -> tuple[str, list[str]]:
    """02:30 on 14 March 2027 does not exist in St. John's (step 6): refused, with the reason
    beside the field and the nearest valid times offered."""
    check(page, "2027-03-14", "02:30")
    offered = page.locator("#f-start .suggestions button")
    choices = [offered.nth(i).inner_text() for i in range(offered.count())]
    return " ".join(page.locator("#start-error").inner_text().split()), choices


def pick_the_second_occurrence(page: Any) -> list[str]:
    """01:30 on 7 November 2027 happens twice (step 7): both are shown with their offsets; the
    organiser picks the second, checks, and saves the draft."""
    check(page, "2027-11-07", "01:30")
    choices = page.locator("#fold-choices label")
    shown = [" ".join(choices.nth(i).inner_text().split()) for i in range(choices.count())]
    page.get_by_label(re.compile(r"The second")).check()
    page.get_by_role("button", name=re.compile(r"^Check and save")).click()
    page.get_by_role("heading", name="Check, then save").wait_for()
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r"/organiser/sessions/[0-9a-f-]+\?saved=1"))
    return shown


def session_uid(page: Any) -> str:
    found = re.search(r"/organiser/sessions/([0-9a-f-]+)", page.url)
    assert found is not None, page.url
    return found.group(1)


def take_step(page: Any, button: str, done: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(rf"\?done={done}"))


def move(page: Any, site: Site, uid: str, start: str) -> None:
    """The organiser moves the published session (step 10)."""
    page.goto(site.url(f"/organiser/sessions/{uid}/edit"))
    page.get_by_label("Starts at").fill(start)
    page.get_by_role("button", name="Check and save the changes").click()
    page.get_by_role("heading", name="Check, then save").wait_for()
    page.get_by_role("button", name="Save the changes").click()
    page.wait_for_url(re.compile(rf"/organiser/sessions/{uid}\?saved=1"))


def cancel(page: Any, site: Site, uid: str) -> None:
    """The organiser cancels it (step 12)."""
    page.goto(site.url(f"/organiser/sessions/{uid}"))
    page.get_by_label(re.compile(r"Yes, cancel it")).check()
    take_step(page, "Cancel this session", "cancel")


def publish(page: Any, site: Site, uid: str) -> None:
    """The admin publishes the submitted session from its page (step 9)."""
    page.goto(site.url(f"/organiser/sessions/{uid}"))
    take_step(page, "Publish", "publish")


def add_host(page: Any, site: Site, uid: str, email: str) -> None:
    """The admin makes someone host of the session, on its admin page (step 11)."""
    page.goto(site.url(f"/admin/sessions/{uid}"))
    page.get_by_label("Email address of their account").fill(email)
    page.get_by_label("Role").select_option("host")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(re.compile(r"done=host-added"))


def api_start(site: Site, uid: str) -> str:
    with urllib.request.urlopen(site.url(f"/api/sessions/{uid}"), timeout=10) as response:
        found: str = json.load(response)["starts_at_utc"]
    return found


def feed_events(site: Site, uid: str) -> list[Any]:
    """The session's VEVENTs in the edition's calendar, as a subscribed calendar reads it."""
    with urllib.request.urlopen(site.url(f"/editions/{EDITION}/calendar.ics"), timeout=10) as r:
        calendar = icalendar.Calendar.from_ical(r.read())
    return [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(uid)]


def feed_event(site: Site, uid: str) -> Any:
    [event] = feed_events(site, uid)
    return event


def utc_start(event: Any) -> datetime:
    start: datetime = event.decoded("DTSTART")
    return start.astimezone(UTC)


def programme_time(browser: Any, site: Site, zone: str, uid: str) -> tuple[str, str]:
    """How a viewer in ``zone`` sees the session in the programme: its instant and its text."""
    context = browser.new_context(timezone_id=zone)
    try:
        page = context.new_page()
        page.goto(site.url(f"/editions/{EDITION}/programme?tz={zone}"))
        card = page.locator(f'[href="/sessions/{uid}"]').first.locator(
            "xpath=ancestor::*[.//time[@datetime]][1]"
        )
        time = card.locator("time[datetime]").first
        return str(time.get_attribute("datetime")), " ".join(time.inner_text().split())
    finally:
        context.close()


def hide_a_message(browser: Any, host: Any, site: Site, uid: str) -> tuple[int, int]:
    """A guest writes in the session's room; the host deletes it (step 11). How many times the
    guest sees the message before, and after."""
    room = site.url(f"/rooms/session-{uid}")
    guest_context = browser.new_context()
    try:
        guest = guest_context.new_page()
        guest.goto(room)
        guest.fill("#name-input", "Visitor")
        guest.click("#name-form button[type=submit]")
        host.goto(room)
        host.fill("#name-input", "Amina")
        host.click("#name-form button[type=submit]")
        guest.fill("#chat-input", "buy cheap pills")
        guest.click("#chat-form button[type=submit]")
        message = guest.locator(".chat-item", has_text="buy cheap pills")
        message.wait_for()
        before = message.count()
        host.get_by_role("button", name="Delete the message from Visitor").click()
        message.wait_for(state="detached")
        return before, message.count()
    finally:
        guest_context.close()


# -- the flow ----------------------------------------------------------------------------------


def test_organiser_flow_from_a_fresh_database(site: Site, browser: Any) -> None:
    create_admin(site)
    admin = browser.new_context()
    organiser = browser.new_context(
        timezone_id="America/St_Johns", viewport={"width": 390, "height": 844}
    )
    host = browser.new_context(timezone_id="America/St_Johns")
    for context in (admin, organiser, host):
        context.set_default_timeout(TIMEOUT_MS)
    try:
        a = admin.new_page()
        sign_in(a, site, ADMIN_EMAIL, ADMIN_PASSWORD)
        create_edition(a, site)
        create_organisation(a, site, ORGANISATION, "city")
        create_organisation(a, site, HOST_ORGANISATION, "association")
        amina = invite(a, site, ORGANISER_EMAIL, "Amina", ORGANISATION)
        hana = invite(a, site, HOST_EMAIL, "Hana", HOST_ORGANISATION)

        o = organiser.new_page()
        accept_invitation(o, amina, ORGANISATION, "Amina", ORGANISER_PASSWORD)
        sign_out(o, site)
        sign_in(o, site, ORGANISER_EMAIL, ORGANISER_PASSWORD)
        signed_in_as = o.locator("main").inner_text()

        new_session_form(o, site)
        gap = refused_in_the_gap(o)
        occurrences = pick_the_second_occurrence(o)
        uid = session_uid(o)
        take_step(o, "Submit for review", "submit")
        unpublished = feed_events(site, uid)
        publish(a, site, uid)
        published = feed_event(site, uid)
        seen = {zone: programme_time(browser, site, zone, uid) for zone in VIEWERS}
        api = api_start(site, uid)

        h = host.new_page()
        accept_invitation(h, hana, HOST_ORGANISATION, "Hana", HOST_PASSWORD)
        add_host(a, site, uid, HOST_EMAIL)
        before, after = hide_a_message(browser, h, site, uid)

        move(o, site, uid, "09:00")
        moved = feed_event(site, uid)
        cancel(o, site, uid)
        cancelled = feed_event(site, uid)
    finally:
        for context in (admin, organiser, host):
            context.close()

    assert ORGANISER_EMAIL in signed_in_as
    assert gap == (GAP_REASON, ["Use 01:59", "Use 03:00"])
    assert occurrences == [
        "The first: 01:30 in St Johns (UTC\u221202:30) = 04:00 UTC",
        "The second: 01:30 in St Johns (UTC\u221203:30) = 05:00 UTC",
    ]
    assert unpublished == []  # a submitted session is in no feed until it is published
    # 01:30 the second time (UTC-03:30) is 05:00 UTC, for the API, the feed and every viewer.
    assert api == "2027-11-07T05:00:00Z"
    assert utc_start(published) == datetime(2027, 11, 7, 5, 0, tzinfo=UTC)
    assert {zone: instant for zone, (instant, _) in seen.items()} == {
        zone: "2027-11-07T05:00:00Z" for zone in VIEWERS
    }
    assert {zone: text for zone, (_, text) in seen.items()} == VIEWER_TEXTS
    # The host (no organiser of the session's organisation) hid the guest's message.
    assert (before, after) == (1, 0)
    # Moved to 09:00 NST (12:30 UTC), then cancelled: each change a higher SEQUENCE.
    assert utc_start(moved) == datetime(2027, 11, 7, 12, 30, tzinfo=UTC)
    assert int(published["SEQUENCE"]) < int(moved["SEQUENCE"]) < int(cancelled["SEQUENCE"])
    assert (str(published["STATUS"]), str(moved["STATUS"]), str(cancelled["STATUS"])) == (
        "CONFIRMED",
        "CONFIRMED",
        "CANCELLED",
    )
