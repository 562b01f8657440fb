"""Records of the calendar area: personal agendas and their saved sessions, pending .ics imports.

An agenda has no account: whoever holds its token owns it. Only a SHA-256 digest of the token
is stored, so the database alone does not reveal any feed address; rotating replaces the
digest, and the old address then matches nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel, col

from festival.db import AwareUTC
from festival.models.programme import FestivalSession, utcnow

__all__ = ["Agenda", "AgendaItem", "CalendarImport"]


class Agenda(SQLModel, table=True):
    """A personal agenda, addressed by an unguessable token (``secrets.token_urlsafe(32)``)."""

    __tablename__ = "agenda"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True, index=True)
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )
    # Changes whenever the agenda's content or address changes (feeds' Last-Modified).
    updated_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )
    rotated_at_utc: datetime | None = Field(default=None, sa_column=Column(AwareUTC, nullable=True))
    revision: int = 1  # bumped on every change: the agenda feed's cache version


class AgendaItem(SQLModel, table=True):
    """A session saved to an agenda."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        UniqueConstraint("agenda_id", "session_id", name="uq_agenda_item_agenda_session"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agenda_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("agenda.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    session_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("festival_session.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    saved_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )


class CalendarImport(SQLModel, table=True):
    """An uploaded .ics waiting for the admin's confirmation (preview first, then all at once)."""

    __tablename__ = "calendar_import"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True, index=True)
    edition_id: int = Field(
        sa_column=Column(Integer, ForeignKey("edition.id", ondelete="CASCADE"), nullable=False)
    )
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False)
    )
    filename: str = Field(default="", max_length=255)
    language: str = Field(default="en", max_length=8)
    content: str = Field(sa_column=Column(Text, nullable=False))
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )
    applied_at_utc: datetime | None = Field(default=None, sa_column=Column(AwareUTC, nullable=True))
    created_count: int = 0


# Feeds check the data version (stores.agenda.data_version: max(updated_at_utc), sum(revision))
# on every request, cache hits included; this index answers both without reading table rows.
Index(
    "ix_festival_session_version",
    col(FestivalSession.updated_at_utc),
    col(FestivalSession.revision),
)
