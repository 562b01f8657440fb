"""An organiser's first session, end to end, as docs/organisers.md tells it: in Chromium, against
a real server on a fresh database, with account mail through a real SMTP server.

The admin is made with ``festival createadmin``, signs in, creates the edition and the
organisation, and invites the organiser; the organiser opens the link from the mail, chooses a
password, signs out and in again. Each step is a function named after the walkthrough's step.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
EDITION = "celebrations-2027"
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
    """The admin makes the edition the sessions belong to (step 2)."""
    page.goto(site.url("/admin/editions/new"))
    page.get_by_label("Short name for web addresses").fill(EDITION)
    page.get_by_label("Name", exact=True).fill("Learning celebrations 2027")
    page.get_by_label("Kind").select_option("celebration")
    page.get_by_label("First day (local date)").fill("2027-03-01")
    page.get_by_label("Last day (local date)").fill("2027-11-30")
    page.get_by_role("button", name="Create the edition").click()
    page.wait_for_url(re.compile(rf"/admin/editions\?saved={EDITION}"))


def create_organisation(page: Any, site: Site) -> None:
    """The admin makes the organisation, at home in St. John's (step 2)."""
    page.goto(site.url("/admin/organisations/new"))
    page.get_by_label("Name", exact=True).fill(ORGANISATION)
    page.get_by_label("Kind of organisation").select_option("city")
    page.get_by_label("Country").select_option("CA")
    page.get_by_label("Home time zone").select_option("America/St_Johns")
    page.get_by_role("button", name="Create the organisation").click()
    page.wait_for_url(re.compile(r"/admin/organisations\?saved="))


def invite_organiser(page: Any, site: Site) -> str:
    """The admin invites the organiser (step 3); the link comes by mail."""
    page.goto(site.url("/admin/invitations"))
    page.get_by_label("Their email address").fill(ORGANISER_EMAIL)
    page.get_by_label("Their name (optional)").fill("Amina")
    page.get_by_label("Organisation").select_option(label=ORGANISATION)
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text(f"Invitation sent to {ORGANISER_EMAIL}.").wait_for(timeout=TIMEOUT_MS)
    [(recipients, message)] = site.inbox.messages
    assert recipients == [ORGANISER_EMAIL]
    body = message.get_content()
    found = re.search(re.escape(site.url("/invite/")) + r"\S+", body)
    assert found is not None, body
    return found.group(0)


def accept_invitation(page: Any, link: str) -> None:
    """The organiser opens the link and chooses a password (step 4)."""
    page.goto(link)
    page.get_by_role("heading", name=f"Organise {ORGANISATION}").wait_for()
    page.get_by_label("Your name, as others see it").fill("Amina")
    page.get_by_label("Choose a password").fill(ORGANISER_PASSWORD)
    page.get_by_label("The same password again").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_url(re.compile(r"/account\?done=welcome"))


def sign_out(page: Any, site: Site) -> None:
    page.goto(site.url("/account"))
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(re.compile(r"/signin\?done=signed-out"))


# -- the flow ----------------------------------------------------------------------------------


def test_organiser_flow_from_a_fresh_database(site: Site, browser: Any) -> None:
    create_admin(site)
    admin = browser.new_context()
    organiser = browser.new_context(
        timezone_id="America/St_Johns", viewport={"width": 390, "height": 844}
    )
    admin.set_default_timeout(TIMEOUT_MS)
    organiser.set_default_timeout(TIMEOUT_MS)
    try:
        a = admin.new_page()
        sign_in(a, site, ADMIN_EMAIL, ADMIN_PASSWORD)
        create_edition(a, site)
        create_organisation(a, site)
        link = invite_organiser(a, site)

        o = organiser.new_page()
        accept_invitation(o, link)
        sign_out(o, site)
        sign_in(o, site, ORGANISER_EMAIL, ORGANISER_PASSWORD)

        assert ORGANISATION in o.content()
    finally:
        admin.close()
        organiser.close()
