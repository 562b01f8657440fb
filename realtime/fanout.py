"""Local fan-out: the members of one room in this process, and broadcasting to them.

Each broadcast is encoded once per view (public, moderator), never once per member; a member
gets the same string object as every other member with the same view. Putting a frame in a
member's outbox never waits; a member whose outbox is full is cut off (close 4000).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from realtime import protocol
from realtime.events import MODERATOR, PUBLIC, Event
from realtime.identity import Identity
from realtime.outbox import Outbox


class Member:
    """One connection in a room: who it is, where its frames go, what it has already seen."""

    __slots__ = ("identity", "outbox", "floor", "address")

    def __init__(self, identity: Identity, outbox: Outbox, address: str = "") -> None:
        self.identity = identity
        self.outbox = outbox
        #: The opaque key of the network address it connects from ("" when unknown).
        self.address = address
        #: Events up to this seq reached the member by its join (snapshot or replay).
        self.floor = 0

    def send(self, frame: str, force: bool = False) -> bool:
        """Queue a frame; on overflow close the connection as too slow and return False."""
        if self.outbox.put(frame, force):
            return True
        self.outbox.close(protocol.CLOSE_TOO_SLOW, "too slow", drop_pending=True)
        return False

    def send_all(self, frames: list[str]) -> None:
        """Queue what a join sends, past the bounds, in one go (one write when the socket
        takes it at once; realtime/writer.py)."""
        self.outbox.put_all(frames)


def visible_frames(events: Iterable[Event], moderator: bool) -> list[str]:
    return [protocol.encode(e.frame()) for e in events if e.visible_to(moderator)]


class Audience:
    """Everyone in one room on this process."""

    def __init__(self, on_drop: Callable[[Member], None]) -> None:
        self.members: set[Member] = set()
        self.moderators = 0
        self._on_drop = on_drop

    def __len__(self) -> int:
        return len(self.members)

    def add(self, member: Member) -> None:
        if member not in self.members:
            self.members.add(member)
            self.moderators += member.identity.moderator

    def discard(self, member: Member) -> None:
        if member in self.members:
            self.members.discard(member)
            self.moderators -= member.identity.moderator

    def events(self, events: list[Event]) -> None:
        """Broadcast consecutive events (as one frame per view) to members who lack them."""
        public_frames: list[str] = []
        moderator_frames: list[str] = []
        for event in events:
            if event.visibility == PUBLIC:
                encoded = protocol.encode(event.frame())
                public_frames.append(encoded)
                moderator_frames.append(encoded)
            elif event.visibility == MODERATOR:
                moderator_frames.append(protocol.encode(event.frame()))
        if not moderator_frames:
            return
        public = protocol.batch(public_frames) if public_frames else None
        moderator = (
            public
            if len(moderator_frames) == len(public_frames)
            else protocol.batch(moderator_frames)
        )
        first, last = events[0].seq, events[-1].seq
        dropped: list[Member] = []
        for member in self.members:
            if member.floor >= first:
                if member.floor >= last:
                    continue
                newer = [e for e in events if e.seq > member.floor]
                frames = visible_frames(newer, member.identity.moderator)
                frame = protocol.batch(frames) if frames else None
            else:
                frame = moderator if member.identity.moderator else public
            if frame is not None and not member.send(frame):
                dropped.append(member)
        self._drop(dropped)

    def transient(self, views: dict[str, str], pick: Callable[[Member], str]) -> None:
        """Broadcast a transient frame; ``pick`` names each member's view in ``views``."""
        dropped = [m for m in self.members if not m.send(views[pick(m)])]
        self._drop(dropped)

    def leave(self, member: Member) -> None:
        """``member`` left (its connection ended); nothing if it had already been dropped."""
        if member in self.members:
            self._drop([member])

    def everyone(self, frame: str) -> None:
        """Broadcast one transient frame to every member."""
        self.transient({"all": frame}, lambda member: "all")

    def close_all(self, code: int, reason: str) -> None:
        """Close every connection (after what is already queued); nobody is left."""
        for member in list(self.members):
            member.outbox.close(code, reason)
            self.discard(member)

    def guest_addresses(self, identity_id: str) -> list[str]:
        """Where the guest connections (not signed in) of one identity connect from."""
        return [
            m.address
            for m in self.members
            if m.identity.id == identity_id and not m.identity.signed_in
        ]

    def close_identity(self, identity_id: str, code: int, reason: str) -> None:
        """Close every connection of one identity (after what is already queued)."""
        for member in [m for m in self.members if m.identity.id == identity_id]:
            member.outbox.close(code, reason)
            self.discard(member)
            self._on_drop(member)

    def _drop(self, members: list[Member]) -> None:
        for member in members:
            self.discard(member)
            self._on_drop(member)
