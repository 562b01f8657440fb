"""How instants, days and durations are written for people: every time shown says its zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from festival.viewer import UTC_ZONE, localize
from scheduling import tz, zonesearch
from scheduling.errors import UnknownZoneError


def zone_city(zone_name: str) -> str:
    """``Kathmandu``, ``St Johns``: the zone's city as ``scheduling.zonesearch`` names it."""
    if zone_name == UTC_ZONE:
        return UTC_ZONE
    try:
        return zonesearch.place_of(zone_name).city
    except (KeyError, UnknownZoneError):  # a zone tzdata knows but zonesearch does not list
        return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def local_zone_label(local: datetime, zone_name: str) -> str:
    """The one way pages name a zone: ``Kathmandu (UTC+05:45)`` (the offset of ``local``, an
    aware time in the zone); plain ``UTC`` stays ``UTC``."""
    if zone_name == UTC_ZONE:
        return UTC_ZONE
    return f"{zone_city(zone_name)} ({tz.utc_offset_label(local)})"


def format_time(instant: datetime, zone_name: str, pattern: str = "%a %d %b, %H:%M") -> str:
    """``Sun 24 Jan, 14:00 Nairobi (UTC+03:00)``: the instant in ``zone_name``, zone named."""
    local = localize(instant, zone_name)
    return f"{local.strftime(pattern)} {local_zone_label(local, zone_name)}"


def format_clock(instant: datetime, zone_name: str) -> str:
    """``14:00 Nairobi (UTC+03:00)``."""
    return format_time(instant, zone_name, "%H:%M")


def format_range(start: datetime, end: datetime, zone_name: str) -> str:
    """``Sun 24 Jan, 14:00–15:30 EAT`` (both dates when it crosses midnight)."""
    first, last = localize(start, zone_name), localize(end, zone_name)
    if first.date() == last.date() and first.utcoffset() == last.utcoffset():
        return f"{first:%a %d %b, %H:%M}–{last:%H:%M} {local_zone_label(last, zone_name)}"
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
    """``Kathmandu (UTC+05:45)``: the zone's one label at ``at``; plain ``UTC`` stays ``UTC``."""
    return local_zone_label(localize(at, zone_name), zone_name)


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
