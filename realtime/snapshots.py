"""What a joining connection gets: a replay of what it missed, or a snapshot, and which.

A newcomer with nothing personal in the room gets the public snapshot, encoded once per room
state and shared by every such newcomer: a join storm in a big room then encodes (and holds)
one copy instead of one per joiner.
"""

from __future__ import annotations

from datetime import datetime

from realtime import protocol
from realtime.identity import Identity
from realtime.rooms import room
from realtime.rooms.presence import Presence

#: A client further behind than this gets a snapshot instead of a replay.
REPLAY_LIMIT = 1000


def snapshot_reason(last_seq: int | None, head: int) -> str | None:
    """Why this join gets a snapshot rather than a replay (None: replay)."""
    if last_seq is None:
        return "first_join"
    if last_seq > head:
        return "unknown_seq"
    if head - last_seq > REPLAY_LIMIT:
        return "too_far_behind"
    return None


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
