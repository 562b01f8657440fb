"""What an organiser's entered time means for the world, said before it is saved.

``explain`` turns a wall time, a zone and a length into the instants ``scheduling.tz`` derives
(refusing gaps and unsaid folds exactly as saving will) and one line an organiser can check at
a glance: "Sun 24 Jan 2027, 09:00 in Kathmandu (UTC+05:45) = 03:15 UTC = 22:15 (Sat 23) in
New York = 04:15 in Paris"; and whether the start is on a festival date in the organiser's own
zone (the local-day rule, ``scheduling.window``). ``occurrences`` and ``gap_choices`` say what
to offer when the wall time happens twice or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from scheduling import tz, window
from scheduling.errors import AmbiguousTimeError, NonexistentTimeError

#: Where the line says the time lands besides UTC: two cities most organisers can place.
REFERENCE_ZONES: tuple[str, ...] = ("America/New_York", "Europe/Paris")
#: The organiser's own time, as every organiser time on the site is written.
OWN_PATTERN = "%a %d %b %Y, %H:%M"


@dataclass(frozen=True)
class Meaning:
    """An entered time, understood."""

    tz_name: str  # canonical
    fold: int  # which occurrence (0 unless the wall time happens twice)
    starts_at_utc: datetime
    ends_at_utc: datetime
    sentence: str
    local_day: date  # the start's date in the organiser's zone
    within_festival: bool  # local_day is one of the festival's dates (True when none given)


def _elsewhere(instant: datetime, zone_name: str, own_day: date) -> str:
    """``22:15 (Sat 23) in New York``: the day is said only when it is not the organiser's."""
    local = tz.localize(instant, zone_name)
    day = "" if local.date() == own_day else f" (%a {local.day})"
    if zone_name == tz.VIEWER_UTC:
        return local.strftime(f"%H:%M UTC{day}")
    return tz.organiser_time(instant, zone_name, f"%H:%M{day}")


def sentence(
    starts_at_utc: datetime, zone_name: str, references: Sequence[str] = REFERENCE_ZONES
) -> str:
    """The one line: the organiser's time with its offset, then UTC, then the references."""
    own_zone = tz.canonical_name(zone_name)
    own_day = tz.localize(starts_at_utc, own_zone).date()
    parts = [tz.organiser_time(starts_at_utc, own_zone, OWN_PATTERN, zone="offset")]
    parts.append(_elsewhere(starts_at_utc, tz.VIEWER_UTC, own_day))
    for reference in references:
        if tz.canonical_name(reference) != own_zone:
            parts.append(_elsewhere(starts_at_utc, reference, own_day))
    return " = ".join(parts)


def explain(
    wall: datetime,
    zone_name: str,
    duration_minutes: int,
    fold: int | None = None,
    festival_days: Sequence[date] = (),
    references: Sequence[str] = REFERENCE_ZONES,
) -> Meaning:
    """Understand an entered time, or raise what ``scheduling.tz`` raises (unknown zone, gap,
    unsaid fold). ``fold`` only matters where the wall time happens twice."""
    own_zone = tz.canonical_name(zone_name)
    starts = tz.to_utc(wall, own_zone, fold)
    day = window.local_date(starts, own_zone)
    return Meaning(
        tz_name=own_zone,
        fold=tz.to_wall(starts, own_zone).fold,
        starts_at_utc=starts,
        ends_at_utc=starts + timedelta(minutes=duration_minutes),
        sentence=sentence(starts, own_zone, references),
        local_day=day,
        within_festival=not festival_days or day in festival_days,
    )


@dataclass(frozen=True)
class Occurrence:
    """One of the two moments a wall time in a fold names."""

    fold: int
    starts_at_utc: datetime
    label: str  # "01:30 in St Johns (UTC−02:30) = 04:00 UTC"


def occurrences(error: AmbiguousTimeError) -> tuple[Occurrence, Occurrence]:
    """The first and the second occurrence of the wall time, each with its own offset, so the
    two never read the same."""
    found: list[Occurrence] = []
    for fold, moment in enumerate((error.first, error.second)):
        instant = moment.astimezone(UTC)
        own = tz.organiser_time(instant, error.zone_name, "%H:%M", zone="offset")
        found.append(Occurrence(fold, instant, f"{own} = {instant:%H:%M} UTC"))
    return found[0], found[1]


def gap_choices(error: NonexistentTimeError) -> tuple[datetime, datetime]:
    """The nearest wall times that exist, before and after the gap (naive, in its zone)."""
    return error.last_before, error.first_after
