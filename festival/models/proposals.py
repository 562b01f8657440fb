"""Records of the call for sessions: a new organisation proposing itself and its first session.

A proposal holds what was typed, as typed (the organisation does not exist until an admin
accepts it, so the session cannot exist either); accepting it makes the organisation, the
session and the organiser's invitation, and records which. ``address_key`` is the keyed hash of
the sender's network address (festival/addresses.py), never the address: it is what the rate
limit counts.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

from festival.db import AwareUTC

__all__ = ["Proposal", "ProposalStatus"]


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"  # waiting in the review queue
    ACCEPTED = "accepted"  # the organisation, its session and the invitation were made
    DECLINED = "declined"  # the contact was told why


class Proposal(SQLModel, table=True):
    """One answer to the call for sessions."""

    __tablename__ = "proposal"
    __table_args__ = (Index("ix_proposal_address_at", "address_key", "created_at_utc"),)

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=ProposalStatus.PENDING.value, max_length=20, index=True)
    # The organisation, as proposed.
    organisation_name: str = Field(max_length=200)
    organisation_kind: str = Field(max_length=20)
    country: str = Field(max_length=2)
    tz_name: str = Field(max_length=64)  # canonical; the zone of its session too
    contact_name: str = Field(max_length=120)
    contact_email: str = Field(max_length=254)
    #: The language the contact wrote the proposal in (festival.i18n.SUPPORTED): the decision's
    #: mail is written in it.
    contact_language: str = Field(
        default="en", sa_column=Column(String(8), nullable=False, server_default="en")
    )
    # Its first session.
    edition_id: int = Field(
        sa_column=Column(Integer, ForeignKey("edition.id", ondelete="CASCADE"), nullable=False)
    )
    title: str = Field(max_length=200)
    summary: str = ""
    session_kind: str = Field(max_length=20)
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    local_start: datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))
    fold: int = 0
    duration_minutes: int
    # What the wall time meant when it was proposed (shown in the queue; derived again on
    # acceptance, by the tz database of that day).
    starts_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    # Who sent it, for the rate limit, and when.
    address_key: str = Field(max_length=80)
    created_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    # The decision.
    decided_at_utc: datetime | None = Field(default=None, sa_column=Column(AwareUTC, nullable=True))
    decided_by_account_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("account.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    decided_by: str = Field(default="", max_length=254)  # how to name them once gone
    decline_message: str = ""
    organisation_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("organisation.id", ondelete="SET NULL"), nullable=True
        ),
    )
    session_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("festival_session.id", ondelete="SET NULL"), nullable=True
        ),
    )
