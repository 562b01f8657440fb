"""The festival "local day" and the global window it spans.

A session belongs to a festival date when its local start date, in its own organiser's zone, is
that date. "January 24 somewhere on Earth" therefore starts at local midnight in the earliest
geographic zone (UTC+14, Pacific/Kiritimati) and ends at local midnight in the latest one
(UTC−11, Pacific/Pago_Pago): about 49 hours of UTC time. Both ends are derived from the tz
database at that date, never hard-coded, so a country moving its clocks moves the window.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from scheduling import tz
from scheduling.errors import NonexistentTimeError


@dataclass(frozen=True)
class Window:
    """The UTC span during which ``day`` is the local date somewhere on Earth."""

    day: date
    starts_at_utc: datetime
    ends_at_utc: datetime
    first_zone: str  # a zone where the day starts first (largest UTC offset)
    last_zone: str  # a zone where the day ends last (smallest UTC offset)

    @property
    def length_hours(self) -> float:
        return (self.ends_at_utc - self.starts_at_utc).total_seconds() / 3600

    def contains(self, instant: datetime) -> bool:
        return self.starts_at_utc <= instant < self.ends_at_utc


def local_midnight_utc(day: date, zone_name: str) -> datetime:
    """The instant the local ``day`` begins in ``zone_name``.

    Some zones skip midnight on a DST night (America/Santiago, Asia/Beirut); the day then begins
    at the first wall time that exists.
    """
    try:
        return tz.to_utc(datetime.combine(day, time(0, 0)), zone_name, fold=0)
    except NonexistentTimeError as gap:
        return tz.to_utc(gap.first_after, zone_name, fold=0)


@functools.lru_cache(maxsize=64)
def window_for(day: date) -> Window:
    """The global window of ``day`` across every canonical geographic zone."""
    starts: list[tuple[datetime, str]] = []
    ends: list[tuple[datetime, str]] = []
    for name in tz.canonical_zones():
        starts.append((local_midnight_utc(day, name), name))
        ends.append((local_midnight_utc(day + timedelta(days=1), name), name))
    start, first_zone = min(starts)
    end, last_zone = max(ends)
    return Window(day, start, end, first_zone, last_zone)


def window_for_dates(days: list[date]) -> Window:
    """The window covering several consecutive festival dates (first start, last end)."""
    if not days:
        raise ValueError("a festival has at least one date")
    first = window_for(min(days))
    last = window_for(max(days))
    return Window(
        first.day, first.starts_at_utc, last.ends_at_utc, first.first_zone, last.last_zone
    )


def local_date(instant: datetime, zone_name: str) -> date:
    """The calendar date of ``instant`` in ``zone_name``."""
    return tz.localize(instant, zone_name).date()


def belongs_to(starts_at_utc: datetime, zone_name: str, days: list[date]) -> bool:
    """The local-day rule: the session's local start date in its own zone is a festival date."""
    return local_date(starts_at_utc, zone_name) in days


@dataclass(frozen=True)
class DayStatus:
    """What the live banner says: where on Earth it is ``day`` right now."""

    day: date
    zones: int  # canonical geographic zones whose local date is ``day``
    offsets: int  # distinct UTC offsets among them
    hours_left: float  # until the day ends everywhere (0 once over)
    hours_until_start: float  # until the day begins somewhere (0 once begun)
    window: Window

    @property
    def is_on(self) -> bool:
        return self.zones > 0


def day_status(day: date, now: datetime) -> DayStatus:
    """How many zones are on ``day`` at ``now`` and how long is left."""
    if now.tzinfo is None:
        raise ValueError("now must be aware")
    window = window_for(day)
    zones = 0
    offsets: set[timedelta] = set()
    if window.contains(now):
        for name in tz.canonical_zones():
            local = tz.localize(now, name)
            if local.date() == day:
                zones += 1
                offset = local.utcoffset()
                assert offset is not None
                offsets.add(offset)
    hours_left = max(0.0, (window.ends_at_utc - now).total_seconds() / 3600)
    until = max(0.0, (window.starts_at_utc - now).total_seconds() / 3600)
    return DayStatus(day, zones, len(offsets), hours_left, until, window)


def viewer_days(window: Window, zone_name: str) -> list[date]:
    """The local dates, in a viewer's zone, that the window touches (ascending)."""
    first = local_date(window.starts_at_utc, zone_name)
    last = local_date(window.ends_at_utc - timedelta(microseconds=1), zone_name)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
