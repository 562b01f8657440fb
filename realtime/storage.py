"""What the live rooms need from storage, and in-memory implementations of it.

The application implements these over its database (festival/stores/rooms.py); the in-memory
ones serve the hub's own tests and a database-less development run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from realtime.errors import NotFoundError
from realtime.events import Event
from realtime.rooms.lifecycle import RoomInfo


class SeqConflictError(Exception):
    """Another writer already stored an event with one of these sequence numbers."""


class EventStore(Protocol):
    """A durable, append-only log per room, ordered by ``seq`` (1, 2, 3, ...)."""

    async def append(self, room: str, events: Sequence[Event]) -> None:
        """Store ``events`` (consecutive seqs following the room's last) durably.

        Returns only once they would survive a crash; raises :class:`SeqConflictError` if a
        seq is taken, and stores none of them then.
        """
        ...

    async def read(self, room: str, after_seq: int, limit: int | None = None) -> list[Event]:
        """Events with ``seq > after_seq`` in order, at most ``limit``."""
        ...


class RoomCatalog(Protocol):
    """Which rooms exist, and what the programme says about each."""

    async def describe(self, room: str) -> RoomInfo:
        """The room's info; raises :class:`NotFoundError` ``room.unknown``."""
        ...


class MemoryEventStore:
    """An event log in a dict (lost with the process)."""

    def __init__(self) -> None:
        self.logs: dict[str, list[Event]] = {}

    async def append(self, room: str, events: Sequence[Event]) -> None:
        log = self.logs.setdefault(room, [])
        expected = len(log) + 1
        if [e.seq for e in events] != list(range(expected, expected + len(events))):
            raise SeqConflictError(f"room {room}: next seq is {expected}")
        log.extend(events)

    async def read(self, room: str, after_seq: int, limit: int | None = None) -> list[Event]:
        found = self.logs.get(room, [])[max(0, after_seq) :]
        return found if limit is None else found[:limit]


class StaticCatalog:
    """A fixed set of rooms."""

    def __init__(self, rooms: Sequence[RoomInfo]) -> None:
        self.rooms = {info.name: info for info in rooms}

    async def describe(self, room: str) -> RoomInfo:
        info = self.rooms.get(room)
        if info is None:
            raise NotFoundError(f"There is no room called {room!r}.", "room.unknown")
        return info
