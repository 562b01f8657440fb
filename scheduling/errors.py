"""Errors raised by the scheduling core.

SchedulingError
 ├── UnknownZoneError        time.unknown_zone
 ├── NonexistentTimeError    time.nonexistent   (a wall time inside a DST gap)
 ├── AmbiguousTimeError      time.ambiguous     (a wall time inside a DST fold)
 ├── OutsideFestivalError    time.outside_festival
 └── FilterError             filter.invalid

Each carries a stable ``code``; the application edge maps codes to HTTP statuses.
"""

from __future__ import annotations

from datetime import datetime, timedelta


class SchedulingError(Exception):
    """Root of every error the scheduling core raises."""

    code = "scheduling.error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownZoneError(SchedulingError):
    """The name is not a canonical geographic IANA zone (nor an alias of one)."""

    code = "time.unknown_zone"

    def __init__(self, zone_name: str, reason: str) -> None:
        super().__init__(f"{zone_name!r} is not a usable time zone: {reason}")
        self.zone_name = zone_name


class NonexistentTimeError(SchedulingError):
    """The wall time falls in a DST gap: clocks skip it."""

    code = "time.nonexistent"

    def __init__(
        self, wall: datetime, zone_name: str, last_before: datetime, first_after: datetime
    ) -> None:
        super().__init__(
            f"{wall:%Y-%m-%d %H:%M} does not exist in {zone_name}: at "
            f"{last_before + timedelta(minutes=1):%H:%M} clocks jump forward to "
            f"{first_after:%H:%M} that night. "
            f"Choose {last_before:%H:%M} or earlier, or {first_after:%H:%M} or later."
        )
        self.wall = wall
        self.zone_name = zone_name
        self.last_before = last_before
        self.first_after = first_after


class AmbiguousTimeError(SchedulingError):
    """The wall time happens twice (DST fold); the caller must choose an occurrence."""

    code = "time.ambiguous"

    def __init__(self, wall: datetime, zone_name: str, first: datetime, second: datetime) -> None:
        super().__init__(
            f"{wall:%Y-%m-%d %H:%M} happens twice in {zone_name} when clocks go back: "
            f"first at UTC{_offset(first)}, then again at UTC{_offset(second)}. "
            "Say which one you mean (fold 0 = the first, fold 1 = the second)."
        )
        self.wall = wall
        self.zone_name = zone_name
        self.first = first
        self.second = second


class OutsideFestivalError(SchedulingError):
    """A date or time outside the festival edition's dates."""

    code = "time.outside_festival"


class FilterError(SchedulingError):
    """A programme filter that cannot be understood."""

    code = "filter.invalid"


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset()
    assert delta is not None
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"
