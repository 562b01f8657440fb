"""The programme in the formats conference apps read: frab schedule XML and c3voc schedule JSON.

Both describe the same data (the c3voc schema at voc/schedule ``validator/``; pretalx and frab
export it; Giggity, ConfClerk and EventFahrplan read it). How our concepts map:

* conference: the festival edition; ``acronym`` is its slug with ``_`` for ``-`` (the schema
  allows no hyphen there); ``time_zone_name`` is ``UTC`` because the festival has no single
  zone: every event's ``date`` carries its organiser's own UTC offset instead.
* day: a festival date. An event belongs to the day that is its start date *in its organiser's
  zone* (the festival's local-day rule); ``day_start``/``day_end`` are that date's global window.
* room: the session's stream when it has one, else its organisation's online room.
* track: the organisation. ``type``: the session kind. ``language``: its first language (all of
  them in ``description``). ``persons``: the hosts.
* Only published sessions are exported; apps have no notion of a cancelled event.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from scheduling import tz
from scheduling.ical import SiteLinks
from scheduling.slots import Slot
from scheduling.vocabulary import SessionStatus
from scheduling.window import local_date, window_for

SCHEDULE_VERSION = "1.0"
GENERATOR = "learningplanet-festival"
#: Namespace for the uuid5 of rooms and persons (stable across exports and hosts).
EXPORT_NAMESPACE = uuid.UUID("3c0f5a52-9f1e-4c57-a3a5-6a1e24012027")
_UUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


@dataclass(frozen=True)
class ProgrammeInfo:
    """The edition being exported."""

    title: str
    slug: str
    days: tuple[date, ...]
    links: SiteLinks
    url: str = ""  # the programme page
    description: str = ""
    version: str = SCHEDULE_VERSION  # bump-free: consumers compare the whole document

    @property
    def acronym(self) -> str:
        acronym = re.sub(r"[^a-z0-9_]", "_", self.slug.lower())
        return acronym if len(acronym) >= 4 else (acronym + "____")[:4]


@dataclass(frozen=True)
class ExportEvent:
    """One exported session with everything both formats need."""

    slot: Slot
    day_index: int
    room: str
    guid: str
    slug: str
    local_start: datetime  # aware, organiser's zone


def event_id(slot: Slot) -> int:
    """The legacy numeric id: the database id, or a stable number for slots without one."""
    if slot.id >= 1:
        return slot.id
    return uuid.uuid5(EXPORT_NAMESPACE, f"id:{slot.uid}").int % 1_000_000_000 + 1


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _guid(slot: Slot) -> str:
    if _UUID.fullmatch(slot.uid):
        return slot.uid.lower()
    return str(uuid.uuid5(EXPORT_NAMESPACE, f"session:{slot.uid}"))


def room_name(slot: Slot) -> str:
    return slot.stream.strip() or f"{slot.organisation_name} (online)"


def room_guid(name: str) -> str:
    return str(uuid.uuid5(EXPORT_NAMESPACE, f"room:{name}"))


def person_guid(name: str) -> str:
    return str(uuid.uuid5(EXPORT_NAMESPACE, f"person:{name}"))


def _duration(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return f"{hours:02d}:{mins:02d}"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def export_events(slots: Sequence[Slot], info: ProgrammeInfo) -> list[ExportEvent]:
    """Published slots on a festival date (local-day rule), in day, start and uid order."""
    index_of = {day: i + 1 for i, day in enumerate(sorted(info.days))}
    events: list[ExportEvent] = []
    for slot in slots:
        if slot.status != SessionStatus.PUBLISHED:
            continue
        day = local_date(slot.starts_at_utc, slot.tz_name)
        if day not in index_of:
            continue
        title_slug = _slugify(slot.title)[:60].strip("-") or "session"
        events.append(
            ExportEvent(
                slot=slot,
                day_index=index_of[day],
                room=room_name(slot),
                guid=_guid(slot),
                slug=f"{info.acronym}-{event_id(slot)}-{title_slug}",
                local_start=tz.localize(slot.starts_at_utc, slot.tz_name),
            )
        )
    events.sort(key=lambda e: (e.day_index, e.slot.starts_at_utc, e.slot.uid))
    return events


def _rooms(events: Sequence[ExportEvent]) -> list[str]:
    return sorted({e.room for e in events})


def _tracks(events: Sequence[ExportEvent]) -> list[tuple[str, str]]:
    tracks = {e.slot.organisation_name: e.slot.organisation_slug for e in events}
    return sorted(tracks.items())


def _description(slot: Slot) -> str:
    parts = [slot.summary.strip()] if slot.summary.strip() else []
    when = tz.organiser_time(slot.starts_at_utc, slot.tz_name, "%H:%M {label}", zone="name")
    parts.append(f"{when}; organised by {slot.organisation_name}.")
    if slot.languages:
        parts.append("Languages: " + ", ".join(slot.languages))
    if slot.sdgs:
        parts.append("SDGs: " + ", ".join(str(n) for n in slot.sdgs))
    return "\n\n".join(parts)


def _json_event(event: ExportEvent, info: ProgrammeInfo) -> dict[str, object]:
    slot = event.slot
    end = tz.localize(slot.ends_at_utc, slot.tz_name)
    return {
        "id": event_id(slot),
        "guid": event.guid,
        "date": _iso(event.local_start),
        "start": f"{event.local_start:%H:%M}",
        "end": _iso(end),
        "duration": _duration(slot.duration_minutes),
        "room": event.room,
        "slug": event.slug,
        "url": info.links.session_url(slot.uid),
        "title": slot.title,
        "subtitle": "",
        "track": slot.organisation_name,
        "type": slot.kind,
        "language": slot.languages[0] if slot.languages else None,
        "abstract": slot.summary,
        "description": _description(slot),
        "recording_license": "",
        "do_not_record": True,
        "persons": [
            {"name": host, "public_name": host, "guid": person_guid(host)} for host in slot.hosts
        ],
        "links": [{"url": info.links.join_url(slot), "title": "Join the live room", "type": "web"}],
        "attachments": [],
    }


def schedule_json(slots: Sequence[Slot], info: ProgrammeInfo) -> dict[str, object]:
    """The c3voc/pretalx schedule JSON as a dict."""
    events = export_events(slots, info)
    days: list[dict[str, object]] = []
    for index, day in enumerate(sorted(info.days), start=1):
        window = window_for(day)
        rooms: dict[str, list[dict[str, object]]] = {}
        for event in events:
            if event.day_index == index:
                rooms.setdefault(event.room, []).append(_json_event(event, info))
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": _iso(window.starts_at_utc),
                "day_end": _iso(window.ends_at_utc),
                "rooms": dict(sorted(rooms.items())),
            }
        )
    conference: dict[str, object] = {
        "acronym": info.acronym,
        "title": info.title,
        "start": min(info.days).isoformat(),
        "end": max(info.days).isoformat(),
        "daysCount": len(info.days),
        "timeslot_duration": "00:05",
        "time_zone_name": "UTC",
        "url": info.url or info.links.site_url,
        "tracks": [
            {"name": name, "slug": _slugify(slug) or "track"} for name, slug in _tracks(events)
        ],
        "rooms": [{"name": name, "guid": room_guid(name)} for name in _rooms(events)],
        "days": days,
    }
    if info.description:
        conference["description"] = info.description
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": SCHEDULE_VERSION},
        "schedule": {
            "version": info.version,
            "base_url": info.links.site_url + "/",
            "conference": conference,
        },
    }


def schedule_json_bytes(slots: Sequence[Slot], info: ProgrammeInfo) -> bytes:
    text = json.dumps(schedule_json(slots, info), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _xml_event(parent: ET.Element, event: ExportEvent, info: ProgrammeInfo) -> None:
    slot = event.slot
    node = _sub(parent, "event", id=str(event_id(slot)), guid=event.guid)
    _sub(node, "room", event.room)
    _sub(node, "title", slot.title)
    _sub(node, "subtitle", "")
    _sub(node, "type", slot.kind)
    _sub(node, "date", _iso(event.local_start))
    _sub(node, "start", f"{event.local_start:%H:%M}")
    _sub(node, "duration", _duration(slot.duration_minutes))
    _sub(node, "abstract", slot.summary)
    _sub(node, "slug", event.slug)
    _sub(node, "track", slot.organisation_name)
    persons = _sub(node, "persons")
    for host in slot.hosts:
        _sub(persons, "person", host, guid=person_guid(host))
    if slot.languages:
        _sub(node, "language", slot.languages[0])
    _sub(node, "description", _description(slot))
    links = _sub(node, "links")
    _sub(links, "link", "Join the live room", href=info.links.join_url(slot))
    _sub(node, "url", info.links.session_url(slot.uid))


def schedule_xml_bytes(slots: Sequence[Slot], info: ProgrammeInfo) -> bytes:
    """The frab schedule XML (c3voc ``schedule.xml.xsd``)."""
    events = export_events(slots, info)
    root = ET.Element("schedule")
    _sub(root, "generator", name=GENERATOR, version=SCHEDULE_VERSION)
    _sub(root, "version", info.version)
    conference = _sub(root, "conference")
    _sub(conference, "title", info.title)
    _sub(conference, "acronym", info.acronym)
    _sub(conference, "start", min(info.days).isoformat())
    _sub(conference, "end", max(info.days).isoformat())
    _sub(conference, "days", str(len(info.days)))
    _sub(conference, "timeslot_duration", "00:05")
    _sub(conference, "base_url", info.links.site_url + "/")
    _sub(conference, "url", info.url or info.links.site_url)
    _sub(conference, "time_zone_name", "UTC")
    for name, _slug in _tracks(events):
        _sub(conference, "track", name, name=name)
    for index, day in enumerate(sorted(info.days), start=1):
        window = window_for(day)
        day_node = _sub(
            root,
            "day",
            index=str(index),
            date=day.isoformat(),
            start=_iso(window.starts_at_utc),
            end=_iso(window.ends_at_utc),
        )
        rooms: dict[str, list[ExportEvent]] = {}
        for event in events:
            if event.day_index == index:
                rooms.setdefault(event.room, []).append(event)
        for name in sorted(rooms):
            room_node = _sub(day_node, "room", name=name, guid=room_guid(name))
            for event in rooms[name]:
                _xml_event(room_node, event, info)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
