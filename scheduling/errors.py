"""Errors raised by the scheduling core.

SchedulingError
 ├── UnknownZoneError        time.unknown_zone
 ├── NonexistentTimeError    time.nonexistent   (a wall time inside a DST gap)
 ├── AmbiguousTimeError      time.ambiguous     (a wall time inside a DST fold)
 ├── OutsideFestivalError    time.outside_festival
 └── FilterError             filter.invalid

Each carries a stable ``code``; the application edge maps codes to HTTP statuses. The message is
English; ``kind`` (stable, finer than the code) and ``params`` say the same as data, so that the
application edge can say it in its reader's language (festival/scheduling_text.py). An empty
``kind``: the message was written by the caller (already in its reader's language).
"""

from __future__ import annotations

from datetime import datetime, timedelta


class SchedulingError(Exception):
    """Root of every error the scheduling core raises."""

    code = "scheduling.error"

    def __init__(self, message: str, kind: str = "", **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.params = params


class UnknownZoneError(SchedulingError):
    """The name is not a canonical geographic IANA zone (nor an alias of one)."""

    code = "time.unknown_zone"

    def __init__(self, zone_name: str, reason: str, kind: str = "") -> None:
        super().__init__(f"{zone_name!r} is not a usable time zone: {reason}", kind, zone=zone_name)
        self.zone_name = zone_name


class NonexistentTimeError(SchedulingError):
    """The wall time falls in a DST gap: clocks skip it."""

    code = "time.nonexistent"

    def __init__(
        self, wall: datetime, zone_name: str, last_before: datetime, first_after: datetime
    ) -> None:
        params = {
            "wall": f"{wall:%Y-%m-%d %H:%M}",
            "zone": zone_name,
            "jump": f"{last_before + timedelta(minutes=1):%H:%M}",
            "after": f"{first_after:%H:%M}",
            "before": f"{last_before:%H:%M}",
        }
        super().__init__(
            "{wall} does not exist in {zone}: at {jump} clocks jump forward to {after} that night. "
            "Choose {before} or earlier, or {after} or later.".format(**params),
            "nonexistent",
            **params,
        )
        self.wall = wall
        self.zone_name = zone_name
        self.last_before = last_before
        self.first_after = first_after


class AmbiguousTimeError(SchedulingError):
    """The wall time happens twice (DST fold); the caller must choose an occurrence."""

    code = "time.ambiguous"

    def __init__(self, wall: datetime, zone_name: str, first: datetime, second: datetime) -> None:
        params = {
            "wall": f"{wall:%Y-%m-%d %H:%M}",
            "zone": zone_name,
            "first": _offset(first),
            "second": _offset(second),
        }
        super().__init__(
            "{wall} happens twice in {zone} when clocks go back: first at UTC{first}, then again "
            "at UTC{second}. Say which one you mean (fold 0 = the first, fold 1 = the second)."
            "".format(**params),
            "ambiguous",
            **params,
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
