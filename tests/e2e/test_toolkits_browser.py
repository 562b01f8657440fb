"""The toolkit library's "done when", in Chromium against a real server on a fresh database:
an organiser publishes a toolkit with a PDF and a link and attaches it to a session; an attendee
finds it in the library by language and SDG, downloads the PDF (the very bytes uploaded), and
reaches the session from it, whose page links back to the toolkit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from festival.migrate import upgrade
from tests.conftest import make_settings
from tests.e2e.browser import chromium
from tests.e2e.rooms_server import RoomServer
from tests.festival.accounts_seed import PASSWORD
from tests.festival.organisers_seed import A_LIVE, EMAILS, Texts, seed_world

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n% the teacher's guide\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
TIMEOUT_MS = 15_000


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[RoomServer, Path]]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'festival.db'}"
    upgrade(database_url)
    seed_world(make_settings(database_url), Texts())
    media = tmp_path / "media"
    server = RoomServer(database_url, log=tmp_path / "server.log", MEDIA_DIR=str(media))
    server.start()
    try:
        yield server, media
    finally:
        server.stop()


def organiser_publishes(page: Any, server: RoomServer, tmp_path: Path) -> None:
    page.goto(server.http + "/signin")
    page.get_by_label("Email address").fill(EMAILS["organiser A"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account"))

    page.goto(server.http + "/organiser/toolkits")
    page.get_by_role("link", name="New toolkit of Organisation A").click()
    page.get_by_label("Title").fill("Climate games for the classroom")
    page.get_by_label("Summary").fill("Six games about the climate, for a class of teenagers.")
    page.get_by_label("Languages").fill("fr, en")
    page.get_by_label("Teenagers (12–17)").check()
    page.get_by_label("13: Climate action").check()
    page.get_by_label("Topics").fill("climate, games")
    page.get_by_label("Licence").select_option("cc-by-sa-4.0")
    page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_url(re.compile(r"/organiser/toolkits/climate-games-for-the-classroom\?done="))

    page.get_by_label("Address").fill("https://example.org/climate-games")
    page.locator("#link_title").fill("The games online")
    page.get_by_role("button", name="Add the link").click()
    page.get_by_text("The link was added.").wait_for(timeout=TIMEOUT_MS)
    guide = tmp_path / "teacher-guide.pdf"
    guide.write_bytes(PDF)
    page.locator("#file_title").fill("Teacher's guide")
    page.get_by_label("File", exact=True).set_input_files(str(guide))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("The file was added.").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published: the toolkit is in the library.").wait_for(timeout=TIMEOUT_MS)

    page.goto(server.http + f"/organiser/sessions/{A_LIVE}")
    page.get_by_label("Attach a toolkit").select_option(label="Climate games for the classroom")
    page.get_by_role("button", name="Attach").click()
    page.wait_for_url(re.compile(r"done=materials"))


def test_toolkit_published_found_downloaded_and_leads_to_its_session(
    site: tuple[RoomServer, Path], tmp_path: Path
) -> None:
    server, media = site
    with chromium() as browser:
        organiser = browser.new_context()
        organiser_publishes(organiser.new_page(), server, tmp_path)
        organiser.close()

        attendee = browser.new_context(accept_downloads=True)
        page = attendee.new_page()
        page.goto(server.http + "/toolkits")
        page.get_by_label("French").check()
        page.get_by_label("Sustainable Development Goal").select_option("13")
        page.get_by_role("button", name="Show toolkits").click()
        page.wait_for_url(re.compile(r"lang=fr.*sdg=13"))
        assert page.locator("#toolkit-count").inner_text() == "1 of 1 toolkit"
        page.get_by_role("link", name="Climate games for the classroom").click()
        page.get_by_role("heading", name="Climate games for the classroom").wait_for()

        with page.expect_download() as info:
            page.get_by_role("link", name="Teacher's guide").click()
        downloaded = info.value
        assert Path(downloaded.path()).read_bytes() == PDF
        assert downloaded.suggested_filename == "teacher-guide.pdf"

        page.get_by_role("link", name="Live workshop").click()
        page.wait_for_url(re.compile(rf"/sessions/{A_LIVE}$"))
        page.get_by_role("heading", name="Materials for this session").wait_for()
        back = page.get_by_role("link", name="Climate games for the classroom")
        assert back.get_attribute("href") == "/toolkits/climate-games-for-the-classroom"
        attendee.close()
    assert len(list(media.iterdir())) == 1  # the PDF, and nothing half-written
