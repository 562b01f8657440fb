"""Chat: post, delete your own, moderators delete any; history for newcomers.

A message's id is the ``seq`` of its ``chat.message`` event. A client that is not sure whether a
message got through (its connection dropped before the ``ok``) sends it again with the same
``nonce``: the room stores it once and replies with the original ``seq``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from realtime import fields
from realtime.errors import ForbiddenError, NotFoundError, RateLimitedError
from realtime.events import Context, Draft, Event, Outcome
from realtime.rooms import lifecycle
from realtime.rooms.feature import Command, Feature, Snapshot
from realtime.rooms.shapes import Nonce, Ref, Text

MAX_CHARS = 500
#: Messages kept in memory per room: what newcomers get and what can still be deleted.
KEEP = 500
#: Messages in a snapshot.
SNAPSHOT = 50


@dataclass(slots=True)
class Message:
    id: int
    author: dict[str, str]
    text: str
    at_utc: datetime

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "author": self.author, "text": self.text, "at": self.at_utc}


@dataclass(slots=True)
class ChatState:
    messages: dict[int, Message] = field(default_factory=dict)
    last_posted_at: dict[str, datetime] = field(default_factory=dict)
    #: (author id, nonce) → seq of recent messages, for retried sends.
    nonces: dict[tuple[str, str], int] = field(default_factory=dict)


def send(state: ChatState, ctx: Context, data: dict[str, Any], slow_mode_seconds: int) -> Outcome:
    text = fields.text(data, "text", MAX_CHARS, "chat.empty", "chat.too_long")
    key = fields.nonce(data)
    if key is not None and (ctx.actor.id, key) in state.nonces:
        return Outcome([], {"seq": state.nonces[(ctx.actor.id, key)], "duplicate": True})
    last = state.last_posted_at.get(ctx.actor.id)
    if slow_mode_seconds and last is not None and not ctx.actor.moderator:
        wait = slow_mode_seconds - (ctx.now - last).total_seconds()
        if wait > 0:
            raise RateLimitedError(
                f"Slow mode: one message every {slow_mode_seconds} seconds.", wait, "rate.slow_mode"
            )
    payload: dict[str, Any] = {"author": ctx.actor.public(), "text": text}
    if key is not None:
        payload["nonce"] = key
    return Outcome([Draft("chat.message", payload)])


def delete(state: ChatState, ctx: Context, data: dict[str, Any]) -> Outcome:
    message_id = fields.integer(data, "id", 1)
    message = state.messages.get(message_id)
    if message is None:
        raise NotFoundError("There is no such message.", "chat.not_found")
    own = message.author["id"] == ctx.actor.id
    if not own and not ctx.actor.moderator:
        raise ForbiddenError("You can delete only your own messages.", "chat.not_yours")
    by = "author" if own else "moderator"
    draft = Draft("chat.deleted", {"id": message_id, "by": by}, audit=not own)
    return Outcome([draft])


def apply(state: ChatState, event: Event) -> None:
    if event.kind == "chat.message":
        author = event.data["author"]
        state.messages[event.seq] = Message(event.seq, author, event.data["text"], event.at_utc)
        state.last_posted_at[author["id"]] = event.at_utc
        if "nonce" in event.data:
            state.nonces[(author["id"], event.data["nonce"])] = event.seq
            if len(state.nonces) > KEEP:
                del state.nonces[next(iter(state.nonces))]
        if len(state.messages) > KEEP:
            del state.messages[next(iter(state.messages))]
    elif event.kind == "chat.deleted":
        state.messages.pop(event.data["id"], None)


def snapshot(state: ChatState, limit: int = SNAPSHOT) -> list[dict[str, Any]]:
    """The most recent messages, oldest first."""
    recent = list(state.messages.values())[-limit:]
    return [m.view() for m in recent]


FEATURE: Feature[ChatState] = Feature(
    "chat",
    ChatState,
    commands={
        "chat.send": Command(
            lambda room, ctx, data: send(
                FEATURE.of(room), ctx, data, lifecycle.FEATURE.of(room).slow_mode_seconds
            ),
            "Post a chat message.",
            speaking=True,
            bucket="chat",
            shape={"text": Text(MAX_CHARS), "nonce": Nonce()},
        ),
        "chat.delete": Command(
            lambda room, ctx, data: delete(FEATURE.of(room), ctx, data),
            "Delete a chat message (your own; any for moderators).",
            bucket="chat",
            shape={"id": Ref("chat.message")},
        ),
    },
    events={
        "chat.message": "A chat message: `author` {id, name}, `text`, the sender's `nonce` if any.",
        "chat.deleted": "A chat message was deleted: `id`, `by` (author or moderator).",
    },
    errors={
        "rate.slow_mode": "Slow mode is on; wait `retry_after_seconds` before the next message.",
        "chat.empty": "The message is empty.",
        "chat.too_long": "The message is longer than the limit.",
        "chat.not_found": "There is no such message (or it is too old to change).",
        "chat.not_yours": "Only its author or a moderator can delete a message.",
    },
    apply=apply,
    snapshot=Snapshot("chat", lambda room, viewer, now: snapshot(FEATURE.of(room))),
    switch="chat",
)
