"""Database store for the session editor: an organiser's organisations and sessions, the
organisation's accounts that may host, and the sessions a new time could clash with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.auth.account import Account
from festival.models import FestivalSession, Organisation
from festival.models.accounts import Account as AccountRow
from festival.models.accounts import HostRole, Membership, SessionHost
from festival.stores import accounts as accounts_store
from festival.stores.programme import slot_query, to_slot
from scheduling.slots import Slot
from scheduling.vocabulary import PUBLIC_STATUSES, SessionStatus


async def organisations_of(db: AsyncSession, account: Account) -> list[Organisation]:
    """The organisations whose sessions ``account`` manages (an admin: every one), by name."""
    query = select(Organisation).order_by(col(Organisation.name))
    if not account.is_admin:
        query = query.where(col(Organisation.id).in_(sorted(account.organisation_ids)))
    return list((await db.execute(query)).scalars())


async def organisation_by_id(db: AsyncSession, organisation_id: int) -> Organisation:
    found = await db.get(Organisation, organisation_id)
    assert found is not None  # a session's organisation: a foreign key guarantees it
    return found


async def sessions_of(db: AsyncSession, organisation_id: int) -> list[Slot]:
    """Every session of the organisation, whatever its status, by start."""
    query = (
        slot_query()
        .where(col(FestivalSession.organisation_id) == organisation_id)
        .order_by(col(FestivalSession.starts_at_utc), col(FestivalSession.title))
    )
    return [to_slot(row) for row in (await db.execute(query)).all()]


async def members_by_email(
    db: AsyncSession, organisation_id: int, emails: Iterable[str]
) -> dict[str, AccountRow]:
    """The organisation's organisers among ``emails``, by email key (case does not matter)."""
    keys = sorted({accounts_store.email_key(email) for email in emails})
    if not keys:
        return {}
    result = await db.execute(
        select(AccountRow)
        .join(Membership, col(Membership.account_id) == col(AccountRow.id))
        .where(col(Membership.organisation_id) == organisation_id)
        .where(col(AccountRow.email_key).in_(keys))
    )
    return {row.email_key: row for row in result.scalars()}


async def host_accounts(db: AsyncSession, session_id: int) -> list[AccountRow]:
    """The accounts that host the session (moderators of its room only are not hosts)."""
    result = await db.execute(
        select(AccountRow)
        .join(SessionHost, col(SessionHost.account_id) == col(AccountRow.id))
        .where(col(SessionHost.session_id) == session_id)
        .where(col(SessionHost.role) == HostRole.HOST.value)
        .order_by(col(SessionHost.id))
    )
    return list(result.scalars())


async def set_host_accounts(
    db: AsyncSession, session_id: int, account_ids: Iterable[int], now: datetime
) -> None:
    """Make exactly ``account_ids`` the session's hosts (they moderate its live room)."""
    wanted = set(account_ids)
    current = {row.id for row in await host_accounts(db, session_id) if row.id is not None}
    for account_id in sorted(current - wanted):
        await accounts_store.remove_session_host(db, account_id, session_id)
    for account_id in sorted(wanted - current):
        await accounts_store.add_session_host(db, account_id, session_id, now)


async def overlapping_slots(
    db: AsyncSession, starts_at_utc: datetime, ends_at_utc: datetime, organisation_id: int
) -> list[Slot]:
    """Sessions running at some moment of [starts, ends): the organisation's own whatever
    their status (but cancelled), and other organisations' public ones only (their drafts are
    theirs)."""
    query = (
        slot_query()
        .where(col(FestivalSession.starts_at_utc) < ends_at_utc)
        .where(col(FestivalSession.ends_at_utc) > starts_at_utc)
        .where(col(FestivalSession.status) != SessionStatus.CANCELLED.value)
        .where(
            or_(
                col(FestivalSession.organisation_id) == organisation_id,
                and_(
                    col(FestivalSession.organisation_id) != organisation_id,
                    col(FestivalSession.status).in_(PUBLIC_STATUSES),
                ),
            )
        )
    )
    return [to_slot(row) for row in (await db.execute(query)).all()]
