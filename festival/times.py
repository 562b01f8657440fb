"""How instants, days and durations are written for people: every time shown says its zone.

In English the texts are the site's own (``Sun 24 Jan, 14:00 Kathmandu (UTC+05:45)``, kept
byte for byte); in any other language dates, month and day names and zone cities come from CLDR
through Babel (``dim. 24 janv., 14:00 Katmandou (UTC+05:45)``). The offset is always written
``UTC±hh:mm``: it reads the same in every language.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from typing import Literal

from babel.dates import format_date, format_datetime, get_timezone_location

from festival.i18n import DEFAULT, babel_locale, current_locale, ngettext
from festival.i18n import gettext as _
from festival.viewer import UTC_ZONE, localize
from scheduling import tz, zonesearch
from scheduling.errors import UnknownZoneError

#: strftime directives the templates use, as CLDR pattern fields.
_CLDR_FIELDS = {
    "a": "EEE",
    "A": "EEEE",
    "d": "dd",
    "b": "MMM",
    "B": "MMMM",
    "m": "MM",
    "Y": "y",
    "H": "HH",
    "M": "mm",
    "S": "ss",
}


@cache
def cldr_pattern(strftime: str) -> str:
    """``%a %d %b, %H:%M`` as a CLDR pattern (``EEE dd MMM, HH:mm``); other text quoted."""
    out: list[str] = []
    for token in re.split(r"(%.)", strftime):
        if token.startswith("%") and len(token) == 2:
            out.append(_CLDR_FIELDS.get(token[1], ""))
        elif token:
            out.append(
                re.sub(r"([A-Za-z']+)", lambda m: "'" + m.group(1).replace("'", "''") + "'", token)
            )
    return "".join(out)


def _english() -> bool:
    return current_locale() == DEFAULT


def zone_city(zone_name: str) -> str:
    """``Kathmandu``, ``St Johns``: the zone's city as ``scheduling.zonesearch`` names it (in
    English); CLDR's exemplar city in other languages (``Katmandou``)."""
    if zone_name == UTC_ZONE:
        return UTC_ZONE
    if not _english():
        return _cldr_city(zone_name, current_locale())
    try:
        return zonesearch.place_of(zone_name).city
    except (KeyError, UnknownZoneError):  # a zone tzdata knows but zonesearch does not list
        return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def city_name(zone_name: str) -> str:
    """The city a zone is named after: ``St Johns`` (tz's own name) in English, CLDR's
    exemplar city in other languages (``Saint-Jean de Terre-Neuve``)."""
    if _english():
        return tz.city_name(zone_name)
    return _cldr_city(zone_name, current_locale())


@cache
def _cldr_city(zone_name: str, locale: str) -> str:
    try:
        city: str = get_timezone_location(
            tz.canonical_name(zone_name), locale=babel_locale(), return_city=True
        )
    except (LookupError, UnknownZoneError):
        return zone_name.rsplit("/", 1)[-1].replace("_", " ")
    return city


def local_zone_label(local: datetime, zone_name: str) -> str:
    """The one way pages name a zone: ``Kathmandu (UTC+05:45)`` (the offset of ``local``, an
    aware time in the zone); plain ``UTC`` stays ``UTC``."""
    if zone_name == UTC_ZONE:
        return UTC_ZONE
    return f"{zone_city(zone_name)} ({tz.utc_offset_label(local)})"


def format_time(instant: datetime, zone_name: str, pattern: str = "%a %d %b, %H:%M") -> str:
    """``Sun 24 Jan, 14:00 Nairobi (UTC+03:00)``: the instant in ``zone_name``, zone named."""
    local = localize(instant, zone_name)
    return f"{local_strftime(local, pattern)} {local_zone_label(local, zone_name)}"


def local_strftime(local: datetime, pattern: str) -> str:
    """``local.strftime(pattern)`` in English; the CLDR equivalent in other languages."""
    if _english():
        return local.strftime(pattern)
    return format_datetime(local, cldr_pattern(pattern), locale=babel_locale())


def organiser_time(
    instant: datetime,
    zone_name: str,
    when: str = "%H:%M",
    zone: Literal["", "offset", "name"] = "",
) -> str:
    """``tz.organiser_time`` (``09:00 in Kathmandu (UTC+05:45)``) in English; in other
    languages the same sentence with CLDR's day, month and city names
    (``dim. 24 janv., 09:00, heure de Katmandou (UTC+05:45)``)."""
    if _english():
        return tz.organiser_time(instant, zone_name, when, zone)
    local = localize(instant, zone_name)
    parts = [local_strftime(local, part) if part else "" for part in when.split("{label}")]
    wall = tz.zone_label(local).join(parts)
    text = _("%(time)s in %(city)s", time=wall, city=city_name(zone_name))
    if zone == "offset":
        text += f" ({tz.utc_offset_label(local)})"
    elif zone == "name":
        text += f" ({zone_name})"
    return text


def format_clock(instant: datetime, zone_name: str) -> str:
    """``14:00 Nairobi (UTC+03:00)``."""
    return format_time(instant, zone_name, "%H:%M")


def format_range(start: datetime, end: datetime, zone_name: str) -> str:
    """``Sun 24 Jan, 14:00–15:30 EAT`` (both dates when it crosses midnight)."""
    first, last = localize(start, zone_name), localize(end, zone_name)
    if first.date() == last.date() and first.utcoffset() == last.utcoffset():
        day = local_strftime(first, "%a %d %b, %H:%M")
        return f"{day}–{local_strftime(last, '%H:%M')} {local_zone_label(last, zone_name)}"
    return f"{format_time(start, zone_name)} – {format_time(end, zone_name)}"


def iso_utc(instant: datetime) -> str:
    """``2027-01-24T12:00:00Z`` (for ``<time datetime>`` and the API)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def month_day(day: date) -> str:
    """``January 24`` (``24 janvier``)."""
    if not _english():
        return format_date(day, "d MMMM", locale=babel_locale())
    return f"{day:%B} {day.day}"


def long_day(day: date) -> str:
    """``Sunday 24 January 2027`` (``dimanche 24 janvier 2027``)."""
    if not _english():
        return format_date(day, "EEEE d MMMM y", locale=babel_locale())
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
        return ngettext("%(num)s day", "%(num)s days", minutes // (24 * 60))
    return duration_text(minutes) if minutes else _("less than a minute")
