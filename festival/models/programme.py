"""Database records: festival editions, organisations, sessions.

The organiser's wall time and IANA zone are the source of truth for a session; the UTC columns
are derived by ``scheduling.tz`` and can be re-derived (``festival tz-check``) when tz rules change.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from festival.db import AwareUTC
from scheduling.vocabulary import Audience, SessionKind, SessionStatus


def utcnow() -> datetime:
    return datetime.now(UTC)


class EditionKind(enum.StrEnum):
    FLAGSHIP = "flagship"  # the January 24 #LearningPlanet Festival
    CELEBRATION = "celebration"  # another learning celebration showcased through the year
    ASSEMBLY = "assembly"


class OrganisationKind(enum.StrEnum):
    CITY = "city"
    ASSOCIATION = "association"
    SCHOOL_NETWORK = "school_network"
    YOUTH_GROUP = "youth_group"
    OTHER = "other"


class Edition(SQLModel, table=True):
    """A festival edition: its dates are local days (see scheduling.window)."""

    __tablename__ = "edition"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    name: str = Field(max_length=200)
    description: str = ""
    kind: str = Field(default=EditionKind.FLAGSHIP.value, max_length=20)
    first_day: date
    last_day: date
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )
    updated_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )

    @property
    def days(self) -> list[date]:
        from datetime import timedelta

        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=i) for i in range(count)]


class Organisation(SQLModel, table=True):
    """A city, association, school network or youth group running sessions."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(default=OrganisationKind.OTHER.value, max_length=20)
    country: str = Field(max_length=2)  # ISO 3166-1 alpha-2
    tz_name: str = Field(max_length=64)  # home IANA zone, canonical
    website: str = ""
    description: str = ""
    #: Trusted organisations publish their sessions themselves; others submit them for review.
    trusted: bool = False
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )


class FestivalSession(SQLModel, table=True):
    """One session of the programme (named to keep it apart from database sessions)."""

    __tablename__ = "festival_session"
    __table_args__ = (
        UniqueConstraint("uid", name="uq_festival_session_uid"),
        Index("ix_festival_session_edition_start", "edition_id", "starts_at_utc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=64)  # stable public id (iCalendar UID, URLs)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    title: str = Field(max_length=200)
    summary: str = ""
    kind: str = Field(default=SessionKind.OTHER.value, max_length=20)
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    audience: str = Field(default=Audience.EVERYONE.value, max_length=20)
    sdgs: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    hosts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # As entered by the organiser: naive wall time, IANA zone, fold choice, duration.
    local_start: datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))
    tz_name: str = Field(max_length=64)
    fold: int = 0
    duration_minutes: int
    # Derived by scheduling.tz.to_utc from the four fields above.
    starts_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    ends_at_utc: datetime = Field(sa_column=Column(AwareUTC, nullable=False))
    stream: str = Field(default="", max_length=120)  # room / stream name, for conflicts
    join_url: str = ""
    capacity: int | None = None
    status: str = Field(default=SessionStatus.DRAFT.value, max_length=20, index=True)
    revision: int = 1
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )
    updated_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )
    cancelled_at_utc: datetime | None = Field(
        default=None, sa_column=Column(AwareUTC, nullable=True)
    )
