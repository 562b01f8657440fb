"""How instants, days and durations are written for people: every time shown says its zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from festival.viewer import UTC_ZONE, localize
from scheduling import tz


def format_time(instant: datetime, zone_name: str, pattern: str = "%a %d %b, %H:%M") -> str:
    """``Sun 24 Jan, 14:00 EAT``: the instant in ``zone_name``, with the zone's label."""
    local = localize(instant, zone_name)
    return f"{local.strftime(pattern)} {tz.zone_label(local)}"


def format_clock(instant: datetime, zone_name: str) -> str:
    """``14:00 EAT``."""
    return format_time(instant, zone_name, "%H:%M")


def format_range(start: datetime, end: datetime, zone_name: str) -> str:
    """``Sun 24 Jan, 14:00–15:30 EAT`` (both dates when it crosses midnight)."""
    first, last = localize(start, zone_name), localize(end, zone_name)
    if first.date() == last.date() and tz.zone_label(first) == tz.zone_label(last):
        return f"{first:%a %d %b, %H:%M}–{last:%H:%M} {tz.zone_label(last)}"
    return f"{format_time(start, zone_name)} – {format_time(end, zone_name)}"


def iso_utc(instant: datetime) -> str:
    """``2027-01-24T12:00:00Z`` (for ``<time datetime>`` and the API)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def month_day(day: date) -> str:
    """``January 24``."""
    return f"{day:%B} {day.day}"


def long_day(day: date) -> str:
    """``Sunday 24 January 2027``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def zone_offset(zone_name: str, at: datetime) -> str:
    """``UTC+05:45`` for a zone at an instant."""
    return tz.utc_offset_label(localize(at, zone_name))


def zone_title(zone_name: str, at: datetime) -> str:
    """``Asia/Kathmandu (UTC+05:45)``; plain ``UTC`` stays ``UTC``."""
    if zone_name == UTC_ZONE:
        return UTC_ZONE
    return f"{zone_name.replace('_', ' ')} ({zone_offset(zone_name, at)})"


def duration_text(minutes: int) -> str:
    """``45 min``, ``1 h``, ``1 h 30 min``."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def hours_text(hours: float) -> str:
    """A length of time for people: ``37 h 15 min``, or ``12 days`` when far away."""
    minutes = int(hours * 60)
    if minutes >= 72 * 60:
        return f"{minutes // (24 * 60)} days"
    return duration_text(minutes) if minutes else "less than a minute"
