"""A room: the features together, one dispatch table, and the rules that cut across them.

``decide`` checks who may do what (bans, mutes, moderator-only commands, read-only after the
end, features switched off) and asks the feature; ``apply`` folds an event into the state;
``snapshot`` is what a participant sees on first join. Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from realtime.errors import ForbiddenError
from realtime.events import Context, Event, Outcome, iso
from realtime.identity import Identity
from realtime.rooms import chat, lifecycle, moderation, polls, qa, quiz, reactions
from realtime.rooms.lifecycle import LifecycleState, RoomInfo, Status

#: Every room event kind, with its description (docs/protocol.md lists them all).
EVENT_KINDS: dict[str, str] = {
    **chat.KINDS,
    **qa.KINDS,
    **polls.KINDS,
    **quiz.KINDS,
    **lifecycle.KINDS,
    **moderation.KINDS,
}


@dataclass(slots=True)
class RoomState:
    info: RoomInfo
    seq: int = 0
    chat: chat.ChatState = field(default_factory=chat.ChatState)
    qa: qa.QaState = field(default_factory=qa.QaState)
    polls: polls.PollState = field(default_factory=polls.PollState)
    quiz: quiz.QuizState = field(default_factory=quiz.QuizState)
    lifecycle: LifecycleState = field(default_factory=LifecycleState)
    moderation: moderation.ModerationState = field(default_factory=moderation.ModerationState)
    #: Last known display name of everyone who spoke or joined (for moderators' targets).
    names: dict[str, str] = field(default_factory=dict)

    def status(self, now: datetime) -> Status:
        return lifecycle.status(self.lifecycle, self.info, now)


Handler = Callable[[RoomState, Context, dict[str, Any]], Outcome]


@dataclass(frozen=True, slots=True)
class Command:
    handler: Handler
    feature: str | None = None  # must be switched on
    moderator: bool = False  # moderators only
    speaking: bool = False  # refused while muted


def _names(state: RoomState) -> Callable[[str], str | None]:
    return state.names.get


COMMANDS: dict[str, Command] = {
    "chat.send": Command(
        lambda s, c, d: chat.send(s.chat, c, d, s.lifecycle.slow_mode_seconds), "chat", False, True
    ),
    "chat.delete": Command(lambda s, c, d: chat.delete(s.chat, c, d), "chat"),
    "qa.ask": Command(
        lambda s, c, d: qa.ask(s.qa, c, d, s.lifecycle.qa_moderation), "qa", False, True
    ),
    "qa.upvote": Command(lambda s, c, d: qa.vote(s.qa, c, d, True), "qa"),
    "qa.unvote": Command(lambda s, c, d: qa.vote(s.qa, c, d, False), "qa"),
    "qa.approve": Command(lambda s, c, d: qa.approve(s.qa, c, d), "qa", True),
    "qa.answer": Command(lambda s, c, d: qa.answer(s.qa, c, d), "qa", True),
    "qa.pin": Command(lambda s, c, d: qa.pin(s.qa, c, d), "qa", True),
    "qa.hide": Command(lambda s, c, d: qa.hide(s.qa, c, d), "qa", True),
    "poll.create": Command(lambda s, c, d: polls.create(s.polls, c, d), "polls", True),
    "poll.vote": Command(lambda s, c, d: polls.vote(s.polls, c, d), "polls"),
    "poll.close": Command(lambda s, c, d: polls.close(s.polls, c, d), "polls", True),
    "quiz.add": Command(lambda s, c, d: quiz.add(s.quiz, c, d), "quiz", True),
    "quiz.ask": Command(lambda s, c, d: quiz.ask(s.quiz, c, d), "quiz", True),
    "quiz.answer": Command(lambda s, c, d: quiz.answer(s.quiz, c, d), "quiz"),
    "quiz.reveal": Command(lambda s, c, d: quiz.reveal(s.quiz, c, d), "quiz", True),
    "quiz.finish": Command(lambda s, c, d: quiz.finish(s.quiz, c, d), "quiz", True),
    "room.open": Command(lambda s, c, d: lifecycle.open_room(s.lifecycle, s.info, c), None, True),
    "room.end": Command(lambda s, c, d: lifecycle.end_room(s.lifecycle, s.info, c), None, True),
    "room.configure": Command(lambda s, c, d: lifecycle.configure(s.lifecycle, c, d), None, True),
    "mod.mute": Command(lambda s, c, d: moderation.mute(s.moderation, c, d, _names(s)), None, True),
    "mod.unmute": Command(
        lambda s, c, d: moderation.unmute(s.moderation, c, d, _names(s)), None, True
    ),
    "mod.ban": Command(lambda s, c, d: moderation.ban(s.moderation, c, d, _names(s)), None, True),
    "mod.unban": Command(
        lambda s, c, d: moderation.unban(s.moderation, c, d, _names(s)), None, True
    ),
}

#: Commands answered from the state alone: nothing is stored, nothing is broadcast.
QUERIES: dict[str, Callable[[RoomState, Context], dict[str, Any]]] = {
    "quiz.standing": lambda s, c: quiz.standing(s.quiz, c.actor),
    "mod.audit": lambda s, c: {"entries": list(s.moderation.audit)},
}
QUERY_MODERATOR_ONLY = {"mod.audit"}


def decide(state: RoomState, ctx: Context, message_type: str, data: dict[str, Any]) -> Outcome:
    """The events a command produces, or a :class:`RoomError` saying why not."""
    command = COMMANDS[message_type]
    moderation.check_allowed(state.moderation, ctx, command.speaking)
    if command.moderator and not ctx.actor.moderator:
        raise ForbiddenError("Only the room's moderators can do this.", "auth.forbidden")
    if not ctx.actor.moderator and state.status(ctx.now) == Status.ENDED:
        raise ForbiddenError("The room has ended; it is read-only now.", "room.ended")
    if command.feature is not None and not state.lifecycle.features.get(command.feature, True):
        raise ForbiddenError(f"The host has turned {command.feature} off.", "feature.disabled")
    return command.handler(state, ctx, data)


def check_join(state: RoomState, viewer: Identity) -> None:
    """Banned identities cannot (re)join."""
    if not viewer.moderator and viewer.id in state.moderation.banned:
        raise ForbiddenError("You have been banned from this room.", "user.banned")


def check_reaction(state: RoomState, ctx: Context, data: dict[str, Any]) -> str:
    """The emoji of a reaction that may be counted (reactions are not events)."""
    moderation.check_allowed(state.moderation, ctx, speaking=True)
    if state.status(ctx.now) == Status.ENDED:
        raise ForbiddenError("The room has ended; it is read-only now.", "room.ended")
    if not state.lifecycle.features.get("reactions", True):
        raise ForbiddenError("The host has turned reactions off.", "feature.disabled")
    return reactions.check(data)


def query(state: RoomState, ctx: Context, message_type: str) -> dict[str, Any]:
    if message_type in QUERY_MODERATOR_ONLY and not ctx.actor.moderator:
        raise ForbiddenError("Only the room's moderators can do this.", "auth.forbidden")
    return QUERIES[message_type](state, ctx)


_APPLY: dict[str, Callable[[RoomState, Event], None]] = {
    "chat": lambda s, e: chat.apply(s.chat, e),
    "qa": lambda s, e: qa.apply(s.qa, e),
    "poll": lambda s, e: polls.apply(s.polls, e),
    "quiz": lambda s, e: quiz.apply(s.quiz, e),
    "room": lambda s, e: lifecycle.apply(s.lifecycle, e),
    "mod": lambda s, e: moderation.apply(s.moderation, e),
}


class GapError(Exception):
    """An event arrived whose predecessors have not been applied (fetch them first)."""


def apply(state: RoomState, event: Event) -> bool:
    """Fold ``event`` in; False (and nothing changes) when it was already applied."""
    if event.seq <= state.seq:
        return False
    if event.seq != state.seq + 1:
        raise GapError(f"room {state.info.name}: at seq {state.seq}, got {event.seq}")
    _APPLY[event.kind.partition(".")[0]](state, event)
    author = event.data.get("author")
    if isinstance(author, dict):
        state.names[author["id"]] = author["name"]
    moderation.record(state.moderation, event)
    state.seq = event.seq
    return True


def commit(state: RoomState, ctx: Context, outcome: Outcome) -> list[Event]:
    """Give the outcome's drafts the next sequence numbers and fold them in."""
    events = [
        Event(state.seq + 1 + i, d.kind, ctx.now, ctx.actor.id, d.data, d.visibility, d.audit)
        for i, d in enumerate(outcome.drafts)
    ]
    for event in events:
        apply(state, event)
    return events


def you(state: RoomState, viewer: Identity, now: datetime) -> dict[str, Any]:
    """Who the viewer is in this room (sent with the join reply)."""
    until = moderation.muted_until(state.moderation, viewer.id, now)
    return {
        "id": viewer.id,
        "name": viewer.name,
        "moderator": viewer.moderator,
        "muted_until": None if until is None else iso(until),
    }


#: The viewer of a public snapshot: nobody in particular.
ANYONE = Identity("", "")


def is_fresh(state: RoomState, viewer: Identity) -> bool:
    """Whether nothing in the viewer's snapshot is personal (it equals ``ANYONE``'s)."""
    if viewer.moderator or viewer.id in state.quiz.scores:
        return False
    poll = state.polls.active()
    if poll is not None and viewer.id in poll.voters:
        return False
    return not any(
        viewer.id in q.voters or (q.status == qa.PENDING and q.author["id"] == viewer.id)
        for q in state.qa.questions.values()
    )


def snapshot(
    state: RoomState, viewer: Identity, now: datetime, presence: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything a participant needs to draw the room, as of ``state.seq``.

    Presence is left out of the public snapshot (the join reply has the count), so that every
    fresh joiner of a busy room can be sent the same encoded snapshot.
    """
    out = {
        "seq": state.seq,
        "room": lifecycle.view(state.lifecycle, state.info, now),
        "chat": chat.snapshot(state.chat),
        "qa": qa.snapshot(state.qa, viewer),
        "poll": polls.snapshot(state.polls, viewer),
        "quiz": quiz.snapshot(state.quiz, viewer),
        "reactions": list(reactions.EMOJI),
    }
    if presence is not None:
        out["presence"] = presence
    return out
