"""The frames the server sends, as types: what crosses from the room to the socket.

Client frames are parsed into :class:`realtime.protocol.ClientFrame`; server frames are built
as these dictionaries and encoded once by :func:`realtime.protocol.encode` (``batch`` frames are
joined from already-encoded frames and have no type here). docs/protocol.md describes each.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal, TypedDict

#: What a client chose to match replies with (a short string or a number), or None.
Ref = str | int | None


class OkFrame(TypedDict):
    """The reply to a client frame that carried a ``ref``."""

    type: Literal["ok"]
    ref: Ref
    data: Mapping[str, object]


class ErrorFrame(TypedDict):
    """The reply to a refused frame: ``data`` has ``code``, ``message`` and the details."""

    type: Literal["error"]
    ref: Ref
    data: Mapping[str, object]


class EventFrame(TypedDict):
    """A numbered room event, in the room's single order."""

    type: str
    seq: int
    at: datetime  # written as ISO 8601 UTC with Z
    data: Mapping[str, object]


class TransientFrame(TypedDict):
    """An unnumbered update that states a current value (presence, tallies, status)."""

    type: str
    data: Mapping[str, object]


class SnapshotFrame(TypedDict):
    """The room's state for one participant, as of ``seq``."""

    type: Literal["snapshot"]
    seq: int
    data: Mapping[str, object]


ServerFrame = OkFrame | ErrorFrame | EventFrame | TransientFrame | SnapshotFrame
