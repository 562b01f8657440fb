"""Database reads for the audit log: the moderators' actions in live rooms (``room_audit``) and
the changes of sessions (``session_change``), newest first, a page at a time, and the names
they refer to; and the sessions waiting in the review queue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.models import FestivalSession, Organisation, SessionChange
from festival.models.accounts import Account
from festival.models.rooms import RoomAudit
from scheduling.vocabulary import SessionStatus

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a log: its rows, and whether older ones follow."""

    rows: list[T]
    more: bool


async def room_actions(db: AsyncSession, page: int, per_page: int) -> Page[RoomAudit]:
    """A page of the moderators' actions, newest first."""
    result = await db.execute(
        select(RoomAudit)
        .order_by(col(RoomAudit.at_utc).desc(), col(RoomAudit.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    found = list(result.scalars())
    return Page(found[:per_page], len(found) > per_page)


@dataclass(frozen=True)
class ChangedSession:
    """One change of a session, with the session it changed."""

    change: SessionChange
    uid: str
    title: str


async def session_changes(db: AsyncSession, page: int, per_page: int) -> Page[ChangedSession]:
    """A page of the changes of every session, newest first."""
    result = await db.execute(
        select(SessionChange, col(FestivalSession.uid), col(FestivalSession.title))
        .join(FestivalSession, col(FestivalSession.id) == col(SessionChange.session_id))
        .order_by(col(SessionChange.at_utc).desc(), col(SessionChange.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    found = [ChangedSession(change, uid, title) for change, uid, title in result.all()]
    return Page(found[:per_page], len(found) > per_page)


@dataclass(frozen=True)
class Submitted:
    """A session its organisers sent for review, and when and by whom (its latest change)."""

    session: FestivalSession
    organisation: Organisation
    submitted: SessionChange | None


async def submitted_sessions(db: AsyncSession) -> list[Submitted]:
    """Every session waiting for an admin's review, soonest first."""
    result = await db.execute(
        select(FestivalSession, Organisation)
        .join(Organisation, col(Organisation.id) == col(FestivalSession.organisation_id))
        .where(col(FestivalSession.status) == SessionStatus.SUBMITTED)
        .order_by(col(FestivalSession.starts_at_utc), col(FestivalSession.id))
    )
    rows = list(result.all())
    ids = [row[0].id for row in rows]
    latest: dict[int, SessionChange] = {}
    if ids:
        changes = await db.execute(
            select(SessionChange)
            .where(col(SessionChange.session_id).in_(ids))
            .order_by(col(SessionChange.id))
        )
        for change in changes.scalars():
            latest[change.session_id] = change
    return [
        Submitted(session, organisation, latest.get(session.id or 0))
        for session, organisation in rows
    ]


async def account_emails(db: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    result = await db.execute(
        select(col(Account.id), col(Account.email)).where(col(Account.id).in_(wanted))
    )
    return {account_id: email for account_id, email in result.all() if account_id is not None}


async def session_titles(db: AsyncSession, uids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(uids))
    if not wanted:
        return {}
    result = await db.execute(
        select(col(FestivalSession.uid), col(FestivalSession.title)).where(
            col(FestivalSession.uid).in_(wanted)
        )
    )
    return {uid: value for uid, value in result.all()}
