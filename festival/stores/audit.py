"""Database reads for the audit log: the moderators' actions in live rooms (``room_audit``),
newest first, a page at a time, and the names they refer to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.models import FestivalSession
from festival.models.accounts import Account
from festival.models.rooms import RoomAudit

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
