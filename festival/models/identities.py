"""Identities at OpenID Connect providers: who someone is at a provider, linked to an account.

An identity is keyed by (issuer, subject), never by email address (OpenID Connect Core §5.7:
only ``sub`` and ``iss`` together are stable and unique). Only what the platform needs is kept:
the email address if given (and whether the provider verified it), the name, the language.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from festival.db import AwareUTC

__all__ = ["AccountAgenda", "Identity"]


class Identity(SQLModel, table=True):
    """An account's identity at one provider."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_identity_issuer_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    issuer: str = Field(max_length=255)  # exactly as in the ID token's "iss"
    subject: str = Field(max_length=255)  # the ID token's "sub" (at most 255 ASCII characters)
    provider: str = Field(max_length=32)  # the configured name it came through (OIDC_PROVIDERS)
    email: str = Field(default="", max_length=254)
    email_verified: bool = False
    name: str = Field(default="", max_length=120)
    created_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    last_signin_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))


class AccountAgenda(SQLModel, table=True):
    """The personal agenda of a signed-in account, the same on every device it signs in on.

    An agenda is addressed by its token, of which the agenda table keeps only a digest; to hand
    the account's agenda to a new device, its token is kept here sealed (AES-GCM under a key
    derived from ``SECRET_KEY``, festival/oidc/sealing.py): the database alone still reveals
    no feed address.
    """

    __tablename__ = "account_agenda"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    agenda_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("agenda.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    token_sealed: str = Field(max_length=255)
