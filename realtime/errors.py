"""Errors raised by the live-room core; the WebSocket edge turns each into an error reply.

RoomError                     room.error
 ├── ProtocolError            frame.*, session.*      (the frame itself is wrong)
 ├── InvalidError             chat.too_long, name.invalid, ... (the data is wrong)
 ├── NotFoundError            room.unknown, chat.not_found, ...
 ├── ForbiddenError           auth.forbidden, user.muted, user.banned, room.ended, ...
 ├── ConflictError            poll.closed, poll.already_voted, quiz.closed, ...
 ├── RateLimitedError         rate.limited, rate.slow_mode  (carries retry_after_seconds)
 │    └── AddressLimitedError address.*, rate.address  (realtime/admission.py)
 └── UnavailableError         server.unavailable, server.busy

Every code is listed in :data:`CODES` (and documented in docs/protocol.md, checked by a test);
raising an unlisted code is a programming error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

#: The codes of the frame, the session and the room as a whole, with the sentence a client
#: developer reads in the protocol doc. Each room feature lists its own (``Feature.errors``).
CORE_CODES: dict[str, str] = {
    "frame.malformed": "The frame is not a JSON object with `type`, optional `ref` and `data`.",
    "frame.too_large": "The frame is larger than the maximum frame size.",
    "frame.type_unknown": "The `type` is not a client message type.",
    "frame.data_invalid": "A field of `data` is missing or has the wrong type or range.",
    "session.not_joined": "Send `join` before anything else.",
    "session.already_joined": "This connection has already joined its room.",
    "room.unknown": "There is no room with this name.",
    "auth.forbidden": "Only the room's moderators can do this.",
    "name.invalid": "The display name is empty, too long or contains control characters.",
    "rate.limited": "Too many actions too quickly; wait `retry_after_seconds`.",
    "rate.address": "Too many actions from your network address; wait `retry_after_seconds`.",
    "address.connections": "Too many open connections from your network address.",
    "address.joins": "Too many joins from your network address; wait `retry_after_seconds`.",
    "address.guests": "Too many new guests from your network address; wait "
    "`retry_after_seconds` (a browser that keeps its cookie is not affected).",
    "server.unavailable": "The server could not store this; nothing was kept. Try again.",
    "server.busy": "The room is overloaded; try again in a moment.",
}


class _Codes(Mapping[str, str]):
    """Every stable error code: the core's and each room feature's.

    Gathered on first use: the features import this module to raise their errors, so it cannot
    import them while it loads.
    """

    def __init__(self) -> None:
        self._codes: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._codes is None:
            from realtime.rooms.room import FEATURES  # deferred: see the class docstring

            self._codes = CORE_CODES | {c: d for f in FEATURES for c, d in f.errors.items()}
        return self._codes

    def __getitem__(self, code: str) -> str:
        return self._all()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


#: Every stable error code with its description (docs/protocol.md has a row for each).
CODES: Mapping[str, str] = _Codes()


class RoomError(Exception):
    """Root of every error the live-room core raises; ``code`` is stable, ``message`` human."""

    code = "room.error"

    def __init__(self, message: str, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if self.code not in CODES:
            raise ValueError(f"unregistered error code {self.code!r}")
        self.message = message
        self.details = details

    def as_data(self) -> dict[str, Any]:
        """The ``data`` of an error reply."""
        return {"code": self.code, "message": self.message, **self.details}


class ProtocolError(RoomError):
    """The frame is unusable; ``ref`` is the frame's own ref when it could be read."""

    code = "frame.malformed"

    def __init__(
        self,
        message: str,
        code: str | None = None,
        ref: str | int | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, code, **details)
        self.ref = ref


class InvalidError(RoomError):
    code = "frame.data_invalid"


class NotFoundError(RoomError):
    code = "room.unknown"


class ForbiddenError(RoomError):
    code = "auth.forbidden"


class ConflictError(RoomError):
    code = "poll.closed"


class RateLimitedError(RoomError):
    code = "rate.limited"

    def __init__(self, message: str, retry_after_seconds: float, code: str | None = None) -> None:
        super().__init__(message, code, retry_after_seconds=round(retry_after_seconds, 3))
        self.retry_after_seconds = retry_after_seconds


class UnavailableError(RoomError):
    code = "server.unavailable"
