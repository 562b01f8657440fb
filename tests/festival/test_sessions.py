"""festival.sessions: session rules (fields, UTC from the wall time, the revision, the clock)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival import sessions, tzcheck
from festival.errors import BadRequestError
from festival.models import Edition, FestivalSession, Organisation, SessionChange
from festival.models.accounts import Account as AccountRow
from festival.sessions import SessionInput
from festival.settings import Settings
from scheduling import tz
from scheduling.clock import FixedClock
from scheduling.errors import AmbiguousTimeError, NonexistentTimeError
from tests.dbtools import with_db

#: Far from the test run's own time, so a stamp taken from the system clock cannot pass.
CREATED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
EDITED = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
KATHMANDU_WALL = datetime.fromisoformat("2027-01-24 09:00")  # naive: a wall time
#: Clocks in Paris jump from 02:00 to 03:00 on 28 March 2027 ...
PARIS_GAP_WALL = datetime.fromisoformat("2027-03-28 02:30")
#: ... and go back from 03:00 to 02:00 on 31 October 2027.
PARIS_FOLD_WALL = datetime.fromisoformat("2027-10-31 02:30")


def entered(**changes: Any) -> SessionInput:
    base = SessionInput("Learning by the river", KATHMANDU_WALL, "Asia/Kathmandu", 60)
    return dataclasses.replace(base, **changes)


# -- fields -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"title": "   "}, "A title is required"),
        ({"title": "x" * 201}, "the title is longer than 200 characters"),
        ({"duration_minutes": 4}, "the duration must be between 5 minutes and 24 hours"),
        ({"duration_minutes": 24 * 60 + 1}, "the duration must be between 5 minutes and 24 hours"),
        ({"kind": "keynote"}, "unknown kind 'keynote'"),
        ({"audience": "elders"}, "unknown audience 'elders'"),
        ({"status": "archived"}, "unknown status 'archived'"),
        ({"sdgs": (4, 18)}, "SDG tags are numbers from 1 to 17"),
        ({"sdgs": (0,)}, "SDG tags are numbers from 1 to 17"),
        ({"capacity": 0}, "capacity must be at least 1"),
    ],
)
def test_validate_input_refuses_each_problem_with_its_reason(
    changes: dict[str, Any], problem: str
) -> None:
    with pytest.raises(BadRequestError) as caught:
        sessions.validate_input(entered(**changes))

    assert caught.value.code == "session.invalid"
    assert problem.lower() in caught.value.message.lower()


def test_validate_input_accepts_every_vocabulary_value_and_the_limits() -> None:
    for data in (
        entered(kind="qa", audience="educators", status="cancelled", sdgs=(1, 17)),
        entered(title="x" * 200, duration_minutes=5, capacity=1),
        entered(duration_minutes=24 * 60),
    ):
        sessions.validate_input(data)


def test_validate_input_says_every_problem_at_once() -> None:
    with pytest.raises(BadRequestError) as caught:
        sessions.validate_input(entered(title="", kind="talk", capacity=0))

    assert caught.value.message == (
        "A title is required; unknown kind 'talk'; capacity must be at least 1."
    )


# -- time -------------------------------------------------------------------------------------


def test_session_time_derives_utc_from_the_wall_time_in_the_canonical_zone() -> None:
    when = sessions.session_time(entered(tz_name="Asia/Katmandu", duration_minutes=90))

    assert when == sessions.SessionTime(
        "Asia/Kathmandu",
        KATHMANDU_WALL,
        0,
        datetime(2027, 1, 24, 3, 15, tzinfo=UTC),
        datetime(2027, 1, 24, 4, 45, tzinfo=UTC),
    )


def test_session_time_refuses_a_gap_and_an_unsaid_fold() -> None:
    with pytest.raises(NonexistentTimeError):
        sessions.session_time(entered(local_start=PARIS_GAP_WALL, tz_name="Europe/Paris"))
    with pytest.raises(AmbiguousTimeError):
        sessions.session_time(entered(local_start=PARIS_FOLD_WALL, tz_name="Europe/Paris"))

    second = sessions.session_time(
        entered(local_start=PARIS_FOLD_WALL, tz_name="Europe/Paris", fold=1)
    )
    assert (second.fold, second.starts_at_utc) == (1, datetime(2027, 10, 31, 1, 30, tzinfo=UTC))


def test_session_time_keeps_an_instant_it_is_handed_when_it_shows_the_wall_time() -> None:
    instant = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # the second 02:30 in Paris
    data = entered(
        local_start=PARIS_FOLD_WALL, tz_name="Europe/Paris", fold=1, starts_at_utc=instant
    )

    when = sessions.session_time(data)

    assert when == sessions.SessionTime(
        "Europe/Paris", PARIS_FOLD_WALL, 1, instant, instant + timedelta(minutes=60)
    )


@pytest.mark.parametrize(
    ("instant", "fold"),
    [
        (datetime(2027, 1, 24, 3, 30, tzinfo=UTC), None),  # 09:15 in Kathmandu, not 09:00
        (datetime(2027, 10, 31, 0, 30, tzinfo=UTC), 1),  # the first 02:30 in Paris, not the second
    ],
)
def test_session_time_refuses_an_instant_that_does_not_show_the_wall_time(
    instant: datetime, fold: int | None
) -> None:
    if fold is None:
        data = entered(starts_at_utc=instant)
    else:
        data = entered(
            local_start=PARIS_FOLD_WALL, tz_name="Europe/Paris", fold=fold, starts_at_utc=instant
        )

    with pytest.raises(BadRequestError) as caught:
        sessions.session_time(data)

    assert caught.value.code == "session.invalid"


def test_session_uid_never_changes_for_a_natural_key() -> None:
    """Calendars keep a session by its UID: the namespace and the key decide it, forever."""
    assert sessions.session_uid("learningplanet-2027/kiritimati-schools/1") == (
        "5fbadf5a-1d1f-54fd-a798-5b1574d441a8"
    )
    assert sessions.session_uid("a") != sessions.session_uid("b")


# -- create and update, on SQLite and PostgreSQL ------------------------------------------------


async def _place(db: AsyncSession) -> tuple[Edition, Organisation]:
    edition = Edition(
        slug="sessions-2027",
        name="Sessions",
        first_day=date(2027, 1, 24),
        last_day=date(2027, 1, 24),
    )
    org = Organisation(slug="river", name="River", country="NP", tz_name="Asia/Kathmandu")
    # The organiser the change log names (ORGANISER): an account, without a password.
    organiser = AccountRow(
        id=7,
        email="amina@example.org",
        email_key="amina@example.org",
        display_name="Amina",
        password_hash="-",
    )
    db.add_all([edition, org, organiser])
    await db.flush()
    return edition, org


def test_create_session_stamps_the_clock_and_derives_utc(settings: Settings) -> None:
    async def create(db: AsyncSession) -> FestivalSession:
        edition, org = await _place(db)
        return await sessions.create_session(
            db, edition, org, entered(tz_name="Asia/Katmandu"), FixedClock(CREATED), uid="s-1"
        )

    row = with_db(settings, create)

    assert (row.uid, row.tz_name, row.local_start, row.fold) == (
        "s-1",
        "Asia/Kathmandu",
        KATHMANDU_WALL,
        0,
    )
    assert (row.starts_at_utc, row.ends_at_utc) == (
        datetime(2027, 1, 24, 3, 15, tzinfo=UTC),
        datetime(2027, 1, 24, 4, 15, tzinfo=UTC),
    )
    assert (row.created_at_utc, row.updated_at_utc, row.cancelled_at_utc) == (
        CREATED,
        CREATED,
        None,
    )
    assert row.revision == 1


def test_create_session_of_a_cancelled_session_says_when(settings: Settings) -> None:
    async def create(db: AsyncSession) -> FestivalSession:
        edition, org = await _place(db)
        data = entered(status="cancelled")
        return await sessions.create_session(db, edition, org, data, FixedClock(CREATED))

    row = with_db(settings, create)

    assert row.cancelled_at_utc == CREATED


def test_update_session_rederives_utc_bumps_the_revision_and_stamps_the_clock(
    settings: Settings,
) -> None:
    async def create_then_move(db: AsyncSession) -> FestivalSession:
        edition, org = await _place(db)
        row = await sessions.create_session(db, edition, org, entered(), FixedClock(CREATED))
        later = KATHMANDU_WALL + timedelta(hours=2)
        return await sessions.update_session(
            db, row, FixedClock(EDITED), local_start=later, status="cancelled"
        )

    row = with_db(settings, create_then_move)

    assert row.starts_at_utc == tz.to_utc(KATHMANDU_WALL + timedelta(hours=2), "Asia/Kathmandu")
    assert row.ends_at_utc == row.starts_at_utc + timedelta(minutes=60)
    assert (row.revision, row.created_at_utc, row.updated_at_utc) == (2, CREATED, EDITED)
    assert row.cancelled_at_utc == EDITED


def test_update_session_refuses_an_unknown_field(settings: Settings) -> None:
    async def create_then_change(db: AsyncSession) -> None:
        edition, org = await _place(db)
        row = await sessions.create_session(db, edition, org, entered(), FixedClock(CREATED))
        await sessions.update_session(db, row, FixedClock(EDITED), colour="green")

    with pytest.raises(BadRequestError) as caught:
        with_db(settings, create_then_change)

    assert caught.value.message == "unknown session field 'colour'"


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"summary": "x" * 5001}, "summary", "the description is longer than 5000 characters"),
        ({"languages": ()}, "languages", "two- or three-letter codes"),
        ({"languages": ("en", "English")}, "languages", "two- or three-letter codes"),
        ({"hosts": tuple(f"h{n}" for n in range(21))}, "hosts", "at most 20 hosts"),
        ({"stream": "s" * 121}, "stream", "longer than 120 characters"),
        ({"join_url": "javascript:alert(1)"}, "join_url", "starting with https://"),
        ({"join_url": "ftp://example.org/talk"}, "join_url", "starting with https://"),
        ({"join_url": "https://"}, "join_url", "starting with https://"),
        ({"join_url": "https://meet.example.org/ a"}, "join_url", "starting with https://"),
        ({"capacity": 1_000_001}, "capacity", "capacity must be at least 1"),
    ],
)
def test_field_problems_name_the_field(changes: dict[str, Any], field: str, problem: str) -> None:
    problems = sessions.field_problems(entered(**changes))

    assert list(problems) == [field]
    assert problem in problems[field]


def test_field_problems_accept_web_links_and_language_codes() -> None:
    data = entered(
        join_url="HTTPS://meet.example.org/room?id=4#start",
        languages=("en", "fil"),
        stream="Main hall",
    )

    assert sessions.field_problems(data) == {}
    assert sessions.field_problems(entered(join_url="http://example.org")) == {}


def test_derive_time_keeps_a_fold_only_where_the_wall_time_happens_twice() -> None:
    once = sessions.derive_time(KATHMANDU_WALL, "Asia/Kathmandu", 60, fold=1)
    twice = sessions.derive_time(PARIS_FOLD_WALL, "Europe/Paris", 60, fold=1)

    assert (once.fold, once.starts_at_utc) == (0, datetime(2027, 1, 24, 3, 15, tzinfo=UTC))
    assert (twice.fold, twice.starts_at_utc) == (1, datetime(2027, 10, 31, 1, 30, tzinfo=UTC))


# -- the change log ---------------------------------------------------------------------------

ORGANISER = sessions.Actor(7, "amina@example.org")


async def _changes(db: AsyncSession, row: FestivalSession) -> list[SessionChange]:
    result = await db.execute(
        select(SessionChange)
        .where(col(SessionChange.session_id) == row.id)
        .order_by(col(SessionChange.id))
    )
    return list(result.scalars())


def test_create_session_records_who_created_it_and_every_value(settings: Settings) -> None:
    async def create(db: AsyncSession) -> list[SessionChange]:
        edition, org = await _place(db)
        row = await sessions.create_session(
            db, edition, org, entered(status="draft"), FixedClock(CREATED), actor=ORGANISER
        )
        return await _changes(db, row)

    (change,) = with_db(settings, create)

    assert (change.revision, change.at_utc, change.actor, change.action, change.notice) == (
        1,
        CREATED,
        "amina@example.org",
        "created",
        False,
    )
    assert change.changes["title"] == [None, "Learning by the river"]
    assert change.changes["local_start"] == [None, "2027-01-24T09:00:00"]
    assert change.changes["starts_at_utc"] == [None, "2027-01-24T03:15:00+00:00"]
    assert change.changes["status"] == [None, "draft"]
    assert set(change.changes) == set(sessions.TRACKED) - {"capacity"}  # None stays None


def test_update_session_records_what_changed_from_what_to_what(settings: Settings) -> None:
    async def create_then_edit(db: AsyncSession) -> list[SessionChange]:
        edition, org = await _place(db)
        row = await sessions.create_session(
            db, edition, org, entered(status="draft"), FixedClock(CREATED)
        )
        await sessions.update_session(
            db,
            row,
            FixedClock(EDITED),
            ORGANISER,
            expected_revision=1,
            title="Learning by the lake",
            local_start=KATHMANDU_WALL + timedelta(hours=1),
            languages=("ne", "en"),
        )
        return await _changes(db, row)

    created, edited = with_db(settings, create_then_edit)

    assert (created.account_id, created.actor) == (None, "festival")
    assert (edited.revision, edited.at_utc, edited.account_id, edited.action) == (
        2,
        EDITED,
        7,
        "edited",
    )
    assert edited.changes == {
        "title": ["Learning by the river", "Learning by the lake"],
        "languages": [["en"], ["ne", "en"]],
        "local_start": ["2027-01-24T09:00:00", "2027-01-24T10:00:00"],
        "starts_at_utc": ["2027-01-24T03:15:00+00:00", "2027-01-24T04:15:00+00:00"],
        "ends_at_utc": ["2027-01-24T04:15:00+00:00", "2027-01-24T05:15:00+00:00"],
    }
    assert edited.notice is False  # a draft: nobody outside has seen it


def test_update_session_with_the_same_values_changes_nothing(settings: Settings) -> None:
    async def create_then_resave(db: AsyncSession) -> tuple[int, datetime, int]:
        edition, org = await _place(db)
        row = await sessions.create_session(db, edition, org, entered(), FixedClock(CREATED))
        await sessions.update_session(
            db, row, FixedClock(EDITED), title="Learning by the river", languages=("en",)
        )
        return row.revision, row.updated_at_utc, len(await _changes(db, row))

    assert with_db(settings, create_then_resave) == (1, CREATED, 1)


def test_update_session_refuses_a_change_prepared_from_an_older_revision(
    settings: Settings,
) -> None:
    async def edit_twice(db: AsyncSession) -> None:
        edition, org = await _place(db)
        row = await sessions.create_session(db, edition, org, entered(), FixedClock(CREATED))
        await sessions.update_session(db, row, FixedClock(EDITED), title="First edit")
        await sessions.update_session(
            db, row, FixedClock(EDITED), expected_revision=1, title="Prepared before it"
        )

    with pytest.raises(sessions.SessionChangedError) as caught:
        with_db(settings, edit_twice)

    assert (caught.value.status_code, caught.value.code) == (409, "session.changed")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "A title is required."),
        ({"starts_at_utc": CREATED}, "unknown session field 'starts_at_utc'"),
        ({"uid": "another"}, "unknown session field 'uid'"),
    ],
)
def test_update_session_refuses_what_creating_refuses_and_derived_fields(
    settings: Settings, changes: dict[str, Any], message: str
) -> None:
    async def create_then_change(db: AsyncSession) -> None:
        edition, org = await _place(db)
        row = await sessions.create_session(db, edition, org, entered(), FixedClock(CREATED))
        await sessions.update_session(db, row, FixedClock(EDITED), **changes)

    with pytest.raises(BadRequestError) as caught:
        with_db(settings, create_then_change)

    assert caught.value.message == message


@pytest.mark.parametrize(
    ("status", "changes", "action", "notice"),
    [
        ("published", {"local_start": KATHMANDU_WALL + timedelta(hours=1)}, "edited", True),
        ("published", {"duration_minutes": 90}, "edited", True),
        ("published", {"title": "Renamed"}, "edited", False),
        ("published", {"status": "cancelled"}, "cancelled", True),
        ("cancelled", {"local_start": KATHMANDU_WALL + timedelta(hours=1)}, "edited", True),
        ("draft", {"status": "submitted"}, "submitted", False),
        ("submitted", {"status": "draft"}, "withdrawn", False),
        ("submitted", {"status": "published"}, "published", False),
        ("draft", {"local_start": KATHMANDU_WALL + timedelta(hours=1)}, "edited", False),
    ],
)
def test_update_session_says_what_it_did_and_whether_attendees_are_told(
    settings: Settings, status: str, changes: dict[str, Any], action: str, notice: bool
) -> None:
    async def create_then_change(db: AsyncSession) -> tuple[str, bool, int]:
        edition, org = await _place(db)
        row = await sessions.create_session(
            db, edition, org, entered(status=status), FixedClock(CREATED)
        )
        await sessions.update_session(db, row, FixedClock(EDITED), **changes)
        last = (await _changes(db, row))[-1]
        return last.action, last.notice, last.revision

    assert with_db(settings, create_then_change) == (action, notice, 2)


def test_a_cancellation_taken_back_forgets_when_it_was_cancelled(settings: Settings) -> None:
    async def cancel_then_publish(db: AsyncSession) -> tuple[datetime | None, str]:
        edition, org = await _place(db)
        row = await sessions.create_session(
            db, edition, org, entered(status="cancelled"), FixedClock(CREATED)
        )
        await sessions.update_session(db, row, FixedClock(EDITED), status="published")
        return row.cancelled_at_utc, (await _changes(db, row))[-1].action

    assert with_db(settings, cancel_then_publish) == (None, "published")


def test_tz_check_records_its_re_derivation_as_retimed(settings: Settings) -> None:
    async def create_then_retime(db: AsyncSession) -> SessionChange:
        edition, org = await _place(db)
        row = await sessions.create_session(db, edition, org, entered(), FixedClock(CREATED))
        # As if an older tz database had put the wall time elsewhere.
        row.starts_at_utc -= timedelta(minutes=15)
        row.ends_at_utc -= timedelta(minutes=15)
        report = await tzcheck.check(db, FixedClock(EDITED))
        assert len(report.moved) == 1
        return (await _changes(db, row))[-1]

    change = with_db(settings, create_then_retime)

    assert (change.action, change.actor, change.account_id, change.at_utc) == (
        "retimed",
        "festival tz-check",
        None,
        EDITED,
    )
    assert change.changes["starts_at_utc"] == [
        "2027-01-24T03:00:00+00:00",
        "2027-01-24T03:15:00+00:00",
    ]
