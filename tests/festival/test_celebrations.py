"""/celebrations: the editions other than the flagship, upcoming first, past ones archived, each
with its dates, organisers, sessions and feed (festival/celebrations.py, the page on the demo)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.app import create_app
from festival.celebrations import arrange
from festival.models import Edition
from festival.models.celebrations import CelebrationProposal
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.test_authz_matrix import ADMIN, ANON, Matrix, open_matrix

FLAGSHIP = Edition(
    slug="flag",
    name="Flag",
    kind="flagship",
    first_day=date(2027, 1, 24),
    last_day=date(2027, 1, 24),
)


def _celebration(slug: str, day: date) -> Edition:
    return Edition(slug=slug, name=slug, kind="celebration", first_day=day, last_day=day)


def test_arrange_upcoming_soonest_first_and_past_latest_first() -> None:
    editions = [
        FLAGSHIP,
        _celebration("march", date(2027, 3, 1)),
        _celebration("may", date(2027, 5, 1)),
        _celebration("september-2026", date(2026, 9, 8)),
        _celebration("october-2026", date(2026, 10, 5)),
        _celebration("today", date(2027, 4, 1)),
    ]
    now = datetime(2027, 4, 1, 12, 0, tzinfo=UTC)

    found = arrange(editions, [], now)

    assert [c.edition.slug for c in found.upcoming] == ["today", "may"]
    assert [c.edition.slug for c in found.past] == ["march", "october-2026", "september-2026"]
    assert found.upcoming[0].is_running(now) and not found.upcoming[1].is_running(now)


def test_arrange_past_once_the_last_zone_has_finished_the_day() -> None:
    """8 September ends in Pago Pago (UTC-11) at 11:00 UTC on the 9th."""
    editions = [_celebration("literacy", date(2027, 9, 8))]

    before = arrange(editions, [], datetime(2027, 9, 9, 10, 59, tzinfo=UTC))
    after = arrange(editions, [], datetime(2027, 9, 9, 11, 0, tzinfo=UTC))

    assert ([c.edition.slug for c in before.upcoming], before.past) == (["literacy"], ())
    assert (after.upcoming, [c.edition.slug for c in after.past]) == ((), ["literacy"])


def test_celebrations_page_lists_the_demo_celebrations_with_their_feeds(
    demo_client: TestClient,
) -> None:
    page = demo_client.get("/celebrations?tz=UTC")
    upcoming, _, past = page.text.partition('id="past-title"')

    assert page.status_code == 200
    assert upcoming.index("International Literacy Day 2027") < upcoming.index("World Teachers")
    assert "#LearningPlanet Festival 2027" not in page.text.split("<main", 1)[1]
    for slug in ("international-literacy-day-2027", "world-teachers-day-2027"):
        assert f'href="/editions/{slug}/calendar.ics"' in upcoming
        assert f'href="/editions/{slug}/programme"' in upcoming
    assert "None yet." in past


def test_celebrations_page_archives_a_past_celebration_with_its_programme(
    demo_settings: Settings,
) -> None:
    """On 20 September 2027 Literacy Day is past (archived), Teachers' Day still to come."""
    clock = FixedClock(datetime(2027, 9, 20, 12, 0, tzinfo=UTC))
    with TestClient(create_app(demo_settings, clock=clock)) as client:
        page = client.get("/celebrations?tz=UTC")
        feed = client.get("/editions/international-literacy-day-2027/calendar.ics")
    upcoming, _, past = page.text.partition('id="past-title"')

    assert "World Teachers" in upcoming and "International Literacy Day" not in upcoming
    assert "The programme, archived" in past
    assert 'href="/editions/international-literacy-day-2027/calendar.ics"' in past
    assert (feed.status_code, "BEGIN:VEVENT" in feed.text) == (200, True)


# -- proposing a celebration through the call for sessions --------------------------------------

CELEBRATION_FORM = {
    "organisation_name": "Lire à Dakar",
    "organisation_kind": "association",
    "organisation_country": "SN",
    "organisation_tz_name": "Africa/Dakar",
    "contact_name": "Awa",
    "contact_email": "awa@lire.example.org",
    "name": "Semaine de la lecture",
    "description": "A week of reading in the libraries of Dakar.",
    "first_day": "2027-03-15",
    "last_day": "2027-03-19",
}


@pytest.fixture
def m(database_url: str, clock: FixedClock) -> Iterator[Matrix]:
    with open_matrix(database_url, clock) as world:
        yield world


def _post(m: Matrix, role: str, url: str, data: dict[str, str]) -> Any:
    return m.request(role, "POST", url, data={**data, "csrf_token": m.csrf(role)})


def _pending(m: Matrix) -> list[CelebrationProposal]:
    async def read(db: AsyncSession) -> list[CelebrationProposal]:
        return list((await db.execute(select(CelebrationProposal))).scalars())

    return with_db(m.settings, read)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_day": "2027-03-01"}, "last_day", "The last day comes before the first day."),
        ({"last_day": "2027-05-01"}, "last_day", "A celebration lasts at most 31 days."),
        (
            {"first_day": "2027-01-10", "last_day": "2027-01-12"},
            "last_day",
            "These days are already over everywhere on Earth.",
        ),
        ({"name": ""}, "name", "Give the celebration&#39;s name."),
        ({"first_day": "15/03/2027"}, "first_day", "Give the first day, such as 2027-09-08."),
    ],
)
def test_celebration_proposal_refused_with_the_reason_and_nothing_saved(
    m: Matrix, changes: dict[str, str], field: str, message: str
) -> None:
    response = _post(m, ANON, "/propose/celebration", {**CELEBRATION_FORM, **changes})

    assert response.status_code == 400
    assert re.search(rf'id="{field}-error"[^>]*>[^<]*{re.escape(message)}', response.text)
    assert "A week of reading in the libraries of Dakar." in response.text  # kept as typed
    assert _pending(m) == []


def test_celebration_proposed_accepted_appears_with_its_feed(m: Matrix) -> None:
    sent = _post(m, ANON, "/propose/celebration", CELEBRATION_FORM)
    [proposal] = _pending(m)
    queue = m.request(ADMIN, "GET", "/admin/review")
    accepted = _post(m, ADMIN, f"/admin/celebration-proposals/{proposal.id}/accept", {})
    again = _post(m, ADMIN, f"/admin/celebration-proposals/{proposal.id}/accept", {})
    page = m.request(ANON, "GET", "/celebrations")
    feed = m.request(ANON, "GET", "/editions/semaine-de-la-lecture-2027/calendar.ics")
    edition = m.request(ANON, "GET", "/api/editions/semaine-de-la-lecture-2027").json()

    assert sent.headers["location"] == "/propose/thanks"
    assert f'href="/admin/celebration-proposals/{proposal.id}"' in queue.text
    assert accepted.headers["location"] == (
        f"/admin/celebration-proposals/{proposal.id}?done=accepted-logged"
    )
    assert again.status_code == 409
    assert 'href="/editions/semaine-de-la-lecture-2027/calendar.ics"' in page.text
    assert (edition["kind"], edition["days"][0], edition["days"][-1]) == (
        "celebration",
        "2027-03-15",
        "2027-03-19",
    )
    assert (feed.status_code, feed.text.startswith("BEGIN:VCALENDAR")) == (200, True)
    assert [p.status for p in _pending(m)] == ["accepted"]


def test_celebration_proposal_declined_with_a_message(m: Matrix) -> None:
    _post(m, ANON, "/propose/celebration", CELEBRATION_FORM)
    [proposal] = _pending(m)
    empty = _post(m, ADMIN, f"/admin/celebration-proposals/{proposal.id}/decline", {})
    declined = _post(
        m,
        ADMIN,
        f"/admin/celebration-proposals/{proposal.id}/decline",
        {"message": "Please run it as sessions of an existing edition."},
    )

    assert empty.status_code == 400
    assert declined.status_code == 303
    assert [(p.status, p.decline_message) for p in _pending(m)] == [
        ("declined", "Please run it as sessions of an existing edition.")
    ]
    assert "Semaine de la lecture" not in m.request(ANON, "GET", "/celebrations").text


def test_celebration_proposals_share_the_limit_of_the_call_for_sessions(m: Matrix) -> None:
    answers = [
        _post(m, ANON, "/propose/celebration", {**CELEBRATION_FORM, "name": f"Fête {n}"})
        for n in range(4)
    ]

    assert [a.status_code for a in answers] == [303, 303, 303, 429]
    assert len(_pending(m)) == 3
