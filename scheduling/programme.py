"""Programme queries for a viewer: filters, live now, starting soon, day grouping, coverage.

Everything here is pure: slots in, slots out. "Now" and the viewer's zone are arguments.
Only published sessions are ever *live* or *starting soon* or counted in the coverage; the
filters themselves do not look at the status (a programme page may show cancelled sessions
struck through, the caller decides).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from scheduling import tz, vocabulary
from scheduling.errors import FilterError, OutsideFestivalError
from scheduling.slots import Slot
from scheduling.vocabulary import SessionStatus
from scheduling.window import Window, viewer_days

FILTER_PARAMS: tuple[str, ...] = (
    "kind",
    "lang",
    "audience",
    "sdg",
    "org",
    "country",
    "q",
    "from",
    "to",
    "day",
)
MAX_TEXT_LENGTH = 200

_LANGUAGE = re.compile(r"[a-z]{2,3}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,119}")
_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Filters:
    """What a viewer asked to see. Empty sets mean "no restriction"."""

    kinds: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()
    sdgs: frozenset[int] = frozenset()
    organisations: frozenset[str] = frozenset()  # organisation slugs
    countries: frozenset[str] = frozenset()  # ISO 3166 alpha-2, upper case
    text: str = ""  # every word must appear in title, summary, organisation or hosts
    between: tuple[time, time] | None = None  # viewer-local start time, inclusive, may wrap
    day: date | None = None  # viewer-local date of the start

    def is_empty(self) -> bool:
        return self == Filters()

    def to_query(self) -> list[tuple[str, str]]:
        """Query parameters that :func:`parse_filters` turns back into these filters."""
        query: list[tuple[str, str]] = []
        query += [("kind", k) for k in sorted(self.kinds)]
        query += [("lang", lang) for lang in sorted(self.languages)]
        query += [("audience", a) for a in sorted(self.audiences)]
        query += [("sdg", str(n)) for n in sorted(self.sdgs)]
        query += [("org", o) for o in sorted(self.organisations)]
        query += [("country", c) for c in sorted(self.countries)]
        if self.text:
            query.append(("q", self.text))
        if self.between is not None:
            query.append(("from", f"{self.between[0]:%H:%M}"))
            query.append(("to", f"{self.between[1]:%H:%M}"))
        if self.day is not None:
            query.append(("day", self.day.isoformat()))
        return query


# -- parsing ------------------------------------------------------------------------------------


def _raw(params: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """Every value given for ``name``.

    Also takes a multi-dict with ``getlist`` (Starlette's QueryParams), whose ``get`` would
    return only the last of repeated values.
    """
    getlist = getattr(params, "getlist", None)
    raw = getlist(name) if callable(getlist) else params.get(name, ())
    if isinstance(raw, str):
        raw = [raw]
    return [str(value) for value in raw]


def _values(params: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """All non-empty values of ``name``, splitting comma-separated lists."""
    out: list[str] = []
    for value in _raw(params, name):
        out += [part.strip() for part in value.split(",") if part.strip()]
    return out


def _single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    """The one value of a parameter that may not repeat (commas are not split)."""
    values = [v.strip() for v in _raw(params, name) if v.strip()]
    if len(values) > 1:
        raise FilterError(
            f"Parameter {name!r} may be given only once (got {len(values)} values).",
            "repeated",
            name=name,
            count=len(values),
        )
    return values[0] if values else None


def _choice(
    params: Mapping[str, Sequence[str]], name: str, allowed: tuple[str, ...]
) -> frozenset[str]:
    chosen = frozenset(v.lower() for v in _values(params, name))
    unknown = sorted(chosen - set(allowed))
    if unknown:
        raise FilterError(
            f"Unknown {name} {', '.join(map(repr, unknown))}; "
            f"allowed values: {', '.join(allowed)}.",
            "unknown_value",
            name=name,
            values=", ".join(map(repr, unknown)),
            allowed=", ".join(allowed),
        )
    return chosen


def _matching(
    params: Mapping[str, Sequence[str]],
    name: str,
    normalise: Callable[[str], str],
    pattern: re.Pattern[str],
    allowed: str,
    kind: str,
) -> frozenset[str]:
    chosen = frozenset(normalise(v) for v in _values(params, name))
    bad = sorted(v for v in chosen if not pattern.fullmatch(v))
    if bad:
        raise FilterError(
            f"Invalid {name} {', '.join(map(repr, bad))}; expected {allowed}.",
            kind,
            name=name,
            values=", ".join(map(repr, bad)),
        )
    return chosen


def _sdgs(params: Mapping[str, Sequence[str]]) -> frozenset[int]:
    numbers: set[int] = set()
    for value in _values(params, "sdg"):
        if not value.isascii() or not value.isdigit() or int(value) not in vocabulary.SDGS:
            raise FilterError(
                f"Invalid sdg {value!r}; "
                "allowed values: the Sustainable Development Goals 1 to 17.",
                "invalid_sdg",
                value=repr(value),
            )
        numbers.add(int(value))
    return frozenset(numbers)


def _clock_time(name: str, value: str) -> time:
    match = _HHMM.fullmatch(value)
    if match is None:
        raise FilterError(
            f"Invalid {name} {value!r}; expected a 24-hour time HH:MM between 00:00 and 23:59.",
            "invalid_time",
            name=name,
            value=repr(value),
        )
    return time(int(match.group(1)), int(match.group(2)))


def _between(params: Mapping[str, Sequence[str]]) -> tuple[time, time] | None:
    start, end = _single(params, "from"), _single(params, "to")
    if start is None and end is None:
        return None
    if start is None or end is None:
        missing = "from" if start is None else "to"
        raise FilterError(
            f"Parameter {missing!r} is missing: 'from' and 'to' (HH:MM, your time) go together.",
            "missing_pair",
            name=missing,
        )
    return (_clock_time("from", start), _clock_time("to", end))


def _day(params: Mapping[str, Sequence[str]]) -> date | None:
    value = _single(params, "day")
    if value is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(
            f"Invalid day {value!r}; expected a date YYYY-MM-DD.", "invalid_day", value=repr(value)
        ) from None


def _text(params: Mapping[str, Sequence[str]]) -> str:
    value = _single(params, "q") or ""
    text = " ".join(value.split())
    if len(text) > MAX_TEXT_LENGTH:
        raise FilterError(
            f"Parameter 'q' is {len(text)} characters long; at most {MAX_TEXT_LENGTH} are allowed.",
            "text_too_long",
            length=len(text),
            max=MAX_TEXT_LENGTH,
        )
    return text


def parse_filters(params: Mapping[str, Sequence[str]]) -> Filters:
    """Read filters from query parameters (repeated or comma-separated values).

    Parameters not in :data:`FILTER_PARAMS` are ignored (``tz`` and friends belong to the caller).
    Raises :class:`FilterError` naming the parameter and what is allowed.
    """
    return Filters(
        kinds=_choice(params, "kind", vocabulary.KINDS),
        languages=_matching(
            params,
            "lang",
            str.lower,
            _LANGUAGE,
            "a 2 or 3 letter language code such as 'fr'",
            "invalid_language",
        ),
        audiences=_choice(params, "audience", vocabulary.AUDIENCES),
        sdgs=_sdgs(params),
        organisations=_matching(
            params,
            "org",
            lambda s: s,
            _SLUG,
            "an organisation slug (letters, digits, '-')",
            "invalid_organisation",
        ),
        countries=_matching(
            params,
            "country",
            str.upper,
            _COUNTRY,
            "a 2 letter ISO 3166 country code such as 'KE'",
            "invalid_country",
        ),
        text=_text(params),
        between=_between(params),
        day=_day(params),
    )


# -- filtering ----------------------------------------------------------------------------------


def _in_between(start: time, between: tuple[time, time]) -> bool:
    low, high = between
    if low <= high:
        return low <= start <= high
    return start >= low or start <= high  # wraps midnight, e.g. 22:00-02:00


def _haystack(slot: Slot) -> str:
    parts = [slot.title, slot.summary, slot.organisation_name, slot.organisation_slug, *slot.hosts]
    return "\n".join(parts).casefold()


def _matches(slot: Slot, f: Filters, viewer_zone: str, words: list[str]) -> bool:
    checks = (
        not f.kinds or slot.kind in f.kinds,
        not f.languages or not f.languages.isdisjoint(lang.lower() for lang in slot.languages),
        not f.audiences or slot.audience in f.audiences,
        not f.sdgs or not f.sdgs.isdisjoint(slot.sdgs),
        not f.organisations or slot.organisation_slug in f.organisations,
        not f.countries or slot.country.upper() in f.countries,
    )
    if not all(checks):
        return False
    if words:
        haystack = _haystack(slot)
        if not all(word in haystack for word in words):
            return False
    if f.between is not None or f.day is not None:
        local = tz.localize(slot.starts_at_utc, viewer_zone)
        if f.day is not None and local.date() != f.day:
            return False
        if f.between is not None and not _in_between(
            local.time().replace(second=0, microsecond=0), f.between
        ):
            return False
    return True


def apply_filters(slots: Iterable[Slot], filters: Filters, viewer_zone: str) -> list[Slot]:
    """The slots matching every filter, in their given order.

    ``between`` and ``day`` are read in ``viewer_zone`` (raises UnknownZoneError if unusable).
    """
    zone_name = tz.viewer_zone_name(viewer_zone)
    words = filters.text.casefold().split()
    return [slot for slot in slots if _matches(slot, filters, zone_name, words)]


# -- now ----------------------------------------------------------------------------------------


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now


def counted_sessions(slots: Iterable[Slot]) -> list[Slot]:
    """The sessions a festival, an edition or an organisation counts: the published ones.

    The one definition behind every count people read (home page, API ``session_count``,
    organisations page, ``festival demo``). A cancelled session is still listed, struck through,
    but will not take place; a draft is its organiser's alone. A list's own length ("12 of 216
    sessions", the API's ``count``) is another thing: it counts what it lists.
    """
    return [slot for slot in slots if slot.status == SessionStatus.PUBLISHED]


def session_count(slots: Iterable[Slot]) -> int:
    """How many of ``slots`` count (:func:`counted_sessions`)."""
    return len(counted_sessions(slots))


def live_now(slots: Iterable[Slot], now: datetime) -> list[Slot]:
    """Published slots running at ``now`` (start <= now < end), the soonest to end first."""
    now = _aware(now)
    live = [s for s in slots if s.status == SessionStatus.PUBLISHED and s.is_live(now)]
    return sorted(live, key=lambda s: (s.ends_at_utc, s.starts_at_utc, s.uid))


def next_up(slots: Iterable[Slot], now: datetime, limit: int) -> list[Slot]:
    """The first ``limit`` published slots starting after ``now``, the soonest first."""
    now = _aware(now)
    later = [s for s in slots if s.status == SessionStatus.PUBLISHED and s.starts_at_utc > now]
    return sorted(later, key=lambda s: (s.starts_at_utc, s.ends_at_utc, s.uid))[: max(limit, 0)]


def starting_soon(slots: Iterable[Slot], now: datetime, within_minutes: int = 60) -> list[Slot]:
    """Published slots starting in (now, now + within_minutes], the soonest first."""
    now = _aware(now)
    if within_minutes < 0:
        raise ValueError("within_minutes must not be negative")
    until = now + timedelta(minutes=within_minutes)
    soon = [
        s for s in slots if s.status == SessionStatus.PUBLISHED and now < s.starts_at_utc <= until
    ]
    return sorted(soon, key=lambda s: (s.starts_at_utc, s.ends_at_utc, s.uid))


def group_by_local_day(slots: Iterable[Slot], viewer_zone: str) -> list[tuple[date, list[Slot]]]:
    """Slots grouped by the viewer-local date of their start; dates ascending, slots by start."""
    zone_name = tz.viewer_zone_name(viewer_zone)
    days: dict[date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(tz.localize(slot.starts_at_utc, zone_name).date(), []).append(slot)
    return [
        (day, sorted(days[day], key=lambda s: (s.starts_at_utc, s.ends_at_utc, s.uid)))
        for day in sorted(days)
    ]


# -- follow the sun -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageHour:
    """One UTC hour of the window: how many published sessions are live, and where."""

    starts_at_utc: datetime
    live: int  # sessions live at any moment in [hour, hour + 1 h)
    by_region: dict[str, int]  # tz.region_of(session zone) -> count; every REGIONS key present


def _hour_floor(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def coverage(slots: Iterable[Slot], window: Window) -> list[CoverageHour]:
    """Follow-the-sun coverage: one entry per UTC hour touching the window, in order."""
    first = _hour_floor(window.starts_at_utc)
    last = _hour_floor(window.ends_at_utc)
    if last < window.ends_at_utc.astimezone(UTC):
        last += timedelta(hours=1)
    count = int((last - first) / timedelta(hours=1))
    live = [0] * count
    regions = [dict.fromkeys(tz.REGIONS, 0) for _ in range(count)]
    for slot in slots:
        if slot.status != SessionStatus.PUBLISHED or slot.ends_at_utc <= slot.starts_at_utc:
            continue
        # Hours h with h < end and h + 1 h > start: from floor(start) to the hour before end.
        low = max(0, int((_hour_floor(slot.starts_at_utc) - first) / timedelta(hours=1)))
        high = min(count, -int(-(slot.ends_at_utc - first) // timedelta(hours=1)))
        region = tz.region_of(slot.tz_name)
        for index in range(low, high):
            live[index] += 1
            regions[index][region] = regions[index].get(region, 0) + 1
    return [CoverageHour(first + timedelta(hours=i), live[i], regions[i]) for i in range(count)]


def check_day_in_window(filters: Filters, festival_window: Window, viewer_zone: str) -> None:
    """Refuse a ``day`` filter on which, in the viewer's zone, no part of the festival falls.

    An empty answer for such a day would be silently wrong: the viewer mistyped a date.
    """
    if filters.day is None:
        return
    days = viewer_days(festival_window, viewer_zone)
    if filters.day not in days:
        allowed = ", ".join(d.isoformat() for d in days)
        raise OutsideFestivalError(
            f"The festival does not fall on {filters.day.isoformat()} in your time zone "
            f"({viewer_zone}); choose one of {allowed}.",
            "day_outside",
            day=filters.day.isoformat(),
            zone=viewer_zone,
            days=allowed,
        )
