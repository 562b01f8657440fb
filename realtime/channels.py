"""Room names and the broker channel of each room.

A session's room is ``session-<uid>``; a festival edition's lobby is ``lobby-<edition slug>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from realtime.errors import NotFoundError

_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
CHANNEL_PREFIX = "room:"


class RoomKind(StrEnum):
    SESSION = "session"
    LOBBY = "lobby"


@dataclass(frozen=True, slots=True)
class RoomName:
    kind: RoomKind
    key: str  # the session uid or the edition slug

    def __str__(self) -> str:
        return f"{self.kind.value}-{self.key}"


def parse_room_name(name: str) -> RoomName:
    """Split ``session-<uid>`` / ``lobby-<slug>``; anything else is ``room.unknown``."""
    kind, _, key = name.partition("-")
    if kind not in {k.value for k in RoomKind} or not _KEY.fullmatch(key):
        raise NotFoundError(f"There is no room called {name[:120]!r}.", "room.unknown")
    return RoomName(RoomKind(kind), key)


def session_room(uid: str) -> str:
    return str(RoomName(RoomKind.SESSION, uid))


def lobby_room(edition_slug: str) -> str:
    return str(RoomName(RoomKind.LOBBY, edition_slug))


def channel_for(room: str) -> str:
    """The broker channel that carries a room's events between processes."""
    return CHANNEL_PREFIX + room
