"""Moderation: mute for N minutes, ban, and the audit trail of every moderator action.

Mutes and bans are room events (moderators see them; the person concerned learns on their next
action or, when banned, by being disconnected). Every event a moderator causes with
``audit=True`` (deletes, hides, pins, settings, mutes, bans) also lands in the audit trail.

A ban also covers the network addresses the banned guest was connected from (a guest identity
is free: without this, dropping the cookie is enough to come back). Each worker that closes the
banned guest's connections tells the room which addresses they came from (the server's own
``mod.ban_addresses``, decided like any command, so every worker learns them from the log);
until the ban is lifted, guests from those addresses cannot join. Signed-in people are not
refused by address: they are accountable through their account.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from realtime import fields
from realtime.errors import ForbiddenError, NotFoundError
from realtime.events import MODERATOR, Context, Draft, Event, Outcome, iso
from realtime.identity import Identity
from realtime.rooms.feature import Command, Feature, Query
from realtime.rooms.shapes import Person, Shape, Texts, Whole

MAX_MUTE_MINUTES = 24 * 60
#: Audit entries kept in memory for ``mod.audit`` (the database keeps them all).
AUDIT_KEEP = 200


@dataclass(slots=True)
class ModerationState:
    muted_until: dict[str, datetime] = field(default_factory=dict)
    banned: dict[str, str] = field(default_factory=dict)  # identity id → name
    #: Network addresses (opaque keys) a ban covers → the banned identity's id.
    banned_addresses: dict[str, str] = field(default_factory=dict)
    audit: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=AUDIT_KEEP))


def muted_until(state: ModerationState, identity_id: str, now: datetime) -> datetime | None:
    until = state.muted_until.get(identity_id)
    return until if until is not None and until > now else None


def check_allowed(state: ModerationState, ctx: Context, speaking: bool) -> None:
    """Refuse banned identities, and muted ones when they try to speak."""
    if ctx.actor.moderator:
        return
    if ctx.actor.id in state.banned:
        raise ForbiddenError("You have been banned from this room.", "user.banned")
    until = muted_until(state, ctx.actor.id, ctx.now) if speaking else None
    if until is not None:
        raise ForbiddenError(
            "A moderator has muted you for a while.", "user.muted", until=iso(until)
        )


def _target(data: dict[str, Any], name_of: Callable[[str], str | None]) -> dict[str, str]:
    identity_id = data.get("id")
    name = name_of(identity_id) if isinstance(identity_id, str) else None
    if name is None or not isinstance(identity_id, str):
        raise NotFoundError("Nobody with this identity has been in the room.", "user.unknown")
    return {"id": identity_id, "name": name}


def mute(
    state: ModerationState, ctx: Context, data: dict[str, Any], name_of: Callable[[str], str | None]
) -> Outcome:
    target = _target(data, name_of)
    minutes = fields.integer(data, "minutes", 1, MAX_MUTE_MINUTES)
    until = ctx.now + timedelta(minutes=minutes)
    payload = {"target": target, "minutes": minutes, "until": iso(until)}
    return Outcome([Draft("mod.muted", payload, MODERATOR, audit=True)])


def unmute(
    state: ModerationState, ctx: Context, data: dict[str, Any], name_of: Callable[[str], str | None]
) -> Outcome:
    return Outcome([Draft("mod.unmuted", {"target": _target(data, name_of)}, MODERATOR, True)])


def ban(
    state: ModerationState, ctx: Context, data: dict[str, Any], name_of: Callable[[str], str | None]
) -> Outcome:
    return Outcome([Draft("mod.banned", {"target": _target(data, name_of)}, MODERATOR, True)])


def unban(
    state: ModerationState, ctx: Context, data: dict[str, Any], name_of: Callable[[str], str | None]
) -> Outcome:
    return Outcome([Draft("mod.unbanned", {"target": _target(data, name_of)}, MODERATOR, True)])


def ban_addresses(state: ModerationState, ctx: Context, data: dict[str, Any]) -> Outcome:
    """The server's follow-up to a ban: the addresses the banned identity connects from."""
    target = data["id"]
    name = state.banned.get(target)
    if name is None:  # unbanned in the meantime
        return Outcome()
    fresh = sorted({a for a in data["addresses"] if a and a not in state.banned_addresses})
    if not fresh:
        return Outcome()
    payload = {"target": {"id": target, "name": name}, "addresses": fresh}
    return Outcome([Draft("mod.addresses_banned", payload, MODERATOR)])


def addresses_to_ban(
    state: ModerationState, event: Event, addresses: Iterable[str]
) -> dict[str, Any] | None:
    """The data of ``mod.ban_addresses`` for a committed ban, given the addresses its target's
    guest connections come from here; None when there is nothing new to cover."""
    if event.kind != "mod.banned":
        return None
    fresh = sorted({a for a in addresses if a and a not in state.banned_addresses})
    if not fresh:
        return None
    return {"id": event.data["target"]["id"], "addresses": fresh}


def check_address(state: ModerationState, viewer: Identity, address: str) -> None:
    """Refuse a guest from an address a ban covers."""
    if viewer.moderator or viewer.signed_in or not address:
        return
    if address in state.banned_addresses:
        raise ForbiddenError(
            "A moderator has banned a participant from this room who used your network "
            "address; guests from it cannot join until the ban is lifted.",
            "user.banned",
        )


def apply(state: ModerationState, event: Event) -> None:
    target = event.data.get("target", {}).get("id")
    if event.kind == "mod.muted":
        state.muted_until[target] = datetime.fromisoformat(event.data["until"])
    elif event.kind == "mod.unmuted":
        state.muted_until.pop(target, None)
    elif event.kind == "mod.banned":
        state.banned[target] = event.data["target"]["name"]
    elif event.kind == "mod.unbanned":
        state.banned.pop(target, None)
        for address in [a for a, who in state.banned_addresses.items() if who == target]:
            del state.banned_addresses[address]
    elif event.kind == "mod.addresses_banned":
        for address in event.data["addresses"]:
            state.banned_addresses[address] = target


def connections_to_close(event: Event) -> list[str]:
    """The identities whose connections in the room ``event`` ends, once committed: a banned
    one's (closed with 4003, ``CLOSE_BANNED``)."""
    if event.kind == "mod.banned":
        return [event.data["target"]["id"]]
    return []


def record(state: ModerationState, event: Event) -> None:
    """Add an audited event to the in-memory trail (every feature's moderator actions)."""
    if event.audit:
        state.audit.append(audit_entry(event))


def audit_entry(event: Event) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": iso(event.at_utc),
        "moderator": event.actor,
        "action": event.kind,
        "data": event.data,
    }


Action = Callable[[ModerationState, Context, dict[str, Any], Callable[[str], str | None]], Outcome]


def _moderators(action: Action, doc: str, **shape: Shape) -> Command:
    """A moderator's action on a participant (``id``) known to the room by name."""
    return Command(
        lambda room, ctx, data: action(FEATURE.of(room), ctx, data, room.names.get),
        doc,
        moderator=True,
        shape={"id": Person(), **shape},
    )


FEATURE: Feature[ModerationState] = Feature(
    "moderation",
    ModerationState,
    commands={
        "mod.mute": _moderators(
            mute,
            "Moderator: mute a participant for N minutes.",
            minutes=Whole(1, MAX_MUTE_MINUTES),
        ),
        "mod.unmute": _moderators(unmute, "Moderator: lift a mute."),
        "mod.ban": _moderators(ban, "Moderator: ban a participant identity from the room."),
        "mod.unban": _moderators(unban, "Moderator: lift a ban."),
    },
    internal={
        "mod.ban_addresses": Command(
            lambda room, ctx, data: ban_addresses(FEATURE.of(room), ctx, data),
            "Server: the addresses a ban covers (never sent by clients).",
            moderator=True,
            shape={"id": Person(), "addresses": Texts(1, 8, 40)},
        ),
    },
    queries={
        "mod.audit": Query(
            lambda room, ctx: {"entries": list(FEATURE.of(room).audit)},
            "Moderator: the room's recent moderator actions (reply only).",
            moderator=True,
        ),
    },
    events={
        "mod.muted": "Moderators only: `target` {id, name} muted `until`.",
        "mod.unmuted": "Moderators only: `target` may speak again.",
        "mod.banned": "Moderators only: `target` is banned (their connections are closed).",
        "mod.unbanned": "Moderators only: `target` may come back.",
        "mod.addresses_banned": (
            "Moderators only: the ban of `target` covers `addresses` (opaque keys of the network "
            "addresses it connected from): guests from them cannot join until `mod.unbanned`."
        ),
    },
    errors={
        "user.muted": "A moderator has muted you for a while (`until` says when it ends).",
        "user.banned": "A moderator has banned you from this room.",
        "user.unknown": "There is no participant with this identity in the room.",
    },
    apply=apply,
    closes=connections_to_close,
)
