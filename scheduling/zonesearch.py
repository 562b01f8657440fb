"""Finding a time zone by what people know: a city, a country, a region ("Kathmandu",
"St John's", "India", "Newfoundland").

Built from the tz database the ``tzdata`` package ships (never the host's): every canonical
geographic zone with its city (the last part of its name), the countries it serves
(``zone1970.tab``, which lists every country a zone covers, and ``zone.tab``, one each) named
from ``iso3166.tab``, and the region comment of ``zone1970.tab``. Only zones
``scheduling.tz`` accepts for organisers are ever offered.
"""

from __future__ import annotations

import functools
import importlib.resources
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from scheduling import tz

MAX_RESULTS = 30  # the United States have 29 zones
#: What a search word must at least be, so that "a" does not list half the world.
MIN_QUERY = 2
#: Countries a label names before "and N more" (America/Puerto_Rico serves twenty).
LABEL_COUNTRIES = 2


@dataclass(frozen=True)
class Place:
    """One zone as people know it."""

    zone: str  # canonical IANA name
    city: str  # "St Johns"
    codes: tuple[str, ...]  # ISO 3166 country codes, the main one first
    countries: tuple[str, ...]  # their names, as iso3166.tab writes them
    region: str  # zone1970.tab's comment: "Newfoundland, Labrador (SE)"
    former: tuple[str, ...] = ()  # cities of its old names (Asia/Calcutta: "Calcutta")


@dataclass(frozen=True)
class ZoneMatch:
    """A place found, with its UTC offset at the instant asked about."""

    place: Place
    offset: str  # "UTC+05:45"

    @property
    def zone(self) -> str:
        return self.place.zone

    @property
    def label(self) -> str:
        """``Kathmandu, Nepal (UTC+05:45)``: what a picker shows for the zone."""
        countries = list(self.place.countries[:LABEL_COUNTRIES])
        if len(self.place.countries) > LABEL_COUNTRIES:
            countries[-1] += f" and {len(self.place.countries) - LABEL_COUNTRIES} more"
        where = ", ".join((self.place.city, *countries))
        if self.place.region:
            where += f" — {self.place.region}"
        return f"{where} ({self.offset})"


def normalise(text: str) -> str:
    """How names are compared: no case, accents, apostrophes or punctuation; "Saint" is "St".

    ``"St. John's"``, ``"saint johns"`` and ``"St_Johns"`` all become ``"st johns"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    kept = "".join(
        ch if ch.isalnum() else ("" if ch in "'’." else " ") for ch in plain.replace("_", " ")
    )
    words = ["st" if word == "saint" else word for word in kept.split()]
    return " ".join(words)


def _tab_rows(text: str) -> Iterable[list[str]]:
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def parse_places(
    zone1970_tab: str,
    zone_tab: str,
    iso3166_tab: str,
    canonical: Iterable[str],
    aliases: Mapping[str, str] | None = None,
) -> tuple[Place, ...]:
    """Every canonical zone as a Place, sorted by zone name (the parser behind ``places``).

    ``aliases`` maps old names to canonical ones (``Asia/Calcutta`` -> ``Asia/Kolkata``); the
    cities of those in a geographic area are kept as the zone's former names.
    """
    countries = {row[0]: row[1].strip() for row in _tab_rows(iso3166_tab)}
    codes: dict[str, list[str]] = {}
    regions: dict[str, str] = {}
    for row in _tab_rows(zone1970_tab):
        codes.setdefault(row[2], []).extend(row[0].split(","))
        if len(row) > 3:
            regions[row[2]] = row[3].strip()
    for row in _tab_rows(zone_tab):
        found = codes.setdefault(row[2], [])
        if row[0] not in found:
            found.append(row[0])
        if len(row) > 3:
            regions.setdefault(row[2], row[3].strip())
    former: dict[str, list[str]] = {}
    for alias, target in sorted((aliases or {}).items()):
        if alias.split("/", 1)[0] in tz.GEOGRAPHIC_AREAS:
            former.setdefault(target, []).append(_city(alias))
    return tuple(
        Place(
            zone=name,
            city=_city(name),
            codes=tuple(codes.get(name, [])),
            countries=tuple(countries.get(code, code) for code in codes.get(name, [])),
            region=regions.get(name, ""),
            former=tuple(city for city in former.get(name, []) if city != _city(name)),
        )
        for name in sorted(canonical)
    )


def _city(zone_name: str) -> str:
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def _read(name: str) -> str:
    return importlib.resources.files("tzdata.zoneinfo").joinpath(name).read_text("utf-8")


@functools.cache
def places() -> tuple[Place, ...]:
    """The bundled tz database's places, read once."""
    return parse_places(
        _read("zone1970.tab"),
        _read("zone.tab"),
        _read("iso3166.tab"),
        tz.canonical_zones(),
        tz.catalogue().aliases,
    )


def _rank(place: Place, query: str) -> int | None:
    """How well ``place`` answers ``query`` (lower is better), or None when it does not."""
    cities = [normalise(name) for name in (place.city, *place.former)]
    countries = [normalise(name) for name in place.countries]
    if query in cities:
        return 0
    if query in countries or query.upper() in place.codes:
        return 1
    if any(city.startswith(query) for city in cities):
        return 2
    if any(name.startswith(query) for name in countries):
        return 3
    words = " ".join([normalise(place.zone), normalise(place.region), *countries]).split()
    if any(word.startswith(query) for word in words) or query in cities[0]:
        return 4
    return None


def search(
    query: str, at: datetime, limit: int = MAX_RESULTS, among: Sequence[Place] | None = None
) -> list[ZoneMatch]:
    """The zones ``query`` names, best first (the city itself, then the country, then names
    starting with it, then any word of the zone, region or country), each with its offset at
    ``at``. A query that is itself a zone name (or an alias of one) finds that zone."""
    return [describe(place, at) for _, _, place in _ranked(query, among)[:limit]]


def resolve(query: str, at: datetime, among: Sequence[Place] | None = None) -> list[ZoneMatch]:
    """What a name typed into a picker means: the zones ``search`` ranks best, all of them
    (``India``: Asia/Kolkata alone; ``St John``: Newfoundland; ``Argentina``: its twelve zones,
    for the person to choose from). Empty when nothing matches."""
    return resolve_ranked(query, at, among)[1]


def resolve_ranked(
    query: str, at: datetime, among: Sequence[Place] | None = None
) -> tuple[int | None, list[ZoneMatch]]:
    """``resolve`` with how well the matches match (lower is better; ``None``: no match), to
    choose between searches of the same query among differently named places."""
    ranked = _ranked(query, among)
    if not ranked:
        return None, []
    best = [place for rank, _, place in ranked if rank == ranked[0][0]]
    return ranked[0][0], [describe(place, at) for place in best[:MAX_RESULTS]]


def _ranked(query: str, among: Sequence[Place] | None) -> list[tuple[int, str, Place]]:
    wanted = normalise(query)
    if len(wanted) < MIN_QUERY:
        return []
    pool = places() if among is None else among
    exact = tz.canonical_name(query) if tz.is_valid_zone(query) else None
    ranked: list[tuple[int, str, Place]] = []
    for place in pool:
        rank = -1 if place.zone == exact else _rank(place, wanted)
        if rank is not None:
            ranked.append((rank, place.city, place))
    ranked.sort(key=lambda item: (item[0], item[1], item[2].zone))
    return ranked


def describe(place: Place, at: datetime) -> ZoneMatch:
    """The place with its UTC offset at ``at`` (an aware instant)."""
    return ZoneMatch(place, tz.utc_offset_label(tz.localize(at, place.zone)))


@functools.cache
def _by_zone() -> dict[str, Place]:
    return {place.zone: place for place in places()}


def place_of(zone_name: str) -> Place:
    """The Place of a zone name (aliases included); UnknownZoneError for anything else."""
    return _by_zone()[tz.canonical_name(zone_name)]
