"""scheduling.conflicts: double-booked organisations, hosts and streams."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling import tz
from scheduling.conflicts import Conflict, find_conflicts
from scheduling.slots import Slot
from tests.scheduling.test_slots import make_slot


def test_find_conflicts_organisation_double_booked_across_zones() -> None:
    # Same organisation, two zones: Paris 10:00 (09:00Z) and London 09:30 (09:30Z), an hour each.
    paris = make_slot("a", "2027-01-24 10:00", "Europe/Paris", organisation_slug="unesco")
    london = make_slot("b", "2027-01-24 09:30", "Europe/London", organisation_slug="unesco")

    assert find_conflicts([london, paris]) == [
        Conflict("organisation", "unesco", paris, london, 30)
    ]


def test_find_conflicts_host_names_are_case_and_space_normalised() -> None:
    one = make_slot("a", "2027-01-24 09:00", "Asia/Kolkata", 90, hosts=("Ada  Lovelace",))
    # 09:00 in Kathmandu is 15 minutes before 09:00 in Kolkata.
    two = make_slot("b", "2027-01-24 09:00", "Asia/Kathmandu", 60, hosts=(" ada lovelace", "Bo"))

    assert find_conflicts([one, two]) == [Conflict("host", "ada lovelace", two, one, 45)]


def test_find_conflicts_stream_shared_at_once() -> None:
    one = make_slot("a", "2027-01-24 12:00", "Africa/Nairobi", 60, stream="Main Stage")
    two = make_slot("b", "2027-01-24 09:20", "Europe/London", 30, stream="main  stage")
    other_stream = make_slot("c", "2027-01-24 09:00", "Europe/London", 60, stream="Room 2")
    no_stream = make_slot("d", "2027-01-24 09:00", "Europe/London", 60, stream="")
    no_stream_either = make_slot("e", "2027-01-24 09:00", "Europe/London", 60)

    result = find_conflicts([one, two, other_stream, no_stream, no_stream_either])

    # Nairobi 12:00 is 09:00Z; London 09:20 is 09:20Z and lasts 30 minutes.
    assert result == [Conflict("stream", "main stage", one, two, 30)]


def test_find_conflicts_touching_sessions_do_not_conflict() -> None:
    first = make_slot("a", "2027-01-24 09:00", "Europe/Paris", 60, organisation_slug="o")
    # 09:00 in London is 10:00 in Paris: starts exactly when the first one ends.
    second = make_slot("b", "2027-01-24 09:00", "Europe/London", 60, organisation_slug="o")

    assert first.ends_at_utc == second.starts_at_utc
    assert find_conflicts([first, second]) == []


def test_find_conflicts_same_wall_time_twice_in_a_fold() -> None:
    # 01:30 happens twice in New York on 2027-11-07: an hour apart in real time.
    short_first = make_slot("a", "2027-11-07 01:30", "America/New_York", 60, fold=0, stream="s")
    short_second = make_slot("b", "2027-11-07 01:30", "America/New_York", 60, fold=1, stream="s")
    long_first = make_slot("c", "2027-11-07 01:30", "America/New_York", 90, fold=0, stream="t")
    long_second = make_slot("d", "2027-11-07 01:30", "America/New_York", 60, fold=1, stream="t")

    assert find_conflicts([short_first, short_second]) == []
    assert find_conflicts([long_first, long_second]) == [
        Conflict("stream", "t", long_first, long_second, 30)
    ]


def test_find_conflicts_ignores_cancelled_but_not_drafts() -> None:
    live = make_slot("a", "2027-01-24 09:00", "Europe/Paris", organisation_slug="o")
    cancelled = make_slot(
        "b", "2027-01-24 09:00", "Europe/Paris", organisation_slug="o", status="cancelled"
    )
    draft = make_slot(
        "c", "2027-01-24 09:30", "Europe/Paris", organisation_slug="o", status="draft"
    )

    assert find_conflicts([live, cancelled]) == []
    assert find_conflicts([live, cancelled, draft]) == [
        Conflict("organisation", "o", live, draft, 30)
    ]


def test_find_conflicts_different_keys_do_not_conflict() -> None:
    slots = [
        make_slot("a", "2027-01-24 09:00", "Europe/Paris", hosts=("Ada",), stream="one"),
        make_slot("b", "2027-01-24 09:00", "Europe/Paris", hosts=("Grace",), stream="two"),
    ]
    assert find_conflicts(slots) == []


def test_find_conflicts_sessions_without_organisation_are_not_grouped_by_it() -> None:
    a = make_slot("a", "2027-01-24 09:00", "Europe/Paris", organisation_slug="", hosts=("Ada",))
    b = make_slot("b", "2027-01-24 09:00", "Europe/Paris", organisation_slug="", hosts=("Bo",))

    assert find_conflicts([a, b]) == []


def test_find_conflicts_a_session_listed_twice_does_not_clash_with_itself() -> None:
    a = make_slot("a", "2027-01-24 09:00", "Europe/Paris", organisation_slug="o", stream="s")

    assert find_conflicts([a, a]) == []


def test_find_conflicts_one_pair_can_clash_on_several_kinds() -> None:
    a = make_slot("a", "2027-01-24 09:00", "Europe/Paris", organisation_slug="o", hosts=("Ada",))
    b = make_slot("b", "2027-01-24 09:15", "Europe/Paris", organisation_slug="o", hosts=("ADA",))

    assert find_conflicts([b, a]) == [
        Conflict("organisation", "o", a, b, 45),
        Conflict("host", "ada", a, b, 45),
    ]


def test_find_conflicts_three_overlapping_give_every_pair_in_order() -> None:
    a = make_slot("a", "2027-01-24 09:00", "Europe/Paris", 180, stream="s")  # 08:00Z-11:00Z
    b = make_slot("b", "2027-01-24 09:00", "Europe/London", 60, stream="s")  # 09:00Z-10:00Z
    c = make_slot("c", "2027-01-24 09:30", "Europe/London", 120, stream="s")  # 09:30Z-11:30Z
    d = make_slot("d", "2027-01-24 11:00", "Europe/Paris", 60, stream="s")  # 10:00Z-11:00Z

    expected = [
        Conflict("stream", "s", a, b, 60),
        Conflict("stream", "s", a, c, 90),
        Conflict("stream", "s", a, d, 60),
        Conflict("stream", "s", b, c, 30),
        Conflict("stream", "s", c, d, 60),
    ]
    for order in itertools.permutations([a, b, c, d]):
        assert find_conflicts(order) == expected


def test_find_conflicts_many_sessions_back_to_back_have_none() -> None:
    start = make_slot("x", "2027-01-24 00:00", "Pacific/Kiritimati", 30)
    slots = [
        make_slot(
            f"s{i:04d}",
            f"{(start.local_start + timedelta(minutes=30 * i)):%Y-%m-%d %H:%M}",
            "Pacific/Kiritimati",
            30,
            organisation_slug="busy",
            hosts=("Same Host",),
            stream="only-stream",
        )
        for i in range(2000)
    ]
    random.Random(24).shuffle(slots)

    assert find_conflicts(slots) == []


# -- against a brute-force oracle ----------------------------------------------------------------

_ZONES = ["Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "Europe/Paris"]


def _pairs_by_brute_force(slots: list[Slot]) -> set[tuple[str, str, str, str, int]]:
    found = set()
    live = [s for s in slots if s.status != "cancelled"]
    for one, two in itertools.combinations(live, 2):
        if not one.overlaps(two):
            continue
        first, second = sorted((one, two), key=lambda s: (s.starts_at_utc, s.ends_at_utc, s.uid))
        minutes = int(
            (min(one.ends_at_utc, two.ends_at_utc) - max(one.starts_at_utc, two.starts_at_utc))
            / timedelta(minutes=1)
        )
        if one.organisation_slug == two.organisation_slug:
            found.add(("organisation", one.organisation_slug, first.uid, second.uid, minutes))
        for host in {h.lower() for h in one.hosts} & {h.lower() for h in two.hosts}:
            found.add(("host", host, first.uid, second.uid, minutes))
        if one.stream and one.stream == two.stream:
            found.add(("stream", one.stream, first.uid, second.uid, minutes))
    return found


@st.composite
def _programmes(draw: st.DrawFn) -> list[Slot]:
    count = draw(st.integers(0, 14))
    slots = []
    for index in range(count):
        zone_name = draw(st.sampled_from(_ZONES))
        minute = draw(st.integers(0, 8 * 4)) * 15
        wall = tz.to_wall(datetime(2027, 1, 24, 6, 0, tzinfo=UTC), zone_name)
        slots.append(
            make_slot(
                f"s{index:02d}",
                f"{wall + timedelta(minutes=minute):%Y-%m-%d %H:%M}",
                zone_name,
                draw(st.sampled_from([15, 30, 45, 60, 90])),
                organisation_slug=draw(st.sampled_from(["o1", "o2"])),
                hosts=tuple(draw(st.sets(st.sampled_from(["ada", "bo", "cy"]), max_size=2))),
                stream=draw(st.sampled_from(["", "main", "side"])),
                status=draw(st.sampled_from(["published", "published", "draft", "cancelled"])),
            )
        )
    return slots


@settings(max_examples=150, deadline=None)
@given(slots=_programmes())
def test_find_conflicts_matches_brute_force(slots: list[Slot]) -> None:
    result = find_conflicts(slots)

    assert {(c.kind, c.key, c.first.uid, c.second.uid, c.overlap_minutes) for c in result} == (
        _pairs_by_brute_force(slots)
    )
    assert len(result) == len(set(result))
    assert find_conflicts(list(reversed(slots))) == result
