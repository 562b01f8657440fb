"""iCalendar feeds (RFC 5545 with RFC 7986 properties) built with the ``icalendar`` library.

What calendar clients need, and how this module gives it:

* Stable identity: ``UID`` is the session uid + ``@`` + the site's host, the same on every render
  and every host. ``DTSTAMP`` and ``LAST-MODIFIED`` are the session's last change (never "now"),
  so unchanged data renders byte-identical output; ``SEQUENCE`` is the session's revision.
* Exact instants: times are written in the organiser's IANA zone with a ``VTIMEZONE`` generated
  here from the tz database, trimmed to the feed's dates (RFC 5545 §3.6.5). ``icalendar``'s own
  generator (7.x) writes the spring-forward onset in the *new* offset (Europe/Paris 03:00 where
  §3.8.2.4 wants 02:00, the local time before the change): the change lands an hour late, and a
  client showing 01:30 UTC in that zone says 02:30 instead of 03:30. Ours writes every onset in
  ``TZOFFSETFROM`` time and is tested against zoneinfo.
  A wall time that happens twice (DST fold) is written in UTC so that every client reads the
  same instant (§3.3.5 would otherwise pick the first occurrence).
* Cancelled sessions stay as ``STATUS:CANCELLED`` for a retention period, then leave the feed.
* No ``METHOD``: a subscribed feed is a published calendar, not a scheduling message (RFC 5546).

Rendering one event costs far more than joining bytes, so :func:`build_calendar` accepts a memo of
rendered events keyed by the (immutable) slot: after one change only that event is rendered again.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vDuration, vText, vUri

from scheduling import tz
from scheduling.slots import Slot
from scheduling.vocabulary import SessionStatus

#: Names the tz database version, which decides every instant in the feed: a client (or a
#: person reading the file) sees that the rules changed when it does.
PRODID = f"-//LearningPlanet Festival//Festival calendar 1.0 tzdata {tz.TZDATA_VERSION}//EN"
#: DTSTAMP for a slot that carries no modification time (slots built outside the database).
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: How far beyond the events a VTIMEZONE reaches, so clients that look a little around an
#: event (alarms, day views) still find the right offset.
ZONE_MARGIN = timedelta(days=7)
#: Scan step when looking for tz transitions; no zone changes offset twice within 6 hours.
_SCAN_STEP = timedelta(hours=6)


@dataclass(frozen=True)
class EventWords:
    """The words an event's text is made of; English unless the caller gives a translation
    (``str.format`` templates with the named fields shown)."""

    cancelled_note: str = "This session is cancelled."
    join: str = "Join: {url}"
    organised: str = "Organised by {organisation}: {when}."
    when: str = "%H:%M {label} on %a %d %b %Y"  # tz.organiser_time's pattern
    hosts: str = "Hosts: {hosts}"
    languages: str = "Languages: {languages}"
    details: str = "Details: {url}"
    cancelled_title: str = "Cancelled: {title}"


@dataclass(frozen=True)
class SiteLinks:
    """Where a session lives on the site; plain strings so the core needs no router."""

    site_url: str  # https://festival.example.org (no trailing slash)
    session_path: str = "/sessions/{uid}"
    room_path: str = "/sessions/{uid}/live"
    #: The human text of events, in the feed's language (part of the rendered-event memo key).
    words: EventWords = EventWords()

    @property
    def uid_domain(self) -> str:
        """The fixed domain after ``@`` in every UID: the site's host name."""
        return urlsplit(self.site_url).hostname or "localhost"

    def session_url(self, uid: str) -> str:
        return self.site_url + self.session_path.format(uid=uid)

    def room_url(self, uid: str) -> str:
        return self.site_url + self.room_path.format(uid=uid)

    def join_url(self, slot: Slot) -> str:
        """The organiser's join link when there is one, else the session's live room."""
        return slot.join_url or self.room_url(slot.uid)

    def event_uid(self, slot: Slot) -> str:
        return f"{slot.uid}@{self.uid_domain}"


@dataclass(frozen=True)
class CalendarInfo:
    """Calendar-level properties (RFC 7986 §5)."""

    name: str
    description: str = ""
    url: str = ""  # a page about this calendar
    source_url: str = ""  # where the feed itself is refreshed from (RFC 7986 §5.8 SOURCE)
    refresh_minutes: int = 60


def visible_slots(
    slots: Iterable[Slot],
    now: datetime,
    retention_days: int,
    festival_ends: Mapping[str, datetime] | None = None,
) -> tuple[list[Slot], datetime | None]:
    """Slots a feed shows at ``now``: published ones, and cancelled ones until they expire.

    A cancelled session stays (as ``STATUS:CANCELLED``, so calendars remove it) until its
    festival is over -- ``festival_ends`` maps an edition's slug to the end of its global window
    -- and at least ``retention_days`` after its cancellation (for a cancellation during or
    after the festival, or a slot of an edition not in the map).

    Returns the slots (ordered by UTC start, then uid) and the latest instant at which a
    cancelled slot *left* the feed (the feed changed then, although no session did), if any.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    ends = festival_ends or {}
    keep: list[Slot] = []
    left_at: datetime | None = None
    retention = timedelta(days=retention_days)
    for slot in slots:
        if slot.status == SessionStatus.PUBLISHED:
            keep.append(slot)
        elif slot.status == SessionStatus.CANCELLED:
            cancelled_at = slot.cancelled_at_utc or slot.updated_at_utc or EPOCH
            expires = max(cancelled_at + retention, ends.get(slot.edition_slug, EPOCH))
            if now < expires:
                keep.append(slot)
            elif left_at is None or expires > left_at:
                left_at = expires
    keep.sort(key=lambda s: (s.starts_at_utc, s.uid))
    return keep, left_at


def is_ambiguous(wall: datetime, zone_name: str) -> bool:
    """Whether the naive wall time happens twice in the zone (a DST fold)."""
    z = tz.zone(zone_name)
    return wall.replace(tzinfo=z, fold=0).utcoffset() != wall.replace(tzinfo=z, fold=1).utcoffset()


def written_in_utc(slot: Slot) -> bool:
    """A slot whose start or end falls in a fold is written in UTC (RFC 5545 §3.3.5)."""
    return _in_fold(slot.tz_name, slot.starts_at_utc, slot.ends_at_utc)


@functools.lru_cache(maxsize=65_536)
def _in_fold(zone_name: str, starts_at_utc: datetime, ends_at_utc: datetime) -> bool:
    return any(
        is_ambiguous(tz.to_wall(instant, zone_name), zone_name)
        for instant in (starts_at_utc, ends_at_utc)
    )


# -- VTIMEZONE --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observance:
    """One period of a zone: from ``onset_utc`` the zone is at ``offset`` named ``name``."""

    onset_utc: datetime
    offset_from: timedelta
    offset: timedelta
    name: str
    is_dst: bool


def _state(z: ZoneInfo, instant: datetime) -> tuple[timedelta, str, bool]:
    local = instant.astimezone(z)
    offset, dst = local.utcoffset(), local.dst()
    assert offset is not None
    return offset, local.tzname() or "", bool(dst and dst > timedelta(0))


def observances(zone_name: str, first_utc: datetime, last_utc: datetime) -> list[Observance]:
    """The zone's state at ``first_utc`` and every change of it until ``last_utc`` (from zoneinfo).

    Transitions are found by scanning in 6-hour steps and bisecting to the second, so they are
    exactly the ones ``zoneinfo`` applies, including zones whose rules are not yearly.
    """
    z = tz.zone(zone_name)
    start = first_utc.astimezone(UTC)
    state = _state(z, start)
    found = [Observance(start, state[0], state[0], state[1], state[2])]
    low = start
    while low < last_utc:
        high = min(low + _SCAN_STEP, last_utc)
        if _state(z, high) != state:
            lo, hi = low, high  # state(lo) == state, state(hi) != state
            while hi - lo > timedelta(seconds=1):
                mid = (lo + (hi - lo) / 2).replace(microsecond=0)
                if _state(z, mid) == state:
                    lo = mid
                else:
                    hi = mid
            new = _state(z, hi)
            found.append(Observance(hi, state[0], new[0], new[1], new[2]))
            state = new
            high = hi
        low = high
    return found


@functools.lru_cache(maxsize=512)
def vtimezone(zone_name: str, first_day: date, last_day: date) -> Timezone:
    """A VTIMEZONE for ``zone_name`` valid for UTC instants from ``first_day`` to ``last_day``.

    The first observance starts (with equal FROM and TO offsets) at 00:00 UTC of ``first_day``;
    each transition after it is its own observance whose DTSTART is the local wall time of the
    onset in the offset that was in force *before* it (RFC 5545 §3.8.2.4).
    """
    first = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    last = datetime(last_day.year, last_day.month, last_day.day, tzinfo=UTC) + timedelta(days=1)
    component = Timezone()
    component.add("TZID", zone_name)
    # Lightning/Thunderbird write this; clients that know the IANA name may prefer it.
    component.add("X-LIC-LOCATION", zone_name)
    for obs in observances(zone_name, first, last):
        part = TimezoneDaylight() if obs.is_dst else TimezoneStandard()
        onset_wall = (obs.onset_utc + obs.offset_from).replace(tzinfo=None)
        part.add("DTSTART", onset_wall)
        part.add("TZOFFSETFROM", obs.offset_from)
        part.add("TZOFFSETTO", obs.offset)
        part.add("TZNAME", obs.name or "UTC")
        component.add_component(part)
    return component


# -- events -----------------------------------------------------------------------------------


def _description(slot: Slot, links: SiteLinks) -> str:
    lines: list[str] = []
    words = links.words
    if slot.status == SessionStatus.CANCELLED:
        lines += [words.cancelled_note, ""]
    if slot.summary.strip():
        lines += [slot.summary.strip(), ""]
    lines.append(words.join.format(url=links.join_url(slot)))
    when = tz.organiser_time(slot.starts_at_utc, slot.tz_name, words.when, zone="name")
    lines.append(words.organised.format(organisation=slot.organisation_name, when=when))
    if slot.hosts:
        lines.append(words.hosts.format(hosts=", ".join(slot.hosts)))
    if slot.languages:
        lines.append(words.languages.format(languages=", ".join(slot.languages)))
    lines.append(words.details.format(url=links.session_url(slot.uid)))
    return "\n".join(lines)


def build_event(slot: Slot, links: SiteLinks) -> Event:
    """The VEVENT for one slot."""
    stamp = slot.updated_at_utc or EPOCH
    event = Event()
    event.add("UID", links.event_uid(slot))
    event.add("DTSTAMP", stamp)
    event.add("LAST-MODIFIED", stamp)
    event.add("SEQUENCE", slot.revision)
    if written_in_utc(slot):
        event.add("DTSTART", slot.starts_at_utc.astimezone(UTC))
        event.add("DTEND", slot.ends_at_utc.astimezone(UTC))
    else:
        event.add("DTSTART", tz.localize(slot.starts_at_utc, slot.tz_name))
        event.add("DTEND", tz.localize(slot.ends_at_utc, slot.tz_name))
    cancelled = slot.status == SessionStatus.CANCELLED
    title = links.words.cancelled_title.format(title=slot.title) if cancelled else slot.title
    event.add("SUMMARY", title)
    event.add("DESCRIPTION", _description(slot, links))
    event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("URL", links.session_url(slot.uid), parameters={"VALUE": "URI"})
    join = links.join_url(slot)
    event.add("LOCATION", join)
    # RFC 7986 §5.11; most clients ignore it, hence the link in DESCRIPTION and LOCATION too.
    conference = vUri(join)
    conference.params.update({"VALUE": "URI", "FEATURE": ["VIDEO", "AUDIO", "CHAT"]})
    conference.params["LABEL"] = "Live room"
    event.add("CONFERENCE", conference)
    event.add("CATEGORIES", [slot.kind])
    event.add("TRANSP", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def render_event(slot: Slot, links: SiteLinks) -> bytes:
    """The serialized VEVENT (CRLF, folded at 75 octets on character boundaries)."""
    data: bytes = build_event(slot, links).to_ical()
    return data


def _zone_ranges(slots: Sequence[Slot]) -> dict[str, tuple[date, date]]:
    ranges: dict[str, tuple[datetime, datetime]] = {}
    for slot in slots:
        if written_in_utc(slot):
            continue
        low, high = ranges.get(slot.tz_name, (slot.starts_at_utc, slot.ends_at_utc))
        ranges[slot.tz_name] = (min(low, slot.starts_at_utc), max(high, slot.ends_at_utc))
    return {
        name: (
            (low - ZONE_MARGIN).astimezone(UTC).date(),
            (high + ZONE_MARGIN).astimezone(UTC).date(),
        )
        for name, (low, high) in sorted(ranges.items())
    }


class EventMemo(Protocol):
    """Where rendered VEVENTs are kept between renders (a dict, or a bounded LRU)."""

    def get(self, key: tuple[Slot, SiteLinks], /) -> bytes | None: ...

    def __setitem__(self, key: tuple[Slot, SiteLinks], value: bytes, /) -> None: ...


def build_calendar(
    slots: Sequence[Slot],
    info: CalendarInfo,
    links: SiteLinks,
    memo: EventMemo | None = None,
) -> bytes:
    """A whole VCALENDAR for ``slots`` (shown in the given order), as bytes.

    ``memo`` maps (slot, links) to rendered VEVENT bytes; a Slot is immutable and compares by
    content, so an entry is valid exactly as long as nothing about the session changed.
    """
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    # TEXT values (RFC 7986 §5.1, §5.2; RFC 5545 §3.3.11): commas, semicolons, backslashes and
    # line breaks escaped. icalendar only knows DESCRIPTION as TEXT and would write the others
    # raw, which strict parsers refuse ("(French, Workshop)") and a line break cannot be.
    calendar.add("NAME", vText(info.name))
    calendar.add("X-WR-CALNAME", vText(info.name))
    if info.description:
        calendar.add("DESCRIPTION", vText(info.description))
        calendar.add("X-WR-CALDESC", vText(info.description))
    if info.url:
        calendar.add("URL", info.url, parameters={"VALUE": "URI"})
    if info.source_url:
        calendar.add("SOURCE", info.source_url, parameters={"VALUE": "URI"})
    refresh = timedelta(minutes=info.refresh_minutes)
    calendar.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(refresh))
    for name, (first, last) in _zone_ranges(slots).items():
        calendar.add_component(vtimezone(name, first, last))
    head: bytes = calendar.to_ical()
    closing = b"END:VCALENDAR\r\n"
    assert head.endswith(closing)
    parts = [head[: -len(closing)]]
    for slot in slots:
        if memo is None:
            parts.append(render_event(slot, links))
            continue
        key = (slot, links)
        rendered = memo.get(key)
        if rendered is None:
            rendered = memo[key] = render_event(slot, links)
        parts.append(rendered)
    parts.append(closing)
    return b"".join(parts)


# -- "add to my calendar" links ---------------------------------------------------------------


def _utc_compact(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _utc_iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _short_details(slot: Slot, links: SiteLinks) -> str:
    text = slot.summary.strip()
    if len(text) > 500:
        text = text[:497].rstrip() + "..."
    parts = [text] if text else []
    parts += [
        links.words.join.format(url=links.join_url(slot)),
        links.words.details.format(url=links.session_url(slot.uid)),
    ]
    return "\n\n".join(parts)


def google_calendar_url(slot: Slot, links: SiteLinks) -> str:
    """Google Calendar's "add event" template link, times in UTC."""
    query = {
        "action": "TEMPLATE",
        "text": slot.title,
        "dates": f"{_utc_compact(slot.starts_at_utc)}/{_utc_compact(slot.ends_at_utc)}",
        "details": _short_details(slot, links),
        "location": links.join_url(slot),
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_url(slot: Slot, links: SiteLinks, host: str = "outlook.live.com") -> str:
    """Outlook's compose deep link (``outlook.office.com`` for work accounts), times in UTC."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": slot.title,
        "startdt": _utc_iso(slot.starts_at_utc),
        "enddt": _utc_iso(slot.ends_at_utc),
        "body": _short_details(slot, links),
        "location": links.join_url(slot),
    }
    return f"https://{host}/calendar/0/deeplink/compose?" + urlencode(query)


def webcal_url(https_url: str) -> str:
    """The ``webcal://`` form of a feed address (subscribe rather than import)."""
    parts = urlsplit(https_url)
    return "webcal://" + https_url[len(parts.scheme) + 3 :]
