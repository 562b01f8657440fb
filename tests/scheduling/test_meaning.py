"""scheduling.meaning: what an entered time means for the world, said before it is saved."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scheduling import meaning, tz
from scheduling.errors import AmbiguousTimeError, NonexistentTimeError, UnknownZoneError
from scheduling.meaning import Meaning, Occurrence

FESTIVAL = [date(2027, 1, 24)]


def wall(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_explain_kathmandu_morning_reads_as_the_issue_says() -> None:
    found = meaning.explain(wall("2027-01-24 09:00"), "Asia/Katmandu", 90, None, FESTIVAL)

    assert found == Meaning(
        tz_name="Asia/Kathmandu",
        fold=0,
        starts_at_utc=datetime(2027, 1, 24, 3, 15, tzinfo=UTC),
        ends_at_utc=datetime(2027, 1, 24, 4, 45, tzinfo=UTC),
        sentence="Sun 24 Jan 2027, 09:00 in Kathmandu (UTC+05:45) = 03:15 UTC = 22:15 (Sat 23) "
        "in New York = 04:15 in Paris",
        local_day=date(2027, 1, 24),
        within_festival=True,
    )


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        (
            "2027-01-24 23:00",
            "America/St_Johns",
            "Sun 24 Jan 2027, 23:00 in St Johns (UTC−03:30) = 02:30 UTC (Mon 25) = 21:30 in "
            "New York = 03:30 (Mon 25) in Paris",
        ),
        # A reference city that is the organiser's own is not said twice.
        (
            "2027-01-24 09:00",
            "Europe/Paris",
            "Sun 24 Jan 2027, 09:00 in Paris (UTC+01:00) = 08:00 UTC = 03:00 in New York",
        ),
        (
            "2027-01-24 01:00",
            "Pacific/Kiritimati",
            "Sun 24 Jan 2027, 01:00 in Kiritimati (UTC+14:00) = 11:00 UTC (Sat 23) = "
            "06:00 (Sat 23) in New York = 12:00 (Sat 23) in Paris",
        ),
    ],
)
def test_sentence_says_the_day_only_where_it_is_not_the_organisers(
    text: str, zone: str, expected: str
) -> None:
    assert meaning.explain(wall(text), zone, 60).sentence == expected


def test_explain_says_whether_the_start_is_on_a_festival_date_in_its_own_zone() -> None:
    # 23:30 on January 24 in St John's is 03:00 UTC on the 25th: still January 24 there.
    late = meaning.explain(wall("2027-01-24 23:30"), "America/St_Johns", 60, None, FESTIVAL)
    after = meaning.explain(wall("2027-01-25 00:30"), "America/St_Johns", 60, None, FESTIVAL)
    anyday = meaning.explain(wall("2027-03-01 10:00"), "America/St_Johns", 60)

    assert (late.local_day, late.within_festival) == (date(2027, 1, 24), True)
    assert (after.local_day, after.within_festival) == (date(2027, 1, 25), False)
    assert anyday.within_festival is True  # no festival dates given: nothing to be outside of


def test_explain_refuses_a_gap_and_an_unsaid_fold_as_saving_will() -> None:
    with pytest.raises(NonexistentTimeError):
        meaning.explain(wall("2027-03-14 02:30"), "America/St_Johns", 60)
    with pytest.raises(AmbiguousTimeError):
        meaning.explain(wall("2027-11-07 01:30"), "America/St_Johns", 60)
    with pytest.raises(UnknownZoneError):
        meaning.explain(wall("2027-11-07 01:30"), "Etc/GMT+3", 60)


def test_explain_of_the_second_occurrence_carries_its_own_offset() -> None:
    first = meaning.explain(wall("2027-11-07 01:30"), "America/St_Johns", 60, fold=0)
    second = meaning.explain(wall("2027-11-07 01:30"), "America/St_Johns", 60, fold=1)

    assert (first.fold, second.fold) == (0, 1)
    assert first.sentence.startswith("Sun 07 Nov 2027, 01:30 in St Johns (UTC−02:30) = 04:00 UTC")
    assert second.sentence.startswith("Sun 07 Nov 2027, 01:30 in St Johns (UTC−03:30) = 05:00 UTC")


def test_explain_forgets_a_fold_said_of_a_time_that_happens_once() -> None:
    assert meaning.explain(wall("2027-01-24 09:00"), "Asia/Kathmandu", 60, fold=1).fold == 0


def test_occurrences_show_both_moments_with_their_offsets() -> None:
    with pytest.raises(AmbiguousTimeError) as caught:
        tz.to_utc(wall("2027-11-07 01:30"), "America/St_Johns")

    assert meaning.occurrences(caught.value) == (
        Occurrence(
            0,
            datetime(2027, 11, 7, 4, 0, tzinfo=UTC),
            "01:30 in St Johns (UTC−02:30) = 04:00 UTC",
        ),
        Occurrence(
            1,
            datetime(2027, 11, 7, 5, 0, tzinfo=UTC),
            "01:30 in St Johns (UTC−03:30) = 05:00 UTC",
        ),
    )


def test_gap_choices_are_the_nearest_times_that_exist() -> None:
    with pytest.raises(NonexistentTimeError) as caught:
        tz.to_utc(wall("2027-03-14 02:30"), "America/St_Johns")

    assert meaning.gap_choices(caught.value) == (wall("2027-03-14 01:59"), wall("2027-03-14 03:00"))
