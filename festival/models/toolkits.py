"""Records of the toolkit library: toolkits, their resources (links and files), and which
sessions use which toolkit ("materials for this workshop").

A file resource holds its storage key (festival/media.py), never a path from the request; its
content type is the one sniffed from its bytes on upload. ``download_count`` counts uses of the
toolkit's resources (for "most used"): a number, nothing about who.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from festival.db import AwareUTC
from festival.models.programme import utcnow
from scheduling.vocabulary import Licence, ToolkitStatus

__all__ = ["ResourceKind", "SessionToolkit", "Toolkit", "ToolkitResource"]


class ResourceKind(enum.StrEnum):
    LINK = "link"  # an http(s) address elsewhere
    FILE = "file"  # a file kept in the media storage


class Toolkit(SQLModel, table=True):
    """A guide or activity kit an organisation shares with the community."""

    __tablename__ = "toolkit"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    organisation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    title: str = Field(max_length=200)
    summary: str = ""
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    age_groups: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sdgs: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    licence: str = Field(default=Licence.CC_BY.value, max_length=20)
    status: str = Field(default=ToolkitStatus.DRAFT.value, max_length=20, index=True)
    featured: bool = False
    download_count: int = 0
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )
    updated_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )
    published_at_utc: datetime | None = Field(
        default=None, sa_column=Column(AwareUTC, nullable=True)
    )


class ToolkitResource(SQLModel, table=True):
    """One link or file of a toolkit, in the order the organisation added them."""

    __tablename__ = "toolkit_resource"

    id: int | None = Field(default=None, primary_key=True)
    toolkit_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("toolkit.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=10)
    title: str = Field(max_length=200)
    url: str = ""  # a link's address
    storage_key: str = Field(default="", max_length=120)  # a file's key in the media storage
    content_type: str = Field(default="", max_length=120)  # sniffed from the bytes
    size_bytes: int = 0
    file_name: str = Field(default="", max_length=200)  # offered to the browser, cleaned
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )


class SessionToolkit(SQLModel, table=True):
    """A toolkit used in a session: the session's page lists it, the toolkit's page links back."""

    __tablename__ = "session_toolkit"
    __table_args__ = (UniqueConstraint("session_id", "toolkit_id", name="uq_session_toolkit"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("festival_session.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    toolkit_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("toolkit.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_at_utc: datetime = Field(
        default_factory=utcnow, sa_column=Column(AwareUTC, nullable=False)
    )
