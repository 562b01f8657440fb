"""A room driven through its real rules: decide, then commit, with a hand-moved clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from realtime.events import Context, Event, Outcome
from realtime.identity import Identity
from realtime.rooms import room
from realtime.rooms.lifecycle import RoomInfo

START = datetime(2027, 1, 24, 12, 0, tzinfo=UTC)

ALICE = Identity("g:alice", "Alice")
BOB = Identity("g:bob", "Bob")
CAROL = Identity("g:carol", "Carol")
HOST = Identity("u:host", "Host", moderator=True)
#: Someone signed in (an account) who is not a moderator.
SIGNED_IN = Identity("u:sam", "Sam", signed_in=True)
#: Who the room's server-issued commands come from (realtime.runtime.SERVER).
SERVER = Identity("", "Server", moderator=True, signed_in=True)


class Driver:
    def __init__(self, info: RoomInfo | None = None, now: datetime = START) -> None:
        self.state = room.RoomState(info or RoomInfo("lobby-test", "Test lobby", "lobby"))
        self.now = now
        self.events: list[Event] = []

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def do(self, who: Identity, message_type: str, **data: Any) -> Outcome:
        ctx = Context(who, self.now)
        outcome = room.decide(self.state, ctx, message_type, data)
        self.events.extend(room.commit(self.state, ctx, outcome))
        return outcome

    def ask(self, who: Identity, message_type: str) -> dict[str, Any]:
        return room.query(self.state, Context(who, self.now), message_type)

    def snapshot(self, who: Identity) -> dict[str, Any]:
        return room.snapshot(self.state, who, self.now, {"count": 0})

    def last(self) -> Event:
        return self.events[-1]


@pytest.fixture
def driver() -> Driver:
    return Driver()
