"""Reading an organiser's .ics file into proposed sessions, with a reason for every event left out.

Pure: bytes in, an :class:`ImportPlan` out; the database side is ``festival.importer``.

How times are understood (RFC 5545 §3.3.5):

* ``TZID=`` an IANA name (aliases normalised) -> the wall time in that zone, as entered;
* ``TZID=`` a Windows name (Outlook, Exchange) -> its IANA zone through CLDR's mapping;
* UTC (``...Z``) or a fixed-offset TZID -> the instant, shown in the organiser's zone;
* floating (no zone) -> the organiser's zone;
* a start that happens twice (DST fold) -> both occurrences are offered and the organiser
  chooses (``choose_occurrence``); until then the first is shown, as §3.3.5 reads it, with a
  note (an end that happens twice is read as §3.3.5 says, with a note);
* a wall time that does not exist (DST gap) -> left out: we never shift a time silently.

All-day events, recurring events, cancelled events and events outside the festival (the
local-day rule, in the session's own zone) are left out, each with its reason.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component

from scheduling import tz
from scheduling.errors import (
    AmbiguousTimeError,
    NonexistentTimeError,
    SchedulingError,
    UnknownZoneError,
)
from scheduling.vocabulary import KINDS, SessionKind
from scheduling.window import local_date
from scheduling.windows_zones import WINDOWS_ZONES

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 5000
DEFAULT_DURATION_MINUTES = 60
MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 24 * 60
MAX_TITLE = 200
#: CATEGORIES words other calendars use for our kinds.
KIND_SYNONYMS: dict[str, SessionKind] = {
    "talk": SessionKind.LECTURE,
    "keynote": SessionKind.LECTURE,
    "conference": SessionKind.LECTURE,
    "panel": SessionKind.DEBATE,
    "discussion": SessionKind.DEBATE,
    "q&a": SessionKind.QA,
    "hands-on": SessionKind.WORKSHOP,
    "concert": SessionKind.PERFORMANCE,
    "show": SessionKind.PERFORMANCE,
}
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}")


class IcsImportError(SchedulingError):
    """The file as a whole cannot be imported (nothing is imported)."""

    code = "import.invalid"


class IcsTooLargeError(IcsImportError):
    code = "import.too_large"


class IcsEncodingError(IcsImportError):
    code = "import.encoding"


class IcsMalformedError(IcsImportError):
    code = "import.malformed"


class IcsEmptyError(IcsImportError):
    code = "import.empty"


def import_language(value: str) -> str:
    """The language of events that name none, as the admin form and ``festival import-ics`` take it.

    A two- or three-letter code (ISO 639), as an event's own ``LANGUAGE`` is read; empty means
    English.
    """
    code = value.strip().lower() or "en"
    if not _LANGUAGE.fullmatch(code):
        raise IcsImportError(f"{code!r} is not a language code such as 'en' or 'sw'.")
    return code


# Reasons an event is left out (stable codes, shown with a sentence).
ALL_DAY = "all_day"
RECURRING = "recurring"
OUTSIDE_FESTIVAL = "outside_festival"
UNKNOWN_ZONE = "unknown_zone"
NONEXISTENT_TIME = "nonexistent_time"
OUT_OF_RANGE = "out_of_range"
NO_START = "no_start"
NO_TITLE = "no_title"
BAD_DURATION = "duration"
CANCELLED = "cancelled"
DUPLICATE = "duplicate"
UNREADABLE = "unreadable"
ALREADY_IMPORTED = "already_imported"  # decided by the database side
AMBIGUOUS_TIME = "ambiguous_time"  # set aside where nobody can choose the occurrence (the CLI)


@dataclass(frozen=True)
class ProposedSession:
    """A draft session an event would become."""

    index: int  # 1-based position of the VEVENT in the file
    source_uid: str
    title: str
    summary: str
    local_start: datetime  # naive wall time in tz_name
    tz_name: str
    fold: int
    duration_minutes: int
    starts_at_utc: datetime
    ends_at_utc: datetime
    kind: str = "other"
    languages: tuple[str, ...] = ("en",)
    join_url: str = ""
    notes: tuple[str, ...] = ()
    #: The start's two instants (UTC, first then second) when its wall time happens twice:
    #: the organiser must choose one (``choose_occurrence``); empty otherwise.
    occurrences: tuple[datetime, ...] = ()
    #: The end was given as a time (DTEND), not as a length: it stays where it is, whichever
    #: occurrence of the start is chosen.
    ends_given: bool = False

    @property
    def needs_choice(self) -> bool:
        return bool(self.occurrences)


@dataclass(frozen=True)
class SkippedEvent:
    """An event left out, and why."""

    index: int
    source_uid: str
    title: str
    code: str
    reason: str
    #: The reason as data, for the application edge to say in its reader's language: a stable
    #: kind (the code, or finer: "end_is_date") and its values (scheduling/errors.py).
    kind: str = ""
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do: nothing is saved until the caller applies it."""

    sessions: tuple[ProposedSession, ...]
    skipped: tuple[SkippedEvent, ...]
    events: int


class Note(str):
    """A note on how an event was read: its English text (it is a ``str``), and the same as data,
    a stable kind and its values, for the application edge to say in its reader's language."""

    kind: str
    params: Mapping[str, object]

    def __new__(cls, text: str, kind: str, **params: object) -> Note:
        note = super().__new__(cls, text)
        note.kind = kind
        note.params = params
        return note


class _Skip(Exception):
    def __init__(self, code: str, reason: str, kind: str = "", **params: object) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.kind = kind or code
        self.params = params


# -- the file ---------------------------------------------------------------------------------


def decode_ics(data: bytes, max_bytes: int = MAX_IMPORT_BYTES) -> str:
    """The file's text, or a clear error for a file too large, not UTF-8, or not iCalendar."""
    if len(data) > max_bytes:
        raise IcsTooLargeError(
            f"The file is {len(data) / 1_048_576:.1f} MiB; at most "
            f"{max_bytes / 1_048_576:.1f} MiB can be imported at once. Split it and try again."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IcsEncodingError(
            "The file is UTF-16 text; iCalendar files are UTF-8 (RFC 5545 §3.1.4). "
            "Export it again as UTF-8 and try again."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IcsEncodingError(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02X} at position {exc.start} "
            "cannot be read); iCalendar files are UTF-8 (RFC 5545 §3.1.4). Export it again as "
            "UTF-8 and try again."
        ) from None
    if "\x00" in text:
        raise IcsEncodingError("The file contains NUL bytes: it is not an iCalendar text file.")
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise IcsMalformedError(
            "This is not an iCalendar file: it must start with BEGIN:VCALENDAR. "
            "Export the calendar as .ics and try again."
        )
    return text


def parse_calendar(text: str) -> list[Component]:
    """The VEVENTs of every VCALENDAR in the text (icalendar's parser)."""
    try:
        with warnings.catch_warnings():
            # icalendar warns when it guesses a vendor-prefixed TZID; read_tzid decides here.
            warnings.simplefilter("ignore")
            calendars = Calendar.from_ical(text, multiple=True)
    except ValueError as exc:
        raise IcsMalformedError(f"The file could not be read as iCalendar: {exc}") from None
    events: list[Component] = []
    for calendar in calendars:
        if calendar.name != "VCALENDAR":
            raise IcsMalformedError(f"Expected a VCALENDAR, found {calendar.name}.")
        events += calendar.walk("VEVENT")
    if not events:
        raise IcsEmptyError("The file holds no events (VEVENT): there is nothing to import.")
    if len(events) > MAX_EVENTS:
        raise IcsTooLargeError(
            f"The file holds {len(events)} events; at most {MAX_EVENTS} can be imported at once."
        )
    return events


# -- time zones -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneReading:
    """How a TZID was understood: a place (keep the wall time) or a fixed offset (an instant)."""

    place: str | None  # canonical IANA zone
    fixed: tzinfo | None  # UTC or Etc/GMT±N
    how: str  # for notes: "Windows zone 'Romance Standard Time' read as Europe/Paris"


_UTC_NAMES = {"utc", "gmt", "z", "zulu", "etc/utc", "etc/gmt", "universal", "etc/universal"}
_WINDOWS_LOWER = {name.lower(): zone for name, zone in WINDOWS_ZONES.items()}


def _fixed(name: str) -> tzinfo:
    return UTC if name in {"Etc/UTC", "Etc/GMT"} else ZoneInfo(name)


def read_tzid(tzid: str) -> ZoneReading:
    """Understand a TZID: IANA name or alias, Windows name (CLDR), UTC, or Etc/GMT±N.

    Raises :class:`UnknownZoneError` for anything else.
    """
    name = tzid.strip().strip('"')
    if name.lower() in _UTC_NAMES:
        return ZoneReading(
            None, UTC, Note(f"time zone {tzid!r} read as UTC", "read_as_utc", tzid=repr(tzid))
        )
    if re.fullmatch(r"Etc/GMT[+-]\d{1,2}", name):
        return ZoneReading(None, _fixed(name), Note(f"fixed offset {name}", "fixed", name=name))
    windows = _WINDOWS_LOWER.get(name.lower())
    if windows is not None:
        if windows.startswith("Etc/"):
            fixed = Note(
                f"Windows zone {name!r} read as {windows}", "windows", name=repr(name), zone=windows
            )
            return ZoneReading(None, _fixed(windows), fixed)
        place = tz.canonical_name(windows)
        read = Note(
            f"Windows zone {name!r} read as {place}", "windows", name=repr(name), zone=place
        )
        return ZoneReading(place, None, read)
    # "/mozilla.org/20050126_1/Europe/Paris" and "/Europe/Paris" (old Lightning, some servers).
    parts = [p for p in name.split("/") if p]
    for i in range(len(parts)):
        candidate = "/".join(parts[i:])
        if tz.is_valid_zone(candidate):
            place = tz.canonical_name(candidate)
            how = (
                ""
                if place == name
                else Note(
                    f"time zone {tzid!r} read as {place}", "read_as", tzid=repr(tzid), zone=place
                )
            )
            return ZoneReading(place, None, how)
    raise UnknownZoneError(tzid, "not an IANA or Windows time zone name", "not_iana_or_windows")


# -- one event --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Moment:
    instant: datetime
    zone: str  # the session zone this moment implies
    wall: datetime  # naive, in zone
    fold: int
    notes: tuple[str, ...]
    occurrences: tuple[datetime, ...] = ()  # both instants, when the wall time happens twice


def _moment(prop: object, organiser_zone: str, label: str) -> _Moment:
    value = getattr(prop, "dt", None)
    params = getattr(prop, "params", {})
    if not isinstance(value, datetime):
        raise _Skip(ALL_DAY, "an all-day event (a date without a time) has no start time")
    wall = value.replace(tzinfo=None, fold=0)
    tzid = params.get("TZID")
    notes: list[str] = []
    if tzid:
        try:
            reading = read_tzid(str(tzid))
        except UnknownZoneError:
            raise _Skip(
                UNKNOWN_ZONE,
                f"its {label} uses the unknown time zone {str(tzid)!r} (not an IANA or Windows "
                "zone name); fix the TZID in the calendar and try again",
                f"{UNKNOWN_ZONE}_{label}",
                tzid=repr(str(tzid)),
            ) from None
        if reading.how:
            notes.append(reading.how)
        if reading.place is not None:
            return _wall_moment(wall, reading.place, label, notes)
        assert reading.fixed is not None
        instant = wall.replace(tzinfo=reading.fixed).astimezone(UTC)
    elif value.tzinfo is not None:
        instant = value.astimezone(UTC)
    else:
        if label == "start":
            notes.append(
                Note(
                    f"floating time read in the organiser's zone {organiser_zone}",
                    "floating",
                    zone=organiser_zone,
                )
            )
        return _wall_moment(wall, organiser_zone, label, notes)
    shown = tz.to_wall(instant, organiser_zone)
    if label == "start":
        notes.append(
            Note(
                f"given in UTC; shown in the organiser's zone {organiser_zone}",
                "given_in_utc",
                zone=organiser_zone,
            )
        )
    return _Moment(instant, organiser_zone, shown.replace(fold=0), shown.fold, tuple(notes))


def _wall_moment(wall: datetime, zone_name: str, label: str, notes: list[str]) -> _Moment:
    try:
        return _Moment(tz.to_utc(wall, zone_name), zone_name, wall, 0, tuple(notes))
    except NonexistentTimeError as exc:
        raise _Skip(
            NONEXISTENT_TIME,
            f"its {label} time does not exist: {exc.message}",
            f"{NONEXISTENT_TIME}_{label}",
            **exc.params,
        ) from None
    except AmbiguousTimeError as twice:
        first, second = twice.first.astimezone(UTC), twice.second.astimezone(UTC)
        if label != "start":
            notes.append(
                Note(
                    f"{wall:%Y-%m-%d %H:%M} happens twice in {zone_name}: the first occurrence is "
                    "used for the end (RFC 5545 §3.3.5)",
                    "twice_end",
                    wall=f"{wall:%Y-%m-%d %H:%M}",
                    zone=zone_name,
                )
            )
            return _Moment(first, zone_name, wall, 0, tuple(notes))
        notes.append(
            Note(
                f"{wall:%Y-%m-%d %H:%M} happens twice in {zone_name}: choose which one before "
                "importing (the first is shown until then)",
                "twice_start",
                wall=f"{wall:%Y-%m-%d %H:%M}",
                zone=zone_name,
            )
        )
        return _Moment(first, zone_name, wall, 0, tuple(notes), (first, second))


def _text(event: Component, name: str) -> str:
    value = event.get(name)
    return str(value).strip() if value is not None else ""


def _source_uid(event: Component, index: int) -> str:
    uid = _text(event, "UID")
    if uid:
        return uid
    start = event.get("DTSTART")
    key = f"{_text(event, 'SUMMARY')}|{start.to_ical() if start is not None else index}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"no-uid-{digest}"


def _kind(event: Component) -> str:
    categories = event.get("CATEGORIES")
    values: list[str] = []
    for item in categories if isinstance(categories, list) else [categories]:
        if item is not None:
            values += [str(c).strip().lower() for c in getattr(item, "cats", [])]
    for value in values:
        if value in KINDS:
            return value
        if value in KIND_SYNONYMS:
            return KIND_SYNONYMS[value].value
    return SessionKind.OTHER.value


def _languages(event: Component, default: tuple[str, ...]) -> tuple[str, ...]:
    summary = event.get("SUMMARY")
    lang = str(getattr(summary, "params", {}).get("LANGUAGE", "")).split("-")[0]
    return (lang.lower(),) if _LANGUAGE.fullmatch(lang) else default


def _join_url(event: Component) -> str:
    for name in ("CONFERENCE", "URL", "LOCATION"):
        value = event.get(name)
        values = value if isinstance(value, list) else [value]
        for item in values:
            text = str(item).strip() if item is not None else ""
            if re.fullmatch(r"https?://\S+", text):
                return text
    return ""


def _check_readable(event: Component) -> None:
    errors = [f"{prop}: {message}" for prop, message in getattr(event, "errors", [])]
    relevant = [e for e in errors if e.split(":")[0] in {"DTSTART", "DTEND", "DURATION"}]
    if relevant:
        details = "; ".join(relevant)
        raise _Skip(UNREADABLE, "its times could not be read (" + details + ")", details=details)


def _end(event: Component, start: _Moment, organiser_zone: str, notes: list[str]) -> datetime:
    """The end instant from DTEND, DURATION, or the default length (noted)."""
    if event.get("DTEND") is not None:
        if not isinstance(getattr(event["DTEND"], "dt", None), datetime):
            raise _Skip(UNREADABLE, "its end (DTEND) is a date without a time", "end_is_date")
        end = _moment(event["DTEND"], organiser_zone, "end")
        notes += [n for n in end.notes if n not in notes]
        return end.instant
    if event.get("DURATION") is not None:
        duration = getattr(event["DURATION"], "dt", None)
        if not isinstance(duration, timedelta):
            raise _Skip(UNREADABLE, "its DURATION could not be read", "unreadable_duration")
        return start.instant + duration
    notes.append(
        Note(
            f"no end time given: {DEFAULT_DURATION_MINUTES} minutes assumed",
            "default_length",
            minutes=DEFAULT_DURATION_MINUTES,
        )
    )
    return start.instant + timedelta(minutes=DEFAULT_DURATION_MINUTES)


def propose(
    event: Component,
    index: int,
    organiser_zone: str,
    festival_days: Sequence[date],
    default_languages: tuple[str, ...] = ("en",),
) -> ProposedSession:
    """The draft session one VEVENT becomes; raises ``_Skip`` with the reason otherwise."""
    title = " ".join(_text(event, "SUMMARY").split())
    if not title:
        raise _Skip(NO_TITLE, "it has no title (SUMMARY)")
    if _text(event, "STATUS").upper() == "CANCELLED":
        raise _Skip(CANCELLED, "it is cancelled in the calendar (STATUS:CANCELLED)")
    if any(event.get(name) is not None for name in ("RRULE", "RDATE", "RECURRENCE-ID")):
        raise _Skip(
            RECURRING,
            "it is a recurring event (or one occurrence of one); festival sessions happen once: "
            "add each occurrence as its own event",
        )
    _check_readable(event)
    if event.get("DTSTART") is None:
        raise _Skip(NO_START, "it has no start time (DTSTART)")
    try:
        return _timed(event, index, title, organiser_zone, festival_days, default_languages)
    except OverflowError:
        # Python dates hold the years 1 to 9999: DTSTART:99991231T235959Z seen from a zone east
        # of UTC, or DURATION:P100000000W, does not fit in one (RFC 5545 allows any year).
        raise _Skip(
            OUT_OF_RANGE,
            "its start, end or duration reaches beyond the years 1 to 9999, where no calendar "
            "date exists; check DTSTART, DTEND and DURATION",
        ) from None


def _timed(
    event: Component,
    index: int,
    title: str,
    organiser_zone: str,
    festival_days: Sequence[date],
    default_languages: tuple[str, ...],
) -> ProposedSession:
    """The rest of :func:`propose`, once the event has a title and a start to read."""
    start = _moment(event["DTSTART"], organiser_zone, "start")
    notes = list(start.notes)
    ends_at = _end(event, start, organiser_zone, notes)
    seconds = (ends_at - start.instant).total_seconds()
    minutes = int(seconds // 60)
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        raise _Skip(
            BAD_DURATION,
            f"it lasts {seconds / 60:.0f} minutes; sessions last from {MIN_DURATION_MINUTES} "
            f"minutes to {MAX_DURATION_MINUTES // 60} hours",
            minutes=f"{seconds / 60:.0f}",
            min=MIN_DURATION_MINUTES,
            hours=MAX_DURATION_MINUTES // 60,
        )
    if seconds % 60:
        notes.append(Note("seconds dropped from the duration", "seconds_dropped"))
    local_day = local_date(start.instant, start.zone)
    if local_day not in festival_days:
        days = ", ".join(d.isoformat() for d in sorted(festival_days))
        raise _Skip(
            OUTSIDE_FESTIVAL,
            f"it starts on {local_day.isoformat()} in {start.zone}, which is not a festival "
            f"date ({days}) in its own zone",
            day=local_day.isoformat(),
            zone=start.zone,
            days=days,
        )
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rstrip() + "…"
        notes.append(
            Note(f"title shortened to {MAX_TITLE} characters", "title_shortened", max=MAX_TITLE)
        )
    return ProposedSession(
        index=index,
        source_uid=_source_uid(event, index),
        title=title,
        summary=_text(event, "DESCRIPTION"),
        local_start=start.wall,
        tz_name=start.zone,
        fold=start.fold,
        duration_minutes=minutes,
        starts_at_utc=start.instant,
        ends_at_utc=start.instant + timedelta(minutes=minutes),
        kind=_kind(event),
        languages=_languages(event, default_languages),
        join_url=_join_url(event),
        notes=tuple(notes),
        occurrences=start.occurrences,
        ends_given=event.get("DTEND") is not None,
    )


def plan_import(
    data: bytes,
    organiser_zone: str,
    festival_days: Sequence[date],
    default_languages: tuple[str, ...] = ("en",),
    max_bytes: int = MAX_IMPORT_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Read ``data`` and say, for every VEVENT, the session it becomes or why it is left out.

    Raises :class:`IcsImportError` (too large, not UTF-8, malformed, no events) for the whole
    file, and :class:`UnknownZoneError` if ``organiser_zone`` itself is unusable.
    """
    zone_name = tz.canonical_name(organiser_zone)
    events = parse_calendar(decode_ics(data, max_bytes))
    sessions: list[ProposedSession] = []
    skipped: list[SkippedEvent] = []
    seen: set[str] = set()
    for index, event in enumerate(events, start=1):
        uid = _source_uid(event, index)
        title = " ".join(_text(event, "SUMMARY").split())
        try:
            if uid in seen:
                raise _Skip(
                    DUPLICATE, f"another event in the file has the same UID {uid!r}", uid=repr(uid)
                )
            seen.add(uid)
            sessions.append(propose(event, index, zone_name, festival_days, default_languages))
        except _Skip as skip:
            skipped.append(
                SkippedEvent(index, uid, title, skip.code, skip.reason, skip.kind, skip.params)
            )
        if progress is not None:
            progress(index, len(events))
    return ImportPlan(tuple(sessions), tuple(skipped), len(events))


def choose_occurrence(proposal: ProposedSession, fold: int) -> ProposedSession:
    """The proposal with the occurrence of its start the organiser chose (0 first, 1 second).

    A start given with DTEND keeps its end (the session gets longer or shorter); one given with
    a length keeps the length. Raises :class:`IcsImportError` when the choice leaves no
    session of a possible length.
    """
    if not proposal.needs_choice:
        return proposal
    if fold not in (0, 1):
        raise ValueError("fold must be 0 (first occurrence) or 1 (second)")
    starts = proposal.occurrences[fold]
    ends = (
        proposal.ends_at_utc
        if proposal.ends_given
        else starts + timedelta(minutes=proposal.duration_minutes)
    )
    minutes = int((ends - starts).total_seconds() // 60)
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        lasts = "would end before it starts" if minutes <= 0 else f"would last only {minutes} min"
        raise IcsImportError(
            f"With the {'second' if fold else 'first'} occurrence of its start, “{proposal.title}” "
            f"{lasts}; sessions last from {MIN_DURATION_MINUTES} minutes to "
            f"{MAX_DURATION_MINUTES // 60} hours. Choose the other one, or fix the event."
        )
    said = "first" if fold == 0 else "second"
    notes = tuple(n for n in proposal.notes if "happens twice" not in n or "for the end" in n)
    return replace(
        proposal,
        fold=fold,
        starts_at_utc=starts,
        ends_at_utc=starts + timedelta(minutes=minutes),
        duration_minutes=minutes,
        occurrences=(),
        notes=(
            *notes,
            Note(
                f"the {said} {proposal.local_start:%H:%M} chosen",
                f"chosen_{said}",
                time=f"{proposal.local_start:%H:%M}",
            ),
        ),
    )
