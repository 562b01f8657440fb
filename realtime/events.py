"""Room events: what features decide, what the log stores, what clients are shown.

A feature turns a command into :class:`Draft` events; the room gives each the next sequence
number and the time, making an :class:`Event`. Visibility says who may ever see it:
``public`` (everyone), ``moderator`` (moderators only) or ``private`` (stored for the room's
state, never sent: individual votes and quiz answers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from realtime.frames import EventFrame
from realtime.identity import Identity

PUBLIC = "public"
MODERATOR = "moderator"
PRIVATE = "private"
VISIBILITIES = (PUBLIC, MODERATOR, PRIVATE)


def iso(instant: datetime) -> str:
    """An aware instant as ISO 8601 in UTC with ``Z``, as every time on the wire is written."""
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Draft:
    """An event a feature decided on, before it has a place in the room's order."""

    kind: str
    data: dict[str, Any]
    visibility: str = PUBLIC
    audit: bool = False  # a moderator action: also written to the audit trail


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a room's log: ``seq`` is its place in the room's single total order."""

    seq: int
    kind: str
    at_utc: datetime
    actor: str  # identity id ("" for the system)
    data: dict[str, Any]
    visibility: str = PUBLIC
    audit: bool = False

    def __post_init__(self) -> None:
        if self.at_utc.tzinfo is None:
            raise ValueError("Event.at_utc must be timezone-aware")

    def visible_to(self, moderator: bool) -> bool:
        return self.visibility == PUBLIC or (moderator and self.visibility == MODERATOR)

    def frame(self) -> EventFrame:
        """The client-facing frame of this event."""
        return {"type": self.kind, "seq": self.seq, "at": self.at_utc, "data": self.data}


@dataclass(frozen=True, slots=True)
class Context:
    """Who asks and when: everything a feature's rules may depend on besides the state."""

    actor: Identity
    now: datetime

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("Context.now must be timezone-aware")


@dataclass(slots=True)
class Outcome:
    """What a command produced: events to log, and data for the sender's ``ok`` reply."""

    drafts: list[Draft] = field(default_factory=list)
    reply: dict[str, Any] = field(default_factory=dict)
