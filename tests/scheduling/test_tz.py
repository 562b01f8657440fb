"""scheduling.tz: zones from tzdata, aliases, refusals, DST gaps and folds, round trips."""

from __future__ import annotations

import importlib.resources
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import pytest
import tzdata  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling import tz
from scheduling.errors import AmbiguousTimeError, NonexistentTimeError, UnknownZoneError
from tests.scheduling import tzif


def naive(text: str) -> datetime:
    """A naive wall time as an organiser enters it."""
    return datetime.fromisoformat(text)


# -- offsets that are not whole hours --------------------------------------------------------


@pytest.mark.parametrize(
    ("zone_name", "wall", "offset", "label"),
    [
        ("Asia/Kolkata", naive("2027-01-24 09:00"), timedelta(hours=5, minutes=30), "IST"),
        ("Asia/Kathmandu", naive("2027-01-24 09:00"), timedelta(hours=5, minutes=45), None),
        # January is summer in the south: Adelaide and Chatham are on daylight time.
        (
            "Australia/Adelaide",
            naive("2027-01-24 09:00"),
            timedelta(hours=10, minutes=30),
            "ACDT",
        ),
        ("Pacific/Chatham", naive("2027-01-24 09:00"), timedelta(hours=13, minutes=45), None),
        ("America/St_Johns", naive("2027-01-24 09:00"), -timedelta(hours=3, minutes=30), "NST"),
        ("America/St_Johns", naive("2027-07-01 09:00"), -timedelta(hours=2, minutes=30), "NDT"),
        ("Australia/Adelaide", naive("2027-07-01 09:00"), timedelta(hours=9, minutes=30), "ACST"),
        ("Pacific/Chatham", naive("2027-07-01 09:00"), timedelta(hours=12, minutes=45), None),
    ],
)
def test_to_utc_fractional_offsets_subtract_exactly(
    zone_name: str, wall: datetime, offset: timedelta, label: str | None
) -> None:
    expected = wall.replace(tzinfo=UTC) - offset

    instant = tz.to_utc(wall, zone_name)

    assert instant == expected
    assert instant.utcoffset() == timedelta(0)
    local = tz.localize(instant, zone_name)
    assert local.replace(tzinfo=None) == wall
    assert local.utcoffset() == offset
    sign = "+" if offset > timedelta(0) else "−"
    minutes = int(abs(offset).total_seconds()) // 60
    offset_label = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    assert tz.utc_offset_label(local) == offset_label
    # tzdata gives Kathmandu and Chatham numeric abbreviations only: the label falls back.
    assert tz.zone_label(local) == (label if label is not None else offset_label)


def test_utc_offset_label_zero_reads_utc() -> None:
    moment = tz.localize(datetime(2027, 1, 24, tzinfo=UTC), "Africa/Abidjan")
    assert tz.utc_offset_label(moment) == "UTC"


def test_utc_offset_label_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        tz.utc_offset_label(naive("2027-01-24 12:00"))


def test_zone_label_london_winter_is_gmt() -> None:
    moment = tz.localize(datetime(2027, 1, 24, 12, tzinfo=UTC), "Europe/London")
    assert (tz.zone_label(moment), tz.utc_offset_label(moment)) == ("GMT", "UTC")


# -- DST gaps and folds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone_name", "wall", "last_before", "first_after"),
    [
        # Second Sunday of March 2027, 02:00 -> 03:00.
        (
            "America/New_York",
            naive("2027-03-14 02:30"),
            naive("2027-03-14 01:59"),
            naive("2027-03-14 03:00"),
        ),
        # Last Sunday of March 2027, 02:00 -> 03:00.
        (
            "Europe/Paris",
            naive("2027-03-28 02:00"),
            naive("2027-03-28 01:59"),
            naive("2027-03-28 03:00"),
        ),
        # First Sunday of October 2026, 02:00 -> 03:00 (southern spring).
        (
            "Australia/Sydney",
            naive("2026-10-04 02:59"),
            naive("2026-10-04 01:59"),
            naive("2026-10-04 03:00"),
        ),
        # Chile skips local midnight: Saturday 23:59 is followed by Sunday 01:00.
        (
            "America/Santiago",
            naive("2026-09-06 00:00"),
            naive("2026-09-05 23:59"),
            naive("2026-09-06 01:00"),
        ),
        # Lord Howe Island moves its clocks by 30 minutes only.
        (
            "Australia/Lord_Howe",
            naive("2026-10-04 02:15"),
            naive("2026-10-04 01:59"),
            naive("2026-10-04 02:30"),
        ),
    ],
)
def test_to_utc_gap_names_nearest_valid_times(
    zone_name: str, wall: datetime, last_before: datetime, first_after: datetime
) -> None:
    with pytest.raises(NonexistentTimeError) as caught:
        tz.to_utc(wall, zone_name)
    # An occurrence hint does not make a skipped time exist.
    with pytest.raises(NonexistentTimeError):
        tz.to_utc(wall, zone_name, fold=1)

    error = caught.value
    assert error.code == "time.nonexistent"
    assert (error.wall, error.zone_name) == (wall, zone_name)
    assert (error.last_before, error.first_after) == (last_before, first_after)
    assert f"Choose {last_before:%H:%M} or earlier, or {first_after:%H:%M} or later" in str(error)
    # Both suggestions exist and are one minute apart in real time.
    before_utc = tz.to_utc(last_before, zone_name)
    after_utc = tz.to_utc(first_after, zone_name)
    assert after_utc - before_utc == timedelta(minutes=1)


@pytest.mark.parametrize(
    ("zone_name", "wall", "first_offset", "second_offset"),
    [
        # First Sunday of November 2027, 02:00 EDT -> 01:00 EST.
        (
            "America/New_York",
            naive("2027-11-07 01:30"),
            timedelta(hours=-4),
            timedelta(hours=-5),
        ),
        # Last Sunday of October 2027, 03:00 CEST -> 02:00 CET.
        ("Europe/Paris", naive("2027-10-31 02:30"), timedelta(hours=2), timedelta(hours=1)),
        # First Sunday of April 2027, 03:00 AEDT -> 02:00 AEST.
        ("Australia/Sydney", naive("2027-04-04 02:30"), timedelta(hours=11), timedelta(hours=10)),
        # Chile: Sunday 00:00 -03 -> Saturday 23:00 -04, so Saturday 23:xx happens twice.
        (
            "America/Santiago",
            naive("2027-04-03 23:30"),
            timedelta(hours=-3),
            timedelta(hours=-4),
        ),
        # Lord Howe: 02:00 +11 -> 01:30 +10:30.
        (
            "Australia/Lord_Howe",
            naive("2027-04-04 01:45"),
            timedelta(hours=11),
            timedelta(hours=10, minutes=30),
        ),
    ],
)
def test_to_utc_fold_requires_an_occurrence(
    zone_name: str, wall: datetime, first_offset: timedelta, second_offset: timedelta
) -> None:
    first_utc = wall.replace(tzinfo=UTC) - first_offset
    second_utc = wall.replace(tzinfo=UTC) - second_offset

    with pytest.raises(AmbiguousTimeError) as caught:
        tz.to_utc(wall, zone_name)

    error = caught.value
    assert error.code == "time.ambiguous"
    assert error.zone_name == zone_name
    # Aware times in a fold never compare equal across zones (PEP 495): compare in UTC.
    assert (error.first.astimezone(UTC), error.second.astimezone(UTC)) == (first_utc, second_utc)
    assert (error.first.utcoffset(), error.second.utcoffset()) == (first_offset, second_offset)
    assert tz.to_utc(wall, zone_name, fold=0) == first_utc
    assert tz.to_utc(wall, zone_name, fold=1) == second_utc
    assert tz.to_wall(first_utc, zone_name) == wall
    assert tz.to_wall(second_utc, zone_name) == wall
    assert tz.to_wall(second_utc, zone_name).fold == 1


def test_to_utc_lord_howe_fold_is_thirty_minutes_long() -> None:
    ambiguous = [
        minute
        for minute in range(0, 4 * 60)
        if _is_ambiguous(
            naive("2027-04-04 00:00") + timedelta(minutes=minute), "Australia/Lord_Howe"
        )
    ]
    assert (ambiguous[0], ambiguous[-1], len(ambiguous)) == (90, 119, 30)  # 01:30 to 01:59


def _is_ambiguous(wall: datetime, zone_name: str) -> bool:
    try:
        tz.to_utc(wall, zone_name)
    except AmbiguousTimeError:
        return True
    return False


def test_to_utc_fold_is_ignored_when_unambiguous() -> None:
    wall = naive("2027-01-24 09:00")
    assert tz.to_utc(wall, "Europe/Paris", fold=1) == datetime(2027, 1, 24, 8, 0, tzinfo=UTC)


def test_to_utc_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="naive"):
        tz.to_utc(datetime(2027, 1, 24, 9, tzinfo=UTC), "Europe/Paris")
    with pytest.raises(ValueError, match="fold"):
        tz.to_utc(naive("2027-10-31 02:30"), "Europe/Paris", fold=2)
    with pytest.raises(ValueError, match="aware"):
        tz.to_wall(naive("2027-01-24 09:00"), "Europe/Paris")
    with pytest.raises(ValueError, match="aware"):
        tz.localize(naive("2027-01-24 09:00"), "Europe/Paris")


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_name", "canonical"),
    [
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("US/Eastern", "America/New_York"),
        ("America/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Asia/Katmandu", "Asia/Kathmandu"),
        ("Europe/Amsterdam", "Europe/Amsterdam"),  # in zone.tab: a country's zone, kept as is
        ("  Europe/Paris ", "Europe/Paris"),
    ],
)
def test_canonical_name_normalises_aliases(given_name: str, canonical: str) -> None:
    assert tz.canonical_name(given_name) == canonical
    assert tz.zone(given_name).key == canonical
    assert canonical in tz.canonical_zones()


def test_canonical_zones_exclude_aliases_and_legacy_names() -> None:
    zones = tz.canonical_zones()
    assert zones == sorted(set(zones))
    assert {"Asia/Calcutta", "US/Eastern", "UTC", "EST5EDT", "Etc/GMT+5"}.isdisjoint(zones)
    assert {"Pacific/Kiritimati", "Pacific/Pago_Pago", "Pacific/Chatham"} <= set(zones)


@pytest.mark.parametrize(
    ("given_name", "reason"),
    [
        ("Etc/GMT+5", "fixed offsets are not accepted"),
        ("UTC", "fixed offsets are not accepted"),
        ("GMT", "fixed offsets are not accepted"),
        ("EST5EDT", "not a geographic zone"),
        ("CET", "not a geographic zone"),
        ("EST", "not a geographic zone"),
        ("Romance Standard Time", "Windows zone name"),
        ("Eastern Standard Time", "Windows zone name"),
        ("Mars/Olympus_Mons", "not in the tz database"),
        ("europe/paris", "not in the tz database"),
        ("garbage", "not a geographic zone"),
        ("", "no zone given"),
    ],
)
def test_canonical_name_refuses_non_geographic(given_name: str, reason: str) -> None:
    with pytest.raises(UnknownZoneError) as caught:
        tz.canonical_name(given_name)
    assert caught.value.code == "time.unknown_zone"
    assert caught.value.zone_name == given_name
    assert reason in str(caught.value)
    assert tz.is_valid_zone(given_name) is False


def test_parse_catalogue_follows_alias_chains_and_drops_aliases_of_non_places() -> None:
    tzdata_zi = "\n".join(
        [
            "# version 2099z",
            "Z Europe/Paris 0:9:21 - LMT 1891 Mar 16",
            "Z Etc/UTC 0 - UTC",
            "L Europe/Paris Europe/Lutetia",  # alias -> zone
            "L Europe/Lutetia Europe/Parisii",  # alias -> alias -> zone
            "L Etc/UTC Universal/Zulu",  # an alias of a fixed offset: not a place
            "L Europe/Paris CET",  # slash-less: an abbreviation, refused rather than guessed
            "L Europe/Paris Europe/Monaco",  # in zone.tab: a country's zone in its own right
        ]
    )
    zone_tab = (
        "# code\tcoordinates\tTZ\nFR\t+4852+00220\tEurope/Paris\nMC\t+4342+00723\tEurope/Monaco\n"
    )

    catalogue = tz.parse_catalogue(tzdata_zi, zone_tab)

    assert catalogue == tz.ZoneCatalogue(
        canonical=frozenset({"Europe/Paris", "Europe/Monaco"}),
        aliases={"Europe/Lutetia": "Europe/Paris", "Europe/Parisii": "Europe/Paris"},
        country_of={"Europe/Paris": "FR", "Europe/Monaco": "MC"},
    )


def test_zone_metadata_helpers() -> None:
    assert tz.country_of("Asia/Calcutta") == "IN"
    assert tz.country_of("Europe/Amsterdam") == "NL"
    assert tz.country_of("Pacific/Pago_Pago") == "AS"
    assert tz.city_name("America/Argentina/Buenos_Aires") == "Buenos Aires"
    assert tz.city_name("Asia/Calcutta") == "Kolkata"
    regions = {
        name: tz.region_of(name)
        for name in ("Pacific/Chatham", "Asia/Kathmandu", "Europe/Paris", "Africa/Nairobi")
    }
    assert regions == {
        "Pacific/Chatham": "Oceania",
        "Asia/Kathmandu": "Asia",
        "Europe/Paris": "Europe",
        "Africa/Nairobi": "Africa & Atlantic",
    }
    assert {tz.region_of(name) for name in tz.canonical_zones()} == set(tz.REGIONS)


# -- where the rules come from -----------------------------------------------------------------


@pytest.fixture
def hostile_tzpath(tmp_path: Path) -> Iterator[Path]:
    """Point zoneinfo's TZPATH at a directory whose Asia/Kolkata holds Paris's rules."""
    paris = importlib.resources.files("tzdata.zoneinfo").joinpath("Europe", "Paris").read_bytes()
    (tmp_path / "Asia").mkdir()
    (tmp_path / "Asia" / "Kolkata").write_bytes(paris)
    zoneinfo.reset_tzpath(to=[str(tmp_path)])
    zoneinfo.ZoneInfo.clear_cache()
    tz._load.cache_clear()
    try:
        yield tmp_path
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()
        tz._load.cache_clear()


def test_zone_reads_tzdata_package_not_host_tzpath(hostile_tzpath: Path) -> None:
    wall = naive("2027-01-24 09:00")
    # The stdlib lookup now trusts the "host" files and gets Paris's offset...
    host = zoneinfo.ZoneInfo("Asia/Kolkata")
    assert wall.replace(tzinfo=host).utcoffset() == timedelta(hours=1)

    # ...while scheduling.tz still reads the tzdata package.
    assert tz.to_utc(wall, "Asia/Kolkata") == datetime(2027, 1, 24, 3, 30, tzinfo=UTC)
    assert tz.zone("Asia/Kolkata").key == "Asia/Kolkata"
    assert tz.zone("Asia/Kolkata") is not host
    assert tz.TZDATA_VERSION == tzdata.IANA_VERSION


# -- round trip, every zone ------------------------------------------------------------------


def _solutions(wall: datetime, zone_name: str) -> list[datetime]:
    """Every UTC instant whose wall time in the zone is ``wall``, found by brute force.

    An instant u shows ``wall`` iff u = wall - offset(u); offsets since 1970 lie within ±15 h,
    so sampling the zone's offsets every 30 minutes around ``wall`` finds every candidate.
    """
    z = tz.zone(zone_name)
    naive_utc = wall.replace(tzinfo=UTC)
    offsets = {
        (naive_utc + timedelta(minutes=30 * step)).astimezone(z).utcoffset()
        for step in range(-32, 33)
    }
    found = set()
    for offset in offsets:
        assert offset is not None
        candidate = naive_utc - offset
        if candidate.astimezone(z).replace(tzinfo=None) == wall:
            found.add(candidate)
    return sorted(found)


def _assert_policy(wall: datetime, zone_name: str) -> None:
    solutions = _solutions(wall, zone_name)
    if not solutions:
        with pytest.raises(NonexistentTimeError) as gap:
            tz.to_utc(wall, zone_name)
        assert gap.value.last_before < wall < gap.value.first_after
        assert len(_solutions(gap.value.first_after, zone_name)) >= 1
    elif len(solutions) == 2:
        with pytest.raises(AmbiguousTimeError):
            tz.to_utc(wall, zone_name)
        assert tz.to_utc(wall, zone_name, fold=0) == solutions[0]
        assert tz.to_utc(wall, zone_name, fold=1) == solutions[1]
        assert tz.to_wall(tz.to_utc(wall, zone_name, fold=1), zone_name) == wall
    else:
        assert len(solutions) == 1
        instant = tz.to_utc(wall, zone_name)
        assert instant == solutions[0]
        assert tz.to_wall(instant, zone_name) == wall


def test_to_utc_round_trips_in_every_canonical_zone() -> None:
    walls = [naive("2027-01-24 00:00"), naive("2027-01-24 12:00"), naive("2027-07-01 12:00")]
    for zone_name in tz.canonical_zones():
        for wall in walls:
            _assert_policy(wall, zone_name)


@settings(max_examples=300, deadline=None)
@given(
    zone_name=st.sampled_from(tz.canonical_zones()),
    wall=st.datetimes(min_value=naive("1970-01-02 00:00"), max_value=naive("2037-12-30 00:00")).map(
        lambda moment: moment.replace(second=0, microsecond=0, fold=0)
    ),
)
def test_to_utc_round_trips_property(zone_name: str, wall: datetime) -> None:
    _assert_policy(wall, zone_name)


@settings(max_examples=150, deadline=None)
@given(
    zone_name=st.sampled_from(
        [
            "America/New_York",
            "Europe/Paris",
            "Australia/Sydney",
            "America/Santiago",
            "Australia/Lord_Howe",
            "Pacific/Chatham",
            "America/St_Johns",
        ]
    ),
    instant=st.datetimes(
        min_value=naive("2020-01-01 00:00"), max_value=naive("2037-12-30 00:00")
    ).map(lambda moment: moment.replace(second=0, microsecond=0, tzinfo=UTC)),
)
def test_to_wall_then_to_utc_recovers_the_instant(zone_name: str, instant: datetime) -> None:
    wall = tz.to_wall(instant, zone_name)
    fold = wall.fold
    assert tz.to_utc(wall.replace(fold=0), zone_name, fold=fold) == instant


def test_viewer_zone_name_allows_plain_utc_but_organisers_cannot_use_it() -> None:
    assert tz.viewer_zone_name(" utc ") == "UTC"
    assert tz.viewer_zone_name("Asia/Calcutta") == "Asia/Kolkata"
    assert tz.localize(datetime(2027, 1, 24, 12, tzinfo=UTC), "UTC").hour == 12
    with pytest.raises(UnknownZoneError):
        tz.to_utc(naive("2027-01-24 12:00"), "UTC")


# -- the organiser's time, written once -------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "zone", "expected"),
    [
        ("%H:%M", "", "09:00 in Kathmandu"),
        ("%a %d %b, %H:%M", "offset", "Sun 24 Jan, 09:00 in Kathmandu (UTC+05:45)"),
        ("%H:%M {label}", "", "09:00 UTC+05:45 in Kathmandu"),
        ("%H:%M {label}", "name", "09:00 UTC+05:45 in Kathmandu (Asia/Kathmandu)"),
        (
            "%H:%M {label} on %a %d %b %Y",
            "name",
            "09:00 UTC+05:45 on Sun 24 Jan 2027 in Kathmandu (Asia/Kathmandu)",
        ),
    ],
)
def test_organiser_time_writes_every_form_from_one_sentence(
    when: str, zone: Literal["", "offset", "name"], expected: str
) -> None:
    instant = tz.to_utc(naive("2027-01-24 09:00"), "Asia/Kathmandu")

    assert tz.organiser_time(instant, "Asia/Kathmandu", when, zone) == expected


def test_organiser_time_uses_the_abbreviation_and_the_city_of_multi_part_zones() -> None:
    instant = tz.to_utc(naive("2027-01-24 10:00"), "America/Argentina/Buenos_Aires")
    paris = tz.to_utc(naive("2027-07-24 10:00"), "Europe/Paris")

    assert tz.organiser_time(instant, "America/Argentina/Buenos_Aires", "%H:%M {label}") == (
        "10:00 UTC−03:00 in Buenos Aires"
    )
    assert tz.organiser_time(paris, "Europe/Paris", "%H:%M {label}", "offset") == (
        "10:00 CEST in Paris (UTC+02:00)"
    )


# -- every real transition of every zone ------------------------------------------------------
# The round trips above pick wall times at random and almost never land in a gap or a fold.
# These start from the tz database's own transitions (tests/scheduling/tzif.py reads them from
# the TZif files), so every gap and fold since 1970 is exercised, with expectations derived from
# the transition alone.


MINUTE = timedelta(minutes=1)


class PolicyCheck:
    """What scheduling.tz gets wrong around one transition (``errors`` empty when nothing)."""

    def __init__(self, transition: tzif.Transition) -> None:
        self.t = transition
        self.errors: list[str] = []

    def check(self, label: str, got: object, expected: object) -> None:
        if got != expected:
            self.errors.append(f"{self.t}: {label}: got {got!r}, expected {expected!r}")

    def unique(self, wall: datetime, offset: timedelta) -> None:
        try:
            got = tz.to_utc(wall, self.t.zone_name)
        except (NonexistentTimeError, AmbiguousTimeError) as exc:
            self.errors.append(f"{self.t}: {wall} exists once, but: {exc.code}")
        else:
            self.check(f"to_utc({wall})", got, (wall - offset).replace(tzinfo=UTC))

    def nonexistent(self, wall: datetime) -> None:
        try:
            tz.to_utc(wall, self.t.zone_name, fold=0)
        except NonexistentTimeError as exc:
            # The last valid wall time before the gap and the first after it.
            self.check(f"last_before({wall})", exc.last_before, self.t.low_wall - MINUTE)
            self.check(f"first_after({wall})", exc.first_after, self.t.high_wall)
        else:
            self.errors.append(f"{self.t}: {wall} does not exist, but was accepted")

    def ambiguous(self, wall: datetime) -> None:
        zone_name = self.t.zone_name
        try:
            tz.to_utc(wall, zone_name)
        except AmbiguousTimeError:
            pass
        else:
            self.errors.append(f"{self.t}: {wall} happens twice, but was accepted without a fold")
        first = (wall - self.t.before).replace(tzinfo=UTC)
        second = (wall - self.t.after).replace(tzinfo=UTC)
        self.check(f"to_utc({wall}, fold=0)", tz.to_utc(wall, zone_name, fold=0), first)
        self.check(f"to_utc({wall}, fold=1)", tz.to_utc(wall, zone_name, fold=1), second)
        self.check(f"to_wall(second {wall}).fold", tz.to_wall(second, zone_name).fold, 1)

    def run(self) -> list[str]:
        t = self.t
        self.unique(t.low_wall - MINUTE, t.before)
        self.unique(t.high_wall, t.after)
        for wall in (t.low_wall, t.high_wall - MINUTE):
            if t.is_gap:
                self.nonexistent(wall)
            else:
                self.ambiguous(wall)
        second = timedelta(seconds=1)
        at_wall = (t.at_utc + t.after).replace(tzinfo=None)
        self.check("to_wall(at)", tz.to_wall(t.at_utc, t.zone_name), at_wall)
        just_before = (t.at_utc - second + t.before).replace(tzinfo=None)
        self.check("to_wall(at - 1 s)", tz.to_wall(t.at_utc - second, t.zone_name), just_before)
        return self.errors


def test_transitions_oracle_finds_gaps_and_folds_in_the_festival_years() -> None:
    cases = tzif.transitions()
    recent = [t for t in cases if t.at_utc.year >= 2026]
    # Lower bounds, so that a tzdata update does not break them but a broken reader does.
    assert sum(t.is_gap for t in cases) > 5000
    assert sum(t.is_fold for t in cases) > 5000
    assert sum(t.is_gap for t in recent) > 300
    assert sum(t.is_fold for t in recent) > 300
    paris = [t for t in recent if t.zone_name == "Europe/Paris" and t.at_utc.year == 2027]
    assert [(t.low_wall, t.high_wall, t.is_gap) for t in paris] == [
        (naive("2027-03-28 02:00"), naive("2027-03-28 03:00"), True),
        (naive("2027-10-31 02:00"), naive("2027-10-31 03:00"), False),
    ]


def test_to_utc_policy_holds_at_every_transition_of_every_zone() -> None:
    errors = [error for t in tzif.transitions() for error in PolicyCheck(t).run()]
    assert errors[:10] == []


@settings(max_examples=400, deadline=None)
@given(
    transition=st.deferred(lambda: st.sampled_from(tzif.transitions())),
    minutes=st.integers(min_value=-90, max_value=90),
    inside=st.floats(min_value=0, max_value=1),
)
def test_to_utc_near_transitions_property(
    transition: tzif.Transition, minutes: int, inside: float
) -> None:
    # Half the wall times fall inside the gap or fold, half up to 90 minutes around it.
    span = transition.high_wall - transition.low_wall
    if minutes % 2:
        wall = transition.low_wall + (span * inside)
    else:
        edge = transition.low_wall if minutes < 0 else transition.high_wall
        wall = edge + timedelta(minutes=minutes)
    wall = wall.replace(microsecond=0)
    solutions = _solutions(wall, transition.zone_name)
    within = transition.low_wall <= wall < transition.high_wall
    expected = (0 if transition.is_gap else 2) if within else 1
    assert len(solutions) == expected
    _assert_policy(wall, transition.zone_name)
