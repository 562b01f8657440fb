"""The scheduling core's errors said in the reader's language.

``scheduling/`` imports nothing of the web layer, so it cannot translate: its errors carry an
English message and, as data, a stable ``kind`` with its ``params`` (scheduling/errors.py). This
module says each kind with gettext; the code of the error (``time.unknown_zone``,
``filter.invalid``, …) never changes. An error without a kind was written by festival code, in
the reader's language already: its message is used as it is. In English every sentence here is
the scheduling core's own, byte for byte (tests/festival/test_i18n_rest.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from festival.i18n import gettext as _
from scheduling.errors import SchedulingError
from scheduling.ics_import import Note, SkippedEvent


def _zone(p: Mapping[str, Any], reason: str) -> str:
    return _("%(zone)s is not a usable time zone: %(reason)s", zone=repr(p["zone"]), reason=reason)


#: kind -> the sentence, from the error's params.
SAY: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "empty": lambda p: _zone(p, _("no zone given")),
    "fixed_offset": lambda p: _zone(
        p, _("fixed offsets are not accepted; give a place such as Europe/Paris")
    ),
    "windows_name": lambda p: _zone(
        p, _("this looks like a Windows zone name; give an IANA name such as Asia/Tokyo")
    ),
    "not_geographic": lambda p: _zone(
        p, _("not a geographic zone; give a name such as Asia/Tokyo")
    ),
    "not_in_tzdb": lambda p: _zone(p, _("not in the tz database; give a name such as Asia/Tokyo")),
    "not_iana_or_windows": lambda p: _zone(p, _("not an IANA or Windows time zone name")),
    "repeated": lambda p: _(
        "Parameter %(name)s may be given only once (got %(count)s values).",
        name=repr(p["name"]),
        count=p["count"],
    ),
    "unknown_value": lambda p: _(
        "Unknown %(name)s %(values)s; allowed values: %(allowed)s.",
        name=p["name"],
        values=p["values"],
        allowed=p["allowed"],
    ),
    "invalid_language": lambda p: _(
        "Invalid %(name)s %(values)s; expected a 2 or 3 letter language code such as 'fr'.",
        name=p["name"],
        values=p["values"],
    ),
    "invalid_organisation": lambda p: _(
        "Invalid %(name)s %(values)s; expected an organisation slug (letters, digits, '-').",
        name=p["name"],
        values=p["values"],
    ),
    "invalid_country": lambda p: _(
        "Invalid %(name)s %(values)s; expected a 2 letter ISO 3166 country code such as 'KE'.",
        name=p["name"],
        values=p["values"],
    ),
    "invalid_sdg": lambda p: _(
        "Invalid sdg %(value)s; allowed values: the Sustainable Development Goals 1 to 17.",
        value=p["value"],
    ),
    "invalid_time": lambda p: _(
        "Invalid %(name)s %(value)s; expected a 24-hour time HH:MM between 00:00 and 23:59.",
        name=p["name"],
        value=p["value"],
    ),
    "missing_pair": lambda p: _(
        "Parameter %(name)s is missing: 'from' and 'to' (HH:MM, your time) go together.",
        name=repr(p["name"]),
    ),
    "invalid_day": lambda p: _(
        "Invalid day %(value)s; expected a date YYYY-MM-DD.", value=p["value"]
    ),
    "text_too_long": lambda p: _(
        "Parameter 'q' is %(length)s characters long; at most %(max)s are allowed.",
        length=p["length"],
        max=p["max"],
    ),
    "nonexistent": lambda p: _(
        "%(wall)s does not exist in %(zone)s: at %(jump)s clocks jump forward to %(after)s that "
        "night. Choose %(before)s or earlier, or %(after)s or later.",
        **p,
    ),
    "ambiguous": lambda p: _(
        "%(wall)s happens twice in %(zone)s when clocks go back: first at UTC%(first)s, then "
        "again at UTC%(second)s. Say which one you mean (fold 0 = the first, fold 1 = the "
        "second).",
        **p,
    ),
    "day_outside": lambda p: _(
        "The festival does not fall on %(day)s in your time zone (%(zone)s); "
        "choose one of %(days)s.",
        day=p["day"],
        zone=p["zone"],
        days=p["days"],
    ),
}


def say(exc: SchedulingError) -> str:
    """``exc``'s message in the reader's language."""
    speak = SAY.get(exc.kind)
    return exc.message if speak is None else speak(exc.params)


def _gap(p: Mapping[str, Any]) -> str:
    return SAY["nonexistent"](p)


#: Why an event of an imported calendar is left out, by kind (``SkippedEvent.kind``, else its
#: code), from its params.
SKIP_SAY: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "all_day": lambda p: _("an all-day event (a date without a time) has no start time"),
    "unknown_zone_start": lambda p: _(
        "its start uses the unknown time zone %(tzid)s (not an IANA or Windows zone name); fix "
        "the TZID in the calendar and try again",
        tzid=p["tzid"],
    ),
    "unknown_zone_end": lambda p: _(
        "its end uses the unknown time zone %(tzid)s (not an IANA or Windows zone name); fix "
        "the TZID in the calendar and try again",
        tzid=p["tzid"],
    ),
    "nonexistent_time_start": lambda p: _(
        "its start time does not exist: %(error)s", error=_gap(p)
    ),
    "nonexistent_time_end": lambda p: _("its end time does not exist: %(error)s", error=_gap(p)),
    "unreadable": lambda p: _("its times could not be read (%(details)s)", details=p["details"]),
    "end_is_date": lambda p: _("its end (DTEND) is a date without a time"),
    "unreadable_duration": lambda p: _("its DURATION could not be read"),
    "no_title": lambda p: _("it has no title (SUMMARY)"),
    "cancelled": lambda p: _("it is cancelled in the calendar (STATUS:CANCELLED)"),
    "recurring": lambda p: _(
        "it is a recurring event (or one occurrence of one); festival sessions happen once: "
        "add each occurrence as its own event"
    ),
    "no_start": lambda p: _("it has no start time (DTSTART)"),
    "out_of_range": lambda p: _(
        "its start, end or duration reaches beyond the years 1 to 9999, where no calendar "
        "date exists; check DTSTART, DTEND and DURATION"
    ),
    "duration": lambda p: _(
        "it lasts %(minutes)s minutes; sessions last from %(min)s minutes to %(hours)s hours",
        minutes=p["minutes"],
        min=p["min"],
        hours=p["hours"],
    ),
    "outside_festival": lambda p: _(
        "it starts on %(day)s in %(zone)s, which is not a festival date (%(days)s) in its own zone",
        day=p["day"],
        zone=p["zone"],
        days=p["days"],
    ),
    "duplicate": lambda p: _("another event in the file has the same UID %(uid)s", uid=p["uid"]),
    "already_imported": lambda p: _(
        "it was imported before (session %(uid)s); edit that session instead", uid=p["uid"]
    ),
    "ambiguous_time": lambda p: _(
        "its start %(start)s happens twice in %(zone)s: choose the occurrence on the admin "
        "import page (/admin/import)",
        start=p["start"],
        zone=p["zone"],
    ),
}


def skip_reason(skipped: SkippedEvent) -> str:
    """Why an imported event was left out, in the reader's language."""
    speak = SKIP_SAY.get(skipped.kind or skipped.code)
    return skipped.reason if speak is None else speak(skipped.params)


#: How an imported event was read (``scheduling.ics_import.Note``), by kind, from its params.
NOTE_SAY: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "read_as_utc": lambda p: _("time zone %(tzid)s read as UTC", tzid=p["tzid"]),
    "fixed": lambda p: _("fixed offset %(name)s", name=p["name"]),
    "windows": lambda p: _(
        "Windows zone %(name)s read as %(zone)s", name=p["name"], zone=p["zone"]
    ),
    "read_as": lambda p: _("time zone %(tzid)s read as %(zone)s", tzid=p["tzid"], zone=p["zone"]),
    "floating": lambda p: _("floating time read in the organiser's zone %(zone)s", zone=p["zone"]),
    "given_in_utc": lambda p: _(
        "given in UTC; shown in the organiser's zone %(zone)s", zone=p["zone"]
    ),
    "twice_end": lambda p: _(
        "%(wall)s happens twice in %(zone)s: the first occurrence is used for the end "
        "(RFC 5545 §3.3.5)",
        wall=p["wall"],
        zone=p["zone"],
    ),
    "twice_start": lambda p: _(
        "%(wall)s happens twice in %(zone)s: choose which one before importing (the first is "
        "shown until then)",
        wall=p["wall"],
        zone=p["zone"],
    ),
    "default_length": lambda p: _(
        "no end time given: %(minutes)s minutes assumed", minutes=p["minutes"]
    ),
    "seconds_dropped": lambda p: _("seconds dropped from the duration"),
    "title_shortened": lambda p: _("title shortened to %(max)s characters", max=p["max"]),
    "chosen_first": lambda p: _("the first %(time)s chosen", time=p["time"]),
    "chosen_second": lambda p: _("the second %(time)s chosen", time=p["time"]),
}


def note_text(note: str) -> str:
    """A note on an imported event in the reader's language (a plain string: as it is)."""
    if not isinstance(note, Note) or note.kind not in NOTE_SAY:
        return note
    return NOTE_SAY[note.kind](note.params)
