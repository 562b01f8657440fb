"""festival.tzcheck: re-deriving UTC from stored wall times after the tz rules change.

A real tzdata update cannot be staged in a test, so the stored UTC instant is tampered with
instead: it is what an older tz database would have computed (Nepal was UTC+05:30 until 1986).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta

import pytest
import tzdata  # type: ignore[import-untyped]
from sqlalchemy import update
from sqlalchemy.sql import Executable
from sqlmodel import col
from starlette.testclient import TestClient

from festival import db as dbmod
from festival import sessions, tzcheck
from festival.app import create_app
from festival.migrate import NotMigratedError
from festival.models import Edition, FestivalSession, Organisation
from festival.stores import programme
from scheduling import tz
from scheduling.clock import FixedClock
from scheduling.errors import NonexistentTimeError
from tests.conftest import make_settings

CREATED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
KATHMANDU_WALL = datetime.fromisoformat("2027-01-24 09:00")  # naive: a wall time
#: What the current tzdata says (UTC+05:45) ...
KATHMANDU_UTC = datetime(2027, 1, 24, 3, 15, tzinfo=UTC)
#: ... and what a tz database with Nepal's pre-1986 UTC+05:30 would have stored.
KATHMANDU_OLD_UTC = datetime(2027, 1, 24, 3, 30, tzinfo=UTC)
#: Clocks in Paris jump from 02:00 to 03:00 on 28 March 2027.
PARIS_GAP_WALL = datetime.fromisoformat("2027-03-28 02:30")


async def add_session(url: str, title: str, wall: datetime, zone: str) -> str:
    """An edition, an organisation in ``zone``, and one published session; returns its uid."""
    engine = dbmod.make_engine(url)
    try:
        async with dbmod.session_scope(dbmod.make_sessionmaker(engine)) as db:
            edition = Edition(
                slug=f"ed-{title[:8].lower()}",
                name="Test festival",
                first_day=date(2027, 1, 24),
                last_day=date(2027, 1, 24),
            )
            org = Organisation(
                slug=f"org-{title[:8].lower()}", name="Test org", country="NP", tz_name=zone
            )
            db.add_all([edition, org])
            await db.flush()
            data = sessions.SessionInput(
                title=title, local_start=wall, tz_name=zone, duration_minutes=60
            )
            row = await sessions.create_session(db, edition, org, data, FixedClock(CREATED))
            return row.uid
    finally:
        await engine.dispose()


async def execute(url: str, statement: Executable) -> None:
    engine = dbmod.make_engine(url)
    try:
        async with dbmod.session_scope(dbmod.make_sessionmaker(engine)) as db:
            await db.execute(statement)
    finally:
        await engine.dispose()


async def tamper_utc(url: str, uid: str, starts: datetime) -> None:
    await execute(
        url,
        update(FestivalSession)
        .where(col(FestivalSession.uid) == uid)
        .values(starts_at_utc=starts, ends_at_utc=starts + timedelta(minutes=60)),
    )


async def stored(url: str, uid: str) -> FestivalSession:
    engine = dbmod.make_engine(url)
    try:
        async with dbmod.session_scope(dbmod.make_sessionmaker(engine)) as db:
            return await programme.get_session_row(db, uid)
    finally:
        await engine.dispose()


async def test_tzcheck_finds_nothing_when_times_agree(database_url: str) -> None:
    await add_session(database_url, "Kathmandu lecture", KATHMANDU_WALL, "Asia/Kathmandu")

    report = await tzcheck.run(database_url)

    assert (report.checked, report.moved, report.errors) == (1, [], [])


async def test_tzcheck_lists_a_session_that_moved_without_writing(database_url: str) -> None:
    uid = await add_session(database_url, "Kathmandu lecture", KATHMANDU_WALL, "Asia/Kathmandu")
    await tamper_utc(database_url, uid, KATHMANDU_OLD_UTC)

    report = await tzcheck.run(database_url)

    assert report.checked == 1
    assert report.moved == [
        tzcheck.Moved(
            uid,
            "Kathmandu lecture",
            "Asia/Kathmandu",
            KATHMANDU_WALL,
            KATHMANDU_OLD_UTC,
            KATHMANDU_UTC,
        )
    ]
    assert report.lines() == [
        f"MOVED {uid} 'Kathmandu lecture': 2027-01-24 09:00 Asia/Kathmandu was "
        "2027-01-24 03:30 UTC, now 2027-01-24 03:15 UTC"
    ]
    row = await stored(database_url, uid)
    assert (row.starts_at_utc, row.revision) == (KATHMANDU_OLD_UTC, 1)


async def test_tzcheck_apply_rewrites_utc_and_bumps_revision(database_url: str) -> None:
    uid = await add_session(database_url, "Kathmandu lecture", KATHMANDU_WALL, "Asia/Kathmandu")
    await tamper_utc(database_url, uid, KATHMANDU_OLD_UTC)

    report = await tzcheck.run(database_url, apply=True)

    assert [m.uid for m in report.moved] == [uid]
    row = await stored(database_url, uid)
    assert row.starts_at_utc == KATHMANDU_UTC
    assert row.ends_at_utc == KATHMANDU_UTC + timedelta(minutes=60)
    assert row.revision == 2
    assert (row.local_start, row.tz_name) == (KATHMANDU_WALL, "Asia/Kathmandu")
    assert row.updated_at_utc > CREATED
    again = await tzcheck.run(database_url, apply=True)
    assert (again.checked, again.moved) == (1, [])


async def test_tzcheck_reports_a_wall_time_that_no_longer_exists(database_url: str) -> None:
    with pytest.raises(NonexistentTimeError):
        tz.to_utc(PARIS_GAP_WALL, "Europe/Paris")
    uid = await add_session(
        database_url, "Paris workshop", datetime.fromisoformat("2027-03-28 01:30"), "Europe/Paris"
    )
    # As if the rules changed under it: the stored wall time is now inside the spring gap.
    await execute(
        database_url,
        update(FestivalSession)
        .where(col(FestivalSession.uid) == uid)
        .values(local_start=PARIS_GAP_WALL),
    )
    before = await stored(database_url, uid)

    report = await tzcheck.run(database_url, apply=True)

    assert report.moved == []
    assert report.errors == [
        f"{uid} 'Paris workshop': 2027-03-28 02:30 does not exist in Europe/Paris: at 02:00 "
        "clocks jump forward to 03:00 that night. Choose 01:59 or earlier, or 03:00 or later."
    ]
    assert report.lines() == [f"ERROR {report.errors[0]}"]
    after = await stored(database_url, uid)
    assert (after.starts_at_utc, after.revision) == (before.starts_at_utc, before.revision)


async def test_tzcheck_summary_names_tzdata_and_counts(database_url: str) -> None:
    uid = await add_session(database_url, "Kathmandu lecture", KATHMANDU_WALL, "Asia/Kathmandu")
    await tamper_utc(database_url, uid, KATHMANDU_OLD_UTC)

    report = await tzcheck.run(database_url)

    assert report.summary(applied=False) == (
        f"tzdata {tz.TZDATA_VERSION}: checked 1 session; 1 would move (run with --apply to "
        "write); 0 need an organiser's decision"
    )
    assert report.summary(applied=True) == (
        f"tzdata {tz.TZDATA_VERSION}: checked 1 session; 1 updated; 0 need an organiser's decision"
    )


async def test_tzcheck_refuses_an_unmigrated_database(unmigrated_database_url: str) -> None:
    with pytest.raises(NotMigratedError, match="festival migrate"):
        await tzcheck.run(unmigrated_database_url)


# -- at every start ---------------------------------------------------------------------------


def test_app_start_warns_when_stored_instants_are_stale(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    uid = asyncio.run(
        add_session(database_url, "Kathmandu lecture", KATHMANDU_WALL, "Asia/Kathmandu")
    )
    asyncio.run(tamper_utc(database_url, uid, KATHMANDU_OLD_UTC))

    with caplog.at_level(logging.WARNING, logger="festival"):
        with TestClient(create_app(make_settings(database_url))) as client:
            assert client.get("/healthz").status_code == 200  # it starts all the same

    warnings = [r.getMessage() for r in caplog.records if r.name == "festival.tzcheck"]
    assert warnings == [
        f"tzdata {tzdata.IANA_VERSION}: 1 of 1 sessions have stored UTC times this tz database "
        "puts elsewhere and 0 have a wall time that no longer exists; run `festival tz-check` "
        "to list them (--apply writes the new times)"
    ]


def test_app_start_is_quiet_when_stored_instants_agree(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    asyncio.run(add_session(database_url, "Kathmandu lecture", KATHMANDU_WALL, "Asia/Kathmandu"))

    with caplog.at_level(logging.DEBUG, logger="festival"):
        with TestClient(create_app(make_settings(database_url))):
            pass

    assert [r.getMessage() for r in caplog.records if r.name == "festival.tzcheck"] == []
