"""/celebrations: the editions other than the flagship, upcoming first, past ones archived, each
with its dates, organisers, sessions and feed (festival/celebrations.py, the page on the demo)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from starlette.testclient import TestClient

from festival.app import create_app
from festival.celebrations import arrange
from festival.models import Edition
from festival.settings import Settings
from scheduling.clock import FixedClock

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
