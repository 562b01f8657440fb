"""An .ics import whose start happens twice (a DST fold): the admin's preview asks which
occurrence, with both offsets, and saves nothing until it is answered; the command line sets
those events aside. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival import cli, importer
from festival.app import create_app
from festival.errors import BadRequestError
from festival.models import Edition, FestivalSession, Organisation, SessionChange
from festival.settings import Settings
from festival.stores import accounts as accounts_store
from festival.stores import programme as programme_store
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.organiser_seed import csrf, sign_in_as

NOW = datetime(2027, 10, 1, 12, 0, tzinfo=UTC)
ZONE = "America/St_Johns"
FOLD = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:night-owls\r\nSUMMARY:Night owls\r\n"
    b"DTSTART;TZID=America/St_Johns:20271107T013000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nUID:morning\r\nSUMMARY:Morning\r\n"
    b"DTSTART;TZID=America/St_Johns:20271107T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nUID:given-in-utc\r\nSUMMARY:Given in UTC\r\n"
    b"DTSTART:20271107T050000Z\r\nDURATION:PT30M\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)


@pytest.fixture
def admin_id(settings: Settings) -> int:
    async def seed(db: AsyncSession) -> int:
        db.add(
            Edition(
                slug="autumn-2027",
                name="Autumn Learning Day",
                kind="celebration",
                first_day=date(2027, 11, 7),
                last_day=date(2027, 11, 7),
            )
        )
        db.add(
            Organisation(slug="nl-schools", name="Newfoundland Schools", country="CA", tz_name=ZONE)
        )
        row = await accounts_store.create_account(
            db, email="ada@example.org", name="Ada", password_hash="-", now=NOW, is_admin=True
        )
        assert row.id is not None
        return row.id

    return with_db(settings, seed)


@pytest.fixture
def admin(settings: Settings, admin_id: int) -> Iterator[TestClient]:
    clock = FixedClock(NOW)
    with TestClient(create_app(settings, clock=clock)) as client:
        sign_in_as(client, settings, admin_id, clock)
        yield client


def stored(settings: Settings) -> dict[str, tuple[str, int, datetime, int]]:
    async def load(db: AsyncSession) -> dict[str, tuple[str, int, datetime, int]]:
        rows = (await db.execute(select(FestivalSession))).scalars()
        return {r.title: (r.tz_name, r.fold, r.starts_at_utc, r.duration_minutes) for r in rows}

    return with_db(settings, load)


def upload(client: TestClient) -> str:
    token = csrf(client.get("/admin/import").text)
    response = client.post(
        "/admin/import",
        data={"csrf_token": token, "edition": "autumn-2027", "organisation": "nl-schools"},
        files={"file": ("autumn.ics", FOLD, "text/calendar")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_the_preview_asks_which_occurrence_and_saves_nothing_until_told(
    settings: Settings, admin: TestClient
) -> None:
    where = upload(admin)
    page = admin.get(where).text
    confirm = f"{where}/confirm"

    unanswered = admin.post(confirm, data={"csrf_token": csrf(page)})
    nothing = stored(settings)
    answered = admin.post(
        confirm, data={"csrf_token": csrf(page), "fold-1": "1"}, follow_redirects=False
    )

    assert "Sun 07 Nov 2027, 01:30 happens twice in St Johns: which one?" in page
    assert "The first: 01:30 in St Johns (UTC−02:30) = 04:00 UTC" in page
    assert "The second: 01:30 in St Johns (UTC−03:30) = 05:00 UTC" in page
    # Organiser times carry their offset, so the two occurrences never read the same.
    assert "Sun 07 Nov 2027, 01:30 in St Johns (UTC−03:30) (America/St_Johns)" in page
    assert unanswered.status_code == 400
    error = re.search(r'id="fold-1-error">([^<]*)<', unanswered.text)
    assert error is not None
    assert html.unescape(error.group(1)) == (
        "01:30 happens twice in America/St_Johns that night: choose which one you mean."
    )
    assert nothing == {}
    assert answered.status_code == 303
    assert stored(settings) == {
        "Night owls": (ZONE, 1, datetime(2027, 11, 7, 5, 0, tzinfo=UTC), 60),
        "Morning": (ZONE, 0, datetime(2027, 11, 7, 12, 30, tzinfo=UTC), 60),
        # Given in UTC at the second 01:30: it keeps the organiser's zone and its occurrence.
        "Given in UTC": (ZONE, 1, datetime(2027, 11, 7, 5, 0, tzinfo=UTC), 30),
    }
    done = admin.get(where).text
    assert 'href="/admin/sessions/' in done and "/api/sessions/" not in done


def test_the_import_is_recorded_as_made_by_the_admin(settings: Settings, admin: TestClient) -> None:
    where = upload(admin)
    page = admin.get(where).text
    admin.post(f"{where}/confirm", data={"csrf_token": csrf(page), "fold-1": "0"})

    async def log(db: AsyncSession) -> list[tuple[str, str]]:
        rows = (await db.execute(select(SessionChange))).scalars()
        return sorted((r.action, r.actor) for r in rows)

    assert with_db(settings, log) == [("created", "ada@example.org")] * 3


def test_the_command_line_sets_a_time_that_happens_twice_aside(
    settings: Settings,
    admin_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "autumn.ics"
    path.write_bytes(FOLD)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)

    status = cli.main(
        ["import-ics", str(path), "--organisation", "nl-schools", "--edition", "autumn-2027"]
    )

    out = capsys.readouterr().out
    assert status == 3  # some left out
    assert (
        "  - #1 Night owls: its start 2027-11-07 01:30 happens twice in America/St_Johns: "
        "choose the occurrence on the admin import page (/admin/import) (ambiguous_time)" in out
    )
    assert "  + #2 Morning: 2027-11-07 09:00 UTC−03:30 (America/St_Johns), 60 min" in out
    assert sorted(stored(settings)) == ["Given in UTC", "Morning"]


def test_apply_import_refuses_a_start_whose_occurrence_nobody_chose(
    settings: Settings, admin_id: int
) -> None:
    async def apply(db: AsyncSession) -> None:
        edition = await programme_store.get_edition(db, "autumn-2027")
        org = await programme_store.get_organisation(db, "nl-schools")
        preview = await importer.preview_import(db, FOLD, edition, org)
        await importer.apply_import(db, preview, NOW, folds={3: 1})  # not event 1's

    with pytest.raises(BadRequestError) as caught:
        with_db(settings, apply)

    assert caught.value.code == "import.occurrence_needed"
    assert caught.value.message == (
        "Event 1: 01:30 happens twice in America/St_Johns that night: choose which one you mean."
    )
    assert stored(settings) == {}
