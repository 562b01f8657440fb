"""Records of proposed learning celebrations: an organisation proposes its event and its dates
through the call for sessions; an admin accepts (the organisation, the celebration's edition and
the organiser's invitation are made) or declines with a message.

As with session proposals (festival/models/proposals.py), the row holds what was typed, and
``address_key`` is the keyed hash of the sender's network address, never the address.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

from festival.db import AwareUTC

__all__ = ["CelebrationProposal"]


class CelebrationProposal(SQLModel, table=True):
    """One learning celebration proposed for the year's calendar."""

    __tablename__ = "celebration_proposal"
    __table_args__ = (Index("ix_celebration_proposal_address_at", "address_key", "created_at_utc"),)

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="pending", max_length=20, index=True)  # ProposalStatus
    # The organisation, as proposed.
    organisation_name: str = Field(max_length=200)
    organisation_kind: str = Field(max_length=20)
    country: str = Field(max_length=2)
    tz_name: str = Field(max_length=64)
    contact_name: str = Field(max_length=120)
    contact_email: str = Field(max_length=254)
    #: The language the contact wrote the proposal in (festival.i18n.SUPPORTED): the decision's
    #: mail is written in it.
    contact_language: str = Field(
        default="en", sa_column=Column(String(8), nullable=False, server_default="en")
    )
    # The celebration: its name, what it is, its local days.
    name: str = Field(max_length=200)
    description: str = ""
    first_day: date
    last_day: date
    address_key: str = Field(max_length=80)
    created_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    decided_at_utc: datetime | None = Field(default=None, sa_column=Column(AwareUTC, nullable=True))
    decided_by_account_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("account.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    decided_by: str = Field(default="", max_length=254)
    decline_message: str = ""
    organisation_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("organisation.id", ondelete="SET NULL"), nullable=True
        ),
    )
    edition_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("edition.id", ondelete="SET NULL"), nullable=True),
    )
