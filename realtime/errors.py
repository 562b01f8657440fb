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

from typing import Any

#: Every stable error code, with the sentence a client developer reads in the protocol doc.
CODES: dict[str, str] = {
    "frame.malformed": "The frame is not a JSON object with `type`, optional `ref` and `data`.",
    "frame.too_large": "The frame is larger than the maximum frame size.",
    "frame.type_unknown": "The `type` is not a client message type.",
    "frame.data_invalid": "A field of `data` is missing or has the wrong type or range.",
    "session.not_joined": "Send `join` before anything else.",
    "session.already_joined": "This connection has already joined its room.",
    "room.unknown": "There is no room with this name.",
    "room.ended": "The room has ended and is read-only.",
    "feature.disabled": "The host has turned this feature off.",
    "auth.forbidden": "Only the room's moderators can do this.",
    "name.invalid": "The display name is empty, too long or contains control characters.",
    "user.muted": "A moderator has muted you for a while (`until` says when it ends).",
    "user.banned": "A moderator has banned you from this room.",
    "user.unknown": "There is no participant with this identity in the room.",
    "rate.limited": "Too many actions too quickly; wait `retry_after_seconds`.",
    "rate.slow_mode": "Slow mode is on; wait `retry_after_seconds` before the next message.",
    "rate.address": "Too many actions from your network address; wait `retry_after_seconds`.",
    "address.connections": "Too many open connections from your network address.",
    "address.joins": "Too many joins from your network address; wait `retry_after_seconds`.",
    "address.guests": "Too many new guests from your network address; wait "
    "`retry_after_seconds` (a browser that keeps its cookie is not affected).",
    "vote.sign_in_required": "The host lets only signed-in people vote in this room.",
    "chat.empty": "The message is empty.",
    "chat.too_long": "The message is longer than the limit.",
    "chat.not_found": "There is no such message (or it is too old to change).",
    "chat.not_yours": "Only its author or a moderator can delete a message.",
    "qa.empty": "The question is empty.",
    "qa.too_long": "The question is longer than the limit.",
    "qa.not_found": "There is no such question.",
    "qa.already_voted": "You have already upvoted this question.",
    "qa.not_voted": "You have not upvoted this question.",
    "qa.not_open": "The question is not open for votes.",
    "poll.invalid": "The poll needs a question and 2 to 10 distinct options.",
    "poll.not_found": "There is no such poll.",
    "poll.already_open": "Another poll is open; close it first.",
    "poll.closed": "The poll is closed.",
    "poll.already_voted": "You have already voted in this poll.",
    "poll.choice_invalid": "The choice is not one of the poll's options.",
    "quiz.invalid": "A quiz question needs text, 2 to 6 options, one correct, 5 to 300 seconds.",
    "quiz.not_found": "There is no such quiz question.",
    "quiz.in_progress": "A question is running; reveal it first.",
    "quiz.not_running": "No quiz question is running.",
    "quiz.closed": "The time limit has passed or the answer was revealed.",
    "quiz.already_answered": "You have already answered this question.",
    "quiz.already_asked": "This question has already been asked.",
    "quiz.choice_invalid": "The choice is not one of the question's options.",
    "reaction.unknown": "The reaction is not one of the room's emoji.",
    "server.unavailable": "The server could not store this; nothing was kept. Try again.",
    "server.busy": "The room is overloaded; try again in a moment.",
}


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
