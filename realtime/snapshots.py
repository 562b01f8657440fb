"""What a joining connection gets: a replay of what it missed, or a snapshot, and which.

A join is answered, in this order, by an ``ok`` (mode, head, who you are, status, presence),
``room.degraded`` while the servers cannot reach each other, then either the events after the
client's ``last_seq`` (a replay, from the room's recent events in memory or else the store) or a
snapshot of the room's state. A newcomer with nothing personal in the room gets the public
snapshot, encoded once per room state and shared by every such newcomer: a join storm in a big
room then encodes (and holds) one copy instead of one per joiner.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime
from typing import TypedDict

from realtime import protocol
from realtime.events import Event
from realtime.fanout import visible_frames
from realtime.identity import Identity
from realtime.rooms import room
from realtime.rooms.presence import Presence
from realtime.storage import EventStore

#: A client further behind than this gets a snapshot instead of a replay.
REPLAY_LIMIT = 1000
#: Recent events kept in memory to serve replays without reading the store.
RECENT_KEEP = 1000
#: Events per frame in a replay.
REPLAY_CHUNK = 200


def snapshot_reason(last_seq: int | None, head: int) -> str | None:
    """Why this join gets a snapshot rather than a replay (None: replay)."""
    if last_seq is None:
        return "first_join"
    if last_seq > head:
        return "unknown_seq"
    if head - last_seq > REPLAY_LIMIT:
        return "too_far_behind"
    return None


class Recent:
    """A room's latest events in memory, consecutive, to replay without reading the store."""

    def __init__(self, keep: int = RECENT_KEEP) -> None:
        self.events: deque[Event] = deque(maxlen=keep)

    def reset(self, events: list[Event]) -> None:
        """Start again from the room's log (or its end)."""
        self.events.clear()
        self.events.extend(events[-(self.events.maxlen or 0) :])

    def add(self, event: Event) -> None:
        """Keep ``event`` if it follows the last one kept."""
        if not self.events or event.seq == self.events[-1].seq + 1:
            self.events.append(event)

    def between(self, after: int, head: int) -> list[Event] | None:
        """The events with ``after < seq <= head``; None when memory does not hold them all."""
        if after >= head:
            return []
        events = self.events
        if events and events[0].seq <= after + 1 and events[-1].seq >= head:
            return [e for e in events if after < e.seq <= head]
        return None


async def replay(
    recent: Recent, store: EventStore, name: str, after: int, head: int
) -> list[Event]:
    """The events of room ``name`` with ``after < seq <= head``, from memory or else the store."""
    found = recent.between(after, head)
    if found is None:
        found = await store.read(name, after, head - after)
    return found


class JoinReply(TypedDict):
    """The data of the ``ok`` that answers a join."""

    mode: str  # "snapshot" or "replay"
    seq: int  # the room's head: what follows the join is numbered after it
    you: room.You
    status: str
    presence: dict[str, int]


class SnapshotCache:
    """One room's encoded public snapshot, kept until the room's seq or status changes."""

    def __init__(self) -> None:
        self._key: tuple[int, str, str] | None = None
        self._frame = ""

    def frame(
        self,
        state: room.RoomState,
        who: Identity,
        reason: str,
        now: datetime,
        presence: Presence,
    ) -> str:
        """The encoded ``snapshot`` frame for ``who``."""
        if not room.is_fresh(state, who):
            data = room.snapshot(state, who, now, presence.view(who.moderator))
            return protocol.encode(
                {"type": "snapshot", "seq": state.seq, "data": data | {"reason": reason}}
            )
        key = (state.seq, reason, state.status(now).value)
        if key != self._key:
            data = room.snapshot(state, room.ANYONE, now) | {"reason": reason}
            self._frame = protocol.encode({"type": "snapshot", "seq": state.seq, "data": data})
            self._key = key
        return self._frame

    def join_frames(
        self,
        state: room.RoomState,
        who: Identity,
        ref: str | int | None,
        head: int,
        reason: str | None,
        replayed: Iterable[Event],
        now: datetime,
        presence: Presence,
        degraded: str | None,
    ) -> list[str]:
        """Everything a member who joined at ``head`` is sent, in order (``reason``: why it gets
        a snapshot, None for a replay of ``replayed``; ``degraded``: the room.degraded frame
        while the servers cannot reach each other)."""
        reply: JoinReply = {
            "mode": "snapshot" if reason else "replay",
            "seq": head,
            "you": room.you(state, who, now),
            "status": state.status(now).value,
            "presence": {"count": presence.count},
        }
        frames = [protocol.ok(ref, dict(reply))]
        if degraded is not None:
            frames.append(degraded)
        if reason:
            frames.append(self.frame(state, who, reason, now, presence))
        else:
            events = visible_frames(replayed, who.moderator)
            for start in range(0, len(events), REPLAY_CHUNK):
                frames.append(protocol.batch(events[start : start + REPLAY_CHUNK]))
        return frames
