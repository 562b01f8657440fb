"""A room: the features together, one dispatch table, and the rules that cut across them.

``decide`` checks who may do what (bans, mutes, moderator-only commands, read-only after the
end, features switched off, votes of guests where only signed-in people may vote) and asks the
feature; ``apply`` folds an event into the state;
``snapshot`` is what a participant sees on first join. Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from realtime.errors import ForbiddenError
from realtime.events import Context, Event, Outcome, iso
from realtime.identity import Identity
from realtime.rooms import chat, lifecycle, moderation, polls, presence, qa, quiz, reactions
from realtime.rooms.feature import VIEWS, Changes, Command, Counted, Feature, Query
from realtime.rooms.lifecycle import LifecycleState, RoomInfo, Status

#: The room's features, in the order of the snapshot. A new feature is a module and a line here.
FEATURES: tuple[Feature[Any], ...] = (
    lifecycle.FEATURE,
    chat.FEATURE,
    qa.FEATURE,
    polls.FEATURE,
    quiz.FEATURE,
    reactions.FEATURE,
    presence.FEATURE,
    moderation.FEATURE,
)

#: Every room event kind, with its description (docs/protocol.md lists them all).
EVENT_KINDS: dict[str, str] = {k: doc for f in FEATURES for k, doc in f.events.items()}
#: Commands decided by the room's actor (they may produce events).
COMMANDS: dict[str, Command] = {t: c for f in FEATURES for t, c in f.commands.items()}
#: Commands the server issues to the actor itself (never accepted from a client).
INTERNAL: dict[str, Command] = {t: c for f in FEATURES for t, c in f.internal.items()}
_DECIDED: dict[str, Command] = COMMANDS | INTERNAL
#: Commands answered from the state alone: nothing is stored, nothing is broadcast.
QUERIES: dict[str, Query] = {t: q for f in FEATURES for t, q in f.queries.items()}
#: Messages counted and shown once a second, never stored.
COUNTED: dict[str, Counted] = {t: c for f in FEATURES for t, c in f.counted.items()}
#: The host's switch each message needs on (``feature.disabled`` when it is off).
_SWITCHES: dict[str, str] = {
    t: f.switch for f in FEATURES if f.switch for t in (*f.commands, *f.counted)
}
_FEATURE_OF_KIND: dict[str, Feature[Any]] = {k: f for f in FEATURES for k in f.events}


def _new_parts() -> dict[str, object]:
    return {f.name: f.new_state() for f in FEATURES if f.new_state is not None}


@dataclass(slots=True)
class RoomState:
    info: RoomInfo
    seq: int = 0
    #: Each feature's own state, by feature name (``Feature.of`` reads it typed).
    parts: dict[str, object] = field(default_factory=_new_parts)
    #: Last known display name of everyone who spoke or joined (for moderators' targets).
    names: dict[str, str] = field(default_factory=dict)

    @property
    def lifecycle(self) -> LifecycleState:
        return lifecycle.FEATURE.of(self)

    @property
    def chat(self) -> chat.ChatState:
        return chat.FEATURE.of(self)

    @property
    def qa(self) -> qa.QaState:
        return qa.FEATURE.of(self)

    @property
    def polls(self) -> polls.PollState:
        return polls.FEATURE.of(self)

    @property
    def quiz(self) -> quiz.QuizState:
        return quiz.FEATURE.of(self)

    @property
    def moderation(self) -> moderation.ModerationState:
        return moderation.FEATURE.of(self)

    def status(self, now: datetime) -> Status:
        return lifecycle.status(self.lifecycle, self.info, now)


def decide(state: RoomState, ctx: Context, message_type: str, data: dict[str, Any]) -> Outcome:
    """The events a command produces, or a :class:`RoomError` saying why not."""
    command = _DECIDED[message_type]
    moderation.check_allowed(state.moderation, ctx, command.speaking)
    if command.moderator and not ctx.actor.moderator:
        raise ForbiddenError("Only the room's moderators can do this.", "auth.forbidden")
    if not ctx.actor.moderator and state.status(ctx.now) == Status.ENDED:
        raise ForbiddenError("The room has ended; it is read-only now.", "room.ended")
    _check_switch(state, message_type)
    if command.vote and state.lifecycle.votes_require_sign_in and not ctx.actor.signed_in:
        raise ForbiddenError(
            "The host lets only signed-in people vote in this room.", "vote.sign_in_required"
        )
    return command.handler(state, ctx, data)


def _check_switch(state: RoomState, message_type: str) -> None:
    switch = _SWITCHES.get(message_type)
    if switch is not None and not state.lifecycle.features.get(switch, True):
        raise ForbiddenError(f"The host has turned {switch} off.", "feature.disabled")


def check_join(state: RoomState, viewer: Identity, address: str = "") -> None:
    """Banned identities cannot (re)join, nor guests from an address a ban covers."""
    if not viewer.moderator and viewer.id in state.moderation.banned:
        raise ForbiddenError("You have been banned from this room.", "user.banned")
    moderation.check_address(state.moderation, viewer, address)


def addresses_to_ban(
    state: RoomState, event: Event, addresses: Iterable[str]
) -> dict[str, Any] | None:
    """The data of the server's ``mod.ban_addresses`` after a committed ban whose target's
    guest connections here come from ``addresses`` (None: nothing to add)."""
    return moderation.addresses_to_ban(state.moderation, event, addresses)


def check_reaction(state: RoomState, ctx: Context, data: dict[str, Any]) -> str:
    """The emoji of a reaction that may be counted (reactions are not events)."""
    moderation.check_allowed(state.moderation, ctx, speaking=True)
    if state.status(ctx.now) == Status.ENDED:
        raise ForbiddenError("The room has ended; it is read-only now.", "room.ended")
    _check_switch(state, "react")
    return COUNTED["react"].check(data)


def query(state: RoomState, ctx: Context, message_type: str) -> dict[str, Any]:
    found = QUERIES[message_type]
    if found.moderator and not ctx.actor.moderator:
        raise ForbiddenError("Only the room's moderators can do this.", "auth.forbidden")
    return found.handler(state, ctx)


def take_changes(state: RoomState) -> Changes:
    """What changed in the features' state since the last tick, as transient frames per view,
    in the order of :data:`FEATURES`."""
    found: Changes = {view: [] for view in VIEWS}
    for feature in FEATURES:
        for view, frames in feature.take_changes(state).items():
            found[view].extend(frames)
    return found


class GapError(Exception):
    """An event arrived whose predecessors have not been applied (fetch them first)."""


def apply(state: RoomState, event: Event) -> bool:
    """Fold ``event`` in; False (and nothing changes) when it was already applied."""
    if event.seq <= state.seq:
        return False
    if event.seq != state.seq + 1:
        raise GapError(f"room {state.info.name}: at seq {state.seq}, got {event.seq}")
    _FEATURE_OF_KIND[event.kind].fold(state, event)
    author = event.data.get("author")
    if isinstance(author, dict):
        state.names[author["id"]] = author["name"]
    moderation.record(state.moderation, event)
    state.seq = event.seq
    return True


def connections_to_close(event: Event) -> list[str]:
    """The identities whose connections in the room a committed ``event`` ends (closed with
    4003, ``CLOSE_BANNED``), as its feature says."""
    closes = _FEATURE_OF_KIND[event.kind].closes
    return [] if closes is None else closes(event)


def commit(state: RoomState, ctx: Context, outcome: Outcome) -> list[Event]:
    """Give the outcome's drafts the next sequence numbers and fold them in."""
    events = [
        Event(state.seq + 1 + i, d.kind, ctx.now, ctx.actor.id, d.data, d.visibility, d.audit)
        for i, d in enumerate(outcome.drafts)
    ]
    for event in events:
        apply(state, event)
    return events


class You(TypedDict):
    """Who the viewer is in the room."""

    id: str
    name: str
    moderator: bool
    signed_in: bool  # not a guest: may vote where only signed-in people may
    muted_until: str | None  # ISO 8601 UTC, while muted


def you(state: RoomState, viewer: Identity, now: datetime) -> You:
    """Who the viewer is in this room (sent with the join reply)."""
    until = moderation.muted_until(state.moderation, viewer.id, now)
    return {
        "id": viewer.id,
        "name": viewer.name,
        "moderator": viewer.moderator,
        "signed_in": viewer.signed_in,
        "muted_until": None if until is None else iso(until),
    }


#: The viewer of a public snapshot: nobody in particular.
ANYONE = Identity("", "")


def is_fresh(state: RoomState, viewer: Identity) -> bool:
    """Whether nothing in the viewer's snapshot is personal (it equals ``ANYONE``'s)."""
    if viewer.moderator:
        return False
    return not any(f.personal(state, viewer) for f in FEATURES if f.personal is not None)


def snapshot(
    state: RoomState,
    viewer: Identity,
    now: datetime,
    presence: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    """Everything a participant needs to draw the room, as of ``state.seq``.

    Presence is left out of the public snapshot (the join reply has the count), so that every
    fresh joiner of a busy room can be sent the same encoded snapshot.
    """
    out: dict[str, Any] = {"seq": state.seq}
    for feature in FEATURES:
        if feature.snapshot is not None:
            out[feature.snapshot.key] = feature.snapshot.view(state, viewer, now)
    if presence is not None:
        out["presence"] = presence
    return out
