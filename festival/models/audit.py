"""Records of what happened to sessions: every change, who made it, when, and what it changed.

One row per change (creation, edit, submission, publication, cancellation, a tz-check re-derive),
written by ``festival.sessions`` in the same transaction as the change itself, so there is never
a change without its record. ``notice`` marks the changes the public is told about: the time or
the status of a session that was already public.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from festival.db import AwareUTC
from festival.models.programme import utcnow

__all__ = ["SessionChange"]


class SessionChange(SQLModel, table=True):
    """One change of a festival session (the audit log)."""

    __tablename__ = "session_change"
    __table_args__ = (Index("ix_session_change_session_revision", "session_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("festival_session.id", ondelete="CASCADE"), nullable=False
        )
    )
    revision: int  # the session's revision after this change
    at_utc: datetime = Field(default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False))
    # Who: the account (None for the ADMIN_PASSWORD admin and for commands), and how to name
    # them even after the account is gone.
    account_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("account.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    actor: str = Field(max_length=254)
    action: str = Field(max_length=20)  # festival.sessions.Action
    #: ``{field: [before, after]}``, values as JSON (datetimes as ISO 8601 text).
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: A change of time or status of a public session: shown as "updated" to attendees.
    notice: bool = False
