"""Room lifecycle: lobby (countdown, chat open) → live → ended (read-only), and host settings.

The status is derived from the session's UTC times and "now" (an injected clock): nothing has
to happen at the start or end for the room to move on. The host can open early (or reopen
after ending it early), end, switch features on and off, queue questions, set slow mode, and
let only signed-in people vote (polls, upvotes, quiz answers: guest identities are free, so
one person could otherwise vote as many).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from realtime import fields
from realtime.errors import ConflictError, InvalidError
from realtime.events import Context, Draft, Event, Outcome
from realtime.rooms.feature import Command, Feature, Snapshot
from realtime.rooms.shapes import Flag, Switches, Whole

FEATURES: tuple[str, ...] = ("chat", "qa", "polls", "quiz", "reactions")
MAX_SLOW_MODE_SECONDS = 600


class Status(StrEnum):
    LOBBY = "lobby"
    LIVE = "live"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class RoomInfo:
    """What the programme says about a room (a lobby has no times: it is always open)."""

    name: str
    title: str
    kind: str
    starts_at_utc: datetime | None = None
    ends_at_utc: datetime | None = None
    join_url: str = ""
    tz_name: str = ""

    def __post_init__(self) -> None:
        for instant in (self.starts_at_utc, self.ends_at_utc):
            if instant is not None and instant.tzinfo is None:
                raise ValueError("RoomInfo times must be timezone-aware")


@dataclass(slots=True)
class LifecycleState:
    opened_early: bool = False
    ended_by_host: bool = False
    features: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(FEATURES, True))
    qa_moderation: bool = False
    slow_mode_seconds: int = 0
    votes_require_sign_in: bool = False


def status(state: LifecycleState, info: RoomInfo, now: datetime) -> Status:
    if state.ended_by_host or (info.ends_at_utc is not None and now >= info.ends_at_utc):
        return Status.ENDED
    if state.opened_early or info.starts_at_utc is None or now >= info.starts_at_utc:
        return Status.LIVE
    return Status.LOBBY


def open_room(state: LifecycleState, info: RoomInfo, ctx: Context) -> Outcome:
    if info.ends_at_utc is not None and ctx.now >= info.ends_at_utc:
        raise ConflictError("The session is over; the room cannot reopen.", "room.ended")
    if status(state, info, ctx.now) == Status.LIVE:
        return Outcome()
    return Outcome([Draft("room.opened", {}, audit=True)])


def end_room(state: LifecycleState, info: RoomInfo, ctx: Context) -> Outcome:
    if status(state, info, ctx.now) == Status.ENDED:
        return Outcome()
    return Outcome([Draft("room.ended", {}, audit=True)])


def configure(state: LifecycleState, ctx: Context, data: dict[str, Any]) -> Outcome:
    """Change any of ``features`` (a partial map), ``qa_moderation``, ``slow_mode_seconds``,
    ``votes_require_sign_in``."""
    changes: dict[str, Any] = {}
    if "features" in data:
        features = data["features"]
        if not isinstance(features, dict) or not set(features) <= set(FEATURES):
            raise InvalidError(f"`features` maps some of {', '.join(FEATURES)} to true/false.")
        changes["features"] = {k: fields.boolean(features, k) for k in FEATURES if k in features}
    if "qa_moderation" in data:
        changes["qa_moderation"] = fields.boolean(data, "qa_moderation")
    if "slow_mode_seconds" in data:
        changes["slow_mode_seconds"] = fields.integer(
            data, "slow_mode_seconds", 0, MAX_SLOW_MODE_SECONDS
        )
    if "votes_require_sign_in" in data:
        changes["votes_require_sign_in"] = fields.boolean(data, "votes_require_sign_in")
    if not changes:
        raise InvalidError("Nothing to change.", "frame.data_invalid")
    return Outcome([Draft("room.configured", changes, audit=True)])


def apply(state: LifecycleState, event: Event) -> None:
    if event.kind == "room.opened":
        state.opened_early, state.ended_by_host = True, False
    elif event.kind == "room.ended":
        state.ended_by_host = True
    elif event.kind == "room.configured":
        state.features.update(event.data.get("features", {}))
        state.qa_moderation = event.data.get("qa_moderation", state.qa_moderation)
        state.slow_mode_seconds = event.data.get("slow_mode_seconds", state.slow_mode_seconds)
        state.votes_require_sign_in = event.data.get(
            "votes_require_sign_in", state.votes_require_sign_in
        )


def view(state: LifecycleState, info: RoomInfo, now: datetime) -> dict[str, Any]:
    return {
        "name": info.name,
        "title": info.title,
        "kind": info.kind,
        "starts_at": info.starts_at_utc,
        "ends_at": info.ends_at_utc,
        "tz_name": info.tz_name,
        "join_url": info.join_url,
        "status": status(state, info, now).value,
        "features": dict(state.features),
        "qa_moderation": state.qa_moderation,
        "slow_mode_seconds": state.slow_mode_seconds,
        "votes_require_sign_in": state.votes_require_sign_in,
    }


FEATURE: Feature[LifecycleState] = Feature(
    "lifecycle",
    LifecycleState,
    commands={
        "room.open": Command(
            lambda room, ctx, data: open_room(FEATURE.of(room), room.info, ctx),
            "Moderator: open the room early (or reopen it).",
            moderator=True,
        ),
        "room.end": Command(
            lambda room, ctx, data: end_room(FEATURE.of(room), room.info, ctx),
            "Moderator: end the room (read-only afterwards).",
            moderator=True,
        ),
        "room.configure": Command(
            lambda room, ctx, data: configure(FEATURE.of(room), ctx, data),
            "Moderator: features on/off, Q&A moderation queue, slow mode, who may vote.",
            moderator=True,
            shape={
                "features": Switches(FEATURES, optional=True),
                "qa_moderation": Flag(optional=True),
                "slow_mode_seconds": Whole(0, MAX_SLOW_MODE_SECONDS, optional=True),
                "votes_require_sign_in": Flag(optional=True),
            },
        ),
    },
    events={
        "room.opened": "The host opened the room (early, or again after ending it).",
        "room.ended": "The host ended the room; it is read-only from now on.",
        "room.configured": (
            "Host settings changed: `features`, `qa_moderation`, `slow_mode_seconds`, "
            "`votes_require_sign_in`."
        ),
    },
    errors={
        "room.ended": "The room has ended and is read-only.",
        "feature.disabled": "The host has turned this feature off.",
        "vote.sign_in_required": "The host lets only signed-in people vote in this room.",
    },
    transients={"room.status": "Transient: the room moved between lobby, live and ended."},
    apply=apply,
    snapshot=Snapshot("room", lambda room, viewer, now: view(FEATURE.of(room), room.info, now)),
)
