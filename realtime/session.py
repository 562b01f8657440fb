"""The per-connection state machine: frames in, actions out. No sockets, no awaits.

    awaiting_join ──join──▶ joining ──joined()──▶ joined
          │                    └──join_failed()──▶ awaiting_join
          └─────────── too many refused frames ──▶ closed (1008)

Every refused frame (malformed, unknown, too large, rate-limited, out of order) gets an error
reply and the connection stays open; each one is also a strike, and strikes refill slowly, so
only a client that keeps going after the warnings is closed with 1008.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from realtime import fields, protocol
from realtime.errors import ProtocolError, RateLimitedError, RoomError
from realtime.frames import Ref
from realtime.identity import Identity, default_name, validate_display_name
from realtime.limits import Limits, TokenBucket


class Phase(StrEnum):
    AWAITING_JOIN = "awaiting_join"
    JOINING = "joining"
    JOINED = "joined"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Reply:
    """Send this (already encoded) frame to the client."""

    frame: str


@dataclass(frozen=True, slots=True)
class JoinRequest:
    """Ask the room for replay after ``last_seq`` (None: a snapshot)."""

    ref: Ref
    last_seq: int | None
    identity: Identity


@dataclass(frozen=True, slots=True)
class Forward:
    """Hand a command to the room."""

    ref: Ref
    type: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Close:
    code: int
    reason: str


Action = Reply | JoinRequest | Forward | Close


class Session:
    """One connection's view of the conversation; ``now`` is seconds on a monotonic clock."""

    def __init__(self, identity: Identity, now: float, limits: Limits | None = None) -> None:
        limits = limits or Limits()
        self.identity = identity
        self.phase = Phase.AWAITING_JOIN
        self.frames = TokenBucket.full(limits.frames, now)
        self.strikes = TokenBucket.full(limits.strikes, now)
        self.last_received = now

    def receive(self, raw: str | bytes, now: float) -> list[Action]:
        if self.phase == Phase.CLOSED:
            return []
        self.last_received = now
        wait = self.frames.take(now)
        if wait > 0:
            return self.refuse(RateLimitedError("Too many frames; slow down.", wait), None, now)
        try:
            frame = protocol.parse(raw)
        except ProtocolError as exc:
            return self.refuse(exc, exc.ref, now)
        if frame.type == "ping":
            return [] if frame.ref is None else [Reply(protocol.ok(frame.ref))]
        if frame.type == "join":
            return self._join(frame, now)
        if self.phase != Phase.JOINED:
            return self.refuse(
                ProtocolError("Send `join` first.", "session.not_joined"), frame.ref, now
            )
        return [Forward(frame.ref, frame.type, frame.data)]

    def _join(self, frame: protocol.ClientFrame, now: float) -> list[Action]:
        if self.phase != Phase.AWAITING_JOIN:
            error = ProtocolError("This connection has already joined.", "session.already_joined")
            return self.refuse(error, frame.ref, now)
        try:
            last_seq = fields.optional_integer(frame.data, "last_seq", 0)
            raw_name = frame.data.get("name")
            name = (
                validate_display_name(raw_name)
                if raw_name is not None
                else (self.identity.name or default_name(self.identity.id))
            )
        except RoomError as exc:
            return self.refuse(exc, frame.ref, now)
        self.identity = replace(self.identity, name=name)
        self.phase = Phase.JOINING
        return [JoinRequest(frame.ref, last_seq, self.identity)]

    def joined(self) -> None:
        self.phase = Phase.JOINED

    def join_failed(self) -> None:
        self.phase = Phase.AWAITING_JOIN

    def refuse(self, exc: RoomError, ref: Ref, now: float) -> list[Action]:
        """An error reply; and the close when this refusal was one too many."""
        actions: list[Action] = [Reply(protocol.error(ref, exc))]
        if self.strikes.take(now) > 0:
            self.phase = Phase.CLOSED
            actions.append(Close(protocol.CLOSE_POLICY, "too many refused frames"))
        return actions

    def is_idle(self, now: float) -> bool:
        return now - self.last_received > protocol.IDLE_TIMEOUT_SECONDS
