"""What the workers serving one room tell each other on its channel, and its one codec.

Four messages, each a frozen dataclass:

| message | sent by | when | what the receivers do |
|---|---|---|---|
| :class:`Events` | the lease holder | after committing a batch | deliver them in ``seq`` order |
| :class:`Reactions` | every worker | once a second, when it had any | add them to the next tick |
| :class:`Head` | a worker whose broker is back | after an outage | read the store if behind |
| :class:`Want` | a worker waiting for the lease | at most every 100 ms | the holder lets go |

:func:`encode` and :func:`decode` are the only code that turns them into bytes and back. The
bytes are JSON objects told apart by their one distinguishing key (``events``, ``reactions``,
``head``, ``want``), as earlier versions wrote them, so that the workers of two versions side
by side during a rolling restart still understand each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NotRequired, TypedDict

import orjson

from realtime.events import Event


class BackplaneError(ValueError):
    """Bytes on a room's channel that are no message of this protocol."""


@dataclass(frozen=True, slots=True)
class Events:
    """Committed events of one room, consecutive and in ``seq`` order."""

    room: str
    events: list[Event]


@dataclass(frozen=True, slots=True)
class Reactions:
    """One worker's reaction counts of the last second (emoji -> count)."""

    room: str
    origin: str
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class Head:
    """The room's last committed ``seq`` as one worker knows it."""

    room: str
    head: int


@dataclass(frozen=True, slots=True)
class Want:
    """A worker (``origin``) waits for the room's write lease."""

    room: str
    origin: str


Message = Events | Reactions | Head | Want


class EventWire(TypedDict):
    """One complete event as carried between workers (clients get :meth:`Event.frame`)."""

    seq: int
    kind: str
    at: str  # ISO 8601 with its offset
    actor: str
    data: dict[str, Any]
    visibility: str
    audit: bool


class MessageWire(TypedDict):
    """The JSON object on the channel: ``room`` and the keys of exactly one message."""

    room: str
    events: NotRequired[list[EventWire]]
    reactions: NotRequired[dict[str, int]]
    origin: NotRequired[str]
    head: NotRequired[int]
    want: NotRequired[str]


def _event_wire(event: Event) -> EventWire:
    return {
        "seq": event.seq,
        "kind": event.kind,
        "at": event.at_utc.isoformat(),
        "actor": event.actor,
        "data": event.data,
        "visibility": event.visibility,
        "audit": event.audit,
    }


def _event(wire: EventWire) -> Event:
    return Event(
        seq=wire["seq"],
        kind=wire["kind"],
        at_utc=datetime.fromisoformat(wire["at"]),
        actor=wire["actor"],
        data=wire["data"],
        visibility=wire["visibility"],
        audit=wire["audit"],
    )


def encode(message: Message) -> bytes:
    """The bytes to publish on the room's channel."""
    wire: MessageWire
    match message:
        case Events(room, events):
            wire = {"room": room, "events": [_event_wire(event) for event in events]}
        case Reactions(room, origin, counts):
            wire = {"room": room, "origin": origin, "reactions": counts}
        case Head(room, head):
            wire = {"room": room, "head": head}
        case Want(room, origin):
            wire = {"room": room, "want": origin}
    return orjson.dumps(wire)


def decode(raw: bytes) -> Message:
    """The message in ``raw``; raises :class:`BackplaneError` if it is none."""
    try:
        wire: MessageWire = orjson.loads(raw)
        room = wire["room"]
        if "events" in wire:
            return Events(room, [_event(event) for event in wire["events"]])
        if "reactions" in wire:
            return Reactions(room, wire["origin"], wire["reactions"])
        if "head" in wire:
            return Head(room, wire["head"])
        if "want" in wire:
            return Want(room, wire["want"])
    except (TypeError, KeyError, ValueError) as exc:  # orjson's JSONDecodeError is a ValueError
        raise BackplaneError(f"not a backplane message: {exc!r}") from exc
    raise BackplaneError(f"not a backplane message: no known key in {sorted(wire)}")
