"""Records of the accounts area: people who sign in, their roles, and their sign-in secrets.

Attendees need no account. An account is an admin (``is_admin``), a member of organisations
(``membership``: organisers), and the host or moderator of given sessions (``session_host``).
Every secret is stored as a SHA-256 digest only (sign-in sessions, invitation and reset
tokens), or as an argon2 hash (passwords): the database alone signs nobody in.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from festival.db import AwareUTC
from festival.models.programme import utcnow

__all__ = [
    "Account",
    "HostRole",
    "Invitation",
    "Membership",
    "MembershipRole",
    "PasswordReset",
    "SessionHost",
    "SignInAttempt",
    "SignInSession",
]


class MembershipRole(enum.StrEnum):
    ORGANISER = "organiser"  # manages the organisation's sessions


class HostRole(enum.StrEnum):
    HOST = "host"  # runs the session (and moderates its room)
    MODERATOR = "moderator"  # moderates the session's room


def _account_fk(nullable: bool = False, ondelete: str = "CASCADE") -> Column[int]:
    return Column(
        Integer, ForeignKey("account.id", ondelete=ondelete), nullable=nullable, index=True
    )


class Account(SQLModel, table=True):
    """Someone who signs in with an email address and a password."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)  # as typed by its owner
    # email.strip().casefold(): the address is unique whatever its case.
    email_key: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)  # argon2id, festival/auth/passwords.py
    is_admin: bool = False
    language: str = Field(default="en", max_length=16)  # BCP 47 tag of the pages they read
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )
    password_changed_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )


class Membership(SQLModel, table=True):
    """An account's role in an organisation (organisers manage its sessions)."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("account_id", "organisation_id", name="uq_membership_account_org"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=_account_fk())
    organisation_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("organisation.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    role: str = Field(default=MembershipRole.ORGANISER.value, max_length=20)
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )


class SessionHost(SQLModel, table=True):
    """An account that hosts or moderates a festival session (and so moderates its room)."""

    __tablename__ = "session_host"
    __table_args__ = (
        UniqueConstraint("account_id", "session_id", name="uq_session_host_account_session"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=_account_fk())
    session_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("festival_session.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    role: str = Field(default=HostRole.HOST.value, max_length=20)
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )


class SignInSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a random id, the table its digest.

    Revoking the row (sign out, sign out everywhere, a password change) makes the cookie
    worthless at once, wherever it was copied. ``account_id`` is NULL for the ``ADMIN_PASSWORD``
    first sign-in, which only counts while no admin account exists (festival/auth/bootstrap.py).
    """

    __tablename__ = "signin_session"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True, index=True)
    account_id: int | None = Field(default=None, sa_column=_account_fk(nullable=True))
    created_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    last_seen_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    revoked_at_utc: datetime | None = Field(default=None, sa_column=Column(AwareUTC, nullable=True))


class SignInAttempt(SQLModel, table=True):
    """A failed sign-in, counted per account and per network address to slow guessing down.

    ``key`` is opaque: ``email:<digest>`` or ``address:<festival.addresses.address_key>``.
    """

    __tablename__ = "signin_attempt"
    __table_args__ = (Index("ix_signin_attempt_key_at", "key", "at_utc"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80)
    at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))


class Invitation(SQLModel, table=True):
    """An admin's invitation to join an organisation; its link lets the invitee set a password."""

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True, index=True)
    email: str = Field(max_length=254)
    email_key: str = Field(max_length=254, index=True)
    display_name: str = Field(default="", max_length=120)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False)
    )
    role: str = Field(default=MembershipRole.ORGANISER.value, max_length=20)
    invited_by_account_id: int | None = Field(
        default=None, sa_column=_account_fk(nullable=True, ondelete="SET NULL")
    )
    created_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    expires_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    accepted_at_utc: datetime | None = Field(
        default=None, sa_column=Column(AwareUTC, nullable=True)
    )
    accepted_by_account_id: int | None = Field(
        default=None, sa_column=_account_fk(nullable=True, ondelete="SET NULL")
    )


class PasswordReset(SQLModel, table=True):
    """A password-reset link sent to an account's address: single use, short-lived."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True, index=True)
    account_id: int = Field(sa_column=_account_fk())
    created_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    expires_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    used_at_utc: datetime | None = Field(default=None, sa_column=Column(AwareUTC, nullable=True))
