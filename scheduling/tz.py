"""Time zones: the one module that turns an organiser's wall time into UTC.

Policy (the product's promise: no silent shifting, ever):

* Zones come from the ``tzdata`` package, never from the host's /usr/share/zoneinfo, so every
  host computes the same instants for the same tzdata version (``TZDATA_VERSION``).
* Only canonical geographic IANA zones are accepted (``Europe/Paris``). Deprecated aliases
  (``Asia/Calcutta``, ``US/Eastern``) are normalised to their canonical name. ``Etc/GMT+5``,
  ``EST5EDT``, ``UTC`` and Windows names (``Romance Standard Time``) are refused: an organiser
  is somewhere on Earth, and a fixed offset would silently drift when DST starts.
* A wall time inside a DST gap raises :class:`NonexistentTimeError` naming the nearest valid
  times; a wall time inside a DST fold raises :class:`AmbiguousTimeError` unless the caller says
  which occurrence (``fold=0`` first, ``fold=1`` second, as in PEP 495).
"""

from __future__ import annotations

import functools
import importlib.resources
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import tzdata  # type: ignore[import-untyped]  # ships no type hints

from scheduling.errors import AmbiguousTimeError, NonexistentTimeError, UnknownZoneError

TZDATA_VERSION: str = tzdata.IANA_VERSION

#: Areas of the geographic zones (tz ``zone1970.tab`` areas); everything else is legacy or Etc.
GEOGRAPHIC_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@dataclass(frozen=True)
class ZoneCatalogue:
    """What the bundled tz database says about zone names."""

    canonical: frozenset[str]
    aliases: dict[str, str]
    country_of: dict[str, str]


def _read_tzdata_text(name: str) -> str:
    return importlib.resources.files("tzdata.zoneinfo").joinpath(name).read_text("utf-8")


@functools.cache
def catalogue() -> ZoneCatalogue:
    """The bundled tz database's catalogue, parsed once."""
    return parse_catalogue(_read_tzdata_text("tzdata.zi"), _read_tzdata_text("zone.tab"))


def parse_catalogue(tzdata_zi: str, zone_tab: str) -> ZoneCatalogue:
    """Parse ``tzdata.zi`` (zones and links) and ``zone.tab`` (country zones)."""
    zones: set[str] = set()
    links: dict[str, str] = {}
    for line in tzdata_zi.splitlines():
        if line.startswith("Z "):
            zones.add(line.split()[1])
        elif line.startswith("L "):
            _, target, alias = line.split()[:3]
            links[alias] = target
    country_of: dict[str, str] = {}
    for line in zone_tab.splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            country_of[fields[2]] = fields[0]
    # A name listed in zone.tab is a country's zone even when the compact build made it a
    # link (Europe/Amsterdam -> Europe/Brussels since 2022b): a Dutch organiser keeps
    # "Europe/Amsterdam". Only the remaining links are deprecated aliases.
    canonical = {
        name
        for name in zones | set(country_of)
        if name.split("/", 1)[0] in GEOGRAPHIC_AREAS and "/" in name
    }
    aliases: dict[str, str] = {}
    for alias, target in links.items():
        # Only Area/Location aliases (Asia/Calcutta, US/Eastern) are normalised. Slash-less
        # legacy links are abbreviations or countries, not places (CET -> Europe/Brussels and
        # EST -> America/Panama since 2024b): refuse them rather than guess.
        if alias in canonical or "/" not in alias or alias.startswith("Etc/"):
            continue
        while target in links and target not in canonical:
            target = links[target]
        if target in canonical:
            aliases[alias] = target
    return ZoneCatalogue(frozenset(canonical), aliases, country_of)


def canonical_zones() -> list[str]:
    """Every canonical geographic zone name, sorted."""
    return sorted(catalogue().canonical)


def canonical_name(zone_name: str) -> str:
    """Return the canonical name of ``zone_name`` or raise :class:`UnknownZoneError`."""
    name = zone_name.strip()
    cat = catalogue()
    if name in cat.canonical:
        return name
    if name in cat.aliases:
        return cat.aliases[name]
    if not name:
        raise UnknownZoneError(zone_name, "no zone given", "empty")
    if name.startswith("Etc/") or name in {"UTC", "GMT", "Zulu", "Universal", "Greenwich"}:
        raise UnknownZoneError(
            zone_name,
            "fixed offsets are not accepted; give a place such as Europe/Paris",
            "fixed_offset",
        )
    if " " in name:
        raise UnknownZoneError(
            zone_name,
            "this looks like a Windows zone name; give an IANA name such as Asia/Tokyo",
            "windows_name",
        )
    if name in cat.country_of or "/" not in name:
        raise UnknownZoneError(
            zone_name, "not a geographic zone; give a name such as Asia/Tokyo", "not_geographic"
        )
    raise UnknownZoneError(
        zone_name, "not in the tz database; give a name such as Asia/Tokyo", "not_in_tzdb"
    )


@functools.cache
def _load(name: str) -> ZoneInfo:
    parts = name.split("/")
    resource = importlib.resources.files("tzdata.zoneinfo").joinpath(*parts)
    with resource.open("rb") as fh:
        return ZoneInfo.from_file(fh, key=name)


def zone(zone_name: str) -> ZoneInfo:
    """The ZoneInfo for a (canonicalised) zone name, read from the tzdata package."""
    return _load(canonical_name(zone_name))


def country_of(zone_name: str) -> str | None:
    """ISO 3166 country code for a zone listed in zone.tab, else None."""
    return catalogue().country_of.get(canonical_name(zone_name))


def is_valid_zone(zone_name: str) -> bool:
    try:
        canonical_name(zone_name)
    except UnknownZoneError:
        return False
    return True


def _offset_at(z: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(z).utcoffset()
    assert offset is not None
    return offset


def to_utc(wall: datetime, zone_name: str, fold: int | None = None) -> datetime:
    """Turn an organiser's naive wall time in ``zone_name`` into an aware UTC datetime.

    ``fold`` must be given (0 = first, 1 = second occurrence) when the wall time is ambiguous;
    it is ignored otherwise. Raises NonexistentTimeError for wall times inside a DST gap.
    """
    if wall.tzinfo is not None:
        raise ValueError("to_utc takes the naive wall time as entered, not an aware datetime")
    if fold not in (None, 0, 1):
        raise ValueError("fold must be 0 (first occurrence), 1 (second) or None")
    z = zone(zone_name)
    name = canonical_name(zone_name)
    first = wall.replace(tzinfo=z, fold=0)
    second = wall.replace(tzinfo=z, fold=1)
    off_first = first.utcoffset()
    off_second = second.utcoffset()
    assert off_first is not None and off_second is not None
    if off_first == off_second:
        return first.astimezone(UTC)
    utc_first = (wall - off_first).replace(tzinfo=UTC)
    utc_second = (wall - off_second).replace(tzinfo=UTC)
    if utc_first.astimezone(z).replace(tzinfo=None) != wall:
        # In a gap (PEP 495: fold=0 uses the offset before the transition, which lands later).
        transition = _transition_between(z, min(utc_first, utc_second), max(utc_first, utc_second))
        before = _offset_at(z, transition - timedelta(seconds=1))
        after = _offset_at(z, transition)
        last_before = (transition + before - timedelta(minutes=1)).replace(tzinfo=None)
        first_after = (transition + after).replace(tzinfo=None)
        raise NonexistentTimeError(wall, name, last_before, first_after)
    if fold is None:
        raise AmbiguousTimeError(
            wall, name, utc_first.astimezone(z), utc_second.astimezone(z).replace(fold=1)
        )
    return utc_first if fold == 0 else utc_second


def _transition_between(z: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """First instant in (low, high] whose offset differs from the offset at ``low``.

    The tz database times transitions to the second, so the search runs over whole seconds.
    """
    base = _offset_at(z, low)
    lo, hi = math.floor(low.timestamp()), math.ceil(high.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset_at(z, datetime.fromtimestamp(mid, UTC)) == base:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)


def to_wall(instant: datetime, zone_name: str) -> datetime:
    """An aware instant as a naive wall time in ``zone_name`` (with its PEP 495 fold)."""
    if instant.tzinfo is None:
        raise ValueError("to_wall needs an aware datetime")
    return instant.astimezone(zone(zone_name)).replace(tzinfo=None)


def localize(instant: datetime, zone_name: str) -> datetime:
    """An aware instant converted to ``zone_name`` (a viewer zone: ``UTC`` allowed)."""
    if instant.tzinfo is None:
        raise ValueError("localize needs an aware datetime")
    if zone_name == VIEWER_UTC:
        return instant.astimezone(UTC)
    return instant.astimezone(zone(zone_name))


#: A viewer may read the programme in plain UTC; an organiser is always somewhere on Earth.
VIEWER_UTC = "UTC"


def viewer_zone_name(zone_name: str) -> str:
    """The canonical zone for a viewer: ``UTC`` or a canonical geographic zone.

    Raises :class:`UnknownZoneError` for anything else (``Etc/GMT+5``, Windows names, typos).
    """
    if zone_name.strip().upper() == VIEWER_UTC:
        return VIEWER_UTC
    return canonical_name(zone_name)


def utc_offset_label(moment: datetime) -> str:
    """``UTC+05:45`` style label for an aware datetime (``UTC`` for zero)."""
    delta = moment.utcoffset()
    if delta is None:
        raise ValueError("utc_offset_label needs an aware datetime")
    minutes = int(delta.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def zone_label(moment: datetime) -> str:
    """What to print after a time: the abbreviation when it is a real one, else the offset.

    tzdata writes numeric abbreviations (``+0545``) for zones without a customary one; those
    read better as ``UTC+05:45``.
    """
    abbrev = moment.tzname() or ""
    if not abbrev or abbrev[0] in "+-":
        return utc_offset_label(moment)
    return abbrev


def city_name(zone_name: str) -> str:
    """``America/Argentina/Buenos_Aires`` -> ``Buenos Aires``."""
    return canonical_name(zone_name).rsplit("/", 1)[-1].replace("_", " ")


def organiser_time(
    instant: datetime, zone_name: str, when: str = "%H:%M", zone: Literal["", "offset", "name"] = ""
) -> str:
    """The organiser's own time, the one sentence for it: ``09:00 in Kathmandu (UTC+05:45)``.

    ``when`` is the strftime pattern of the wall time, where ``{label}`` stands for the zone's
    label (``09:00 CET``); ``zone`` adds the UTC offset or the zone's name in brackets.
    """
    local = localize(instant, zone_name)
    text = local.strftime(when).replace("{label}", zone_label(local))
    text += f" in {city_name(zone_name)}"
    if zone == "offset":
        text += f" ({utc_offset_label(local)})"
    elif zone == "name":
        text += f" ({zone_name})"
    return text


def region_of(zone_name: str) -> str:
    """Broad region for the follow-the-sun picture."""
    area = canonical_name(zone_name).split("/", 1)[0]
    return {
        "America": "Americas",
        "Atlantic": "Africa & Atlantic",
        "Africa": "Africa & Atlantic",
        "Indian": "Asia",
        "Australia": "Oceania",
        "Pacific": "Oceania",
        "Arctic": "Europe",
    }.get(area, area)


REGIONS: tuple[str, ...] = (
    "Oceania",
    "Asia",
    "Europe",
    "Africa & Atlantic",
    "Americas",
    "Antarctica",
)
