"""Records of the rooms area: each room's durable event log, and the moderators' audit trail.

The log is the source of truth of a room: its state is rebuilt by folding the events in
``seq`` order, and clients resume by asking for events after the last ``seq`` they saw, so
``(room, seq)`` is unique and indexed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from festival.db import AwareUTC

__all__ = ["RoomAudit", "RoomEvent"]


class RoomEvent(SQLModel, table=True):
    """One event of one room's log (see realtime.events.Event)."""

    __tablename__ = "room_event"
    __table_args__ = (UniqueConstraint("room", "seq", name="uq_room_event_room_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    room: str = Field(max_length=120)
    seq: int
    kind: str = Field(max_length=40)
    actor: str = Field(max_length=80)  # identity id; "" for the system
    visibility: str = Field(max_length=12)  # public, moderator, private
    audit: bool = False
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))


class RoomAudit(SQLModel, table=True):
    """A moderator action (delete, hide, pin, mute, ban, settings), kept for review."""

    __tablename__ = "room_audit"
    __table_args__ = (Index("ix_room_audit_room_at", "room", "at_utc"),)

    id: int | None = Field(default=None, primary_key=True)
    room: str = Field(max_length=120)
    seq: int
    at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    moderator: str = Field(max_length=80)
    action: str = Field(max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
