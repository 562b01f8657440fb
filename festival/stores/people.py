"""Who has which role, as the admin pages list and change it: accounts with their organisations
and hosted sessions, the admin flag, session hosts. Membership and host rows themselves are made
by festival/stores/accounts.py; this module reads them together and guards the admin flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.errors import BadRequestError
from festival.i18n import gettext as _
from festival.models import FestivalSession, Organisation
from festival.models.accounts import Account as AccountRow
from festival.models.accounts import Membership, SessionHost
from festival.stores.accounts import get_account_row


class LastAdminError(BadRequestError):
    code = "account.last_admin"


@dataclass(frozen=True, slots=True)
class Role:
    """One organisation an account organises, or one session it hosts."""

    id: int
    name: str
    slug: str  # the organisation's slug, or the session's uid
    role: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    """An account as the people page lists it."""

    id: int
    email: str
    name: str
    is_admin: bool
    created_at_utc: datetime
    organisations: tuple[Role, ...]
    hosted: tuple[Role, ...]


@dataclass(frozen=True, slots=True)
class Host:
    """An account hosting (or moderating) a session."""

    account_id: int
    email: str
    name: str
    role: str


async def list_people(db: AsyncSession) -> list[Person]:
    """Every account, admins first, then by email address."""
    accounts = list(
        (
            await db.execute(
                select(AccountRow).order_by(
                    col(AccountRow.is_admin).desc(), col(AccountRow.email_key)
                )
            )
        ).scalars()
    )
    orgs: dict[int, list[Role]] = {}
    found = await db.execute(
        select(
            col(Membership.account_id),
            col(Organisation.id),
            col(Organisation.name),
            col(Organisation.slug),
            col(Membership.role),
        )
        .join(Organisation, col(Organisation.id) == col(Membership.organisation_id))
        .order_by(col(Organisation.name))
    )
    for account_id, org_id, name, slug, role in found.all():
        orgs.setdefault(account_id, []).append(Role(org_id or 0, name, slug, role))
    hosted: dict[int, list[Role]] = {}
    found = await db.execute(
        select(
            col(SessionHost.account_id),
            col(FestivalSession.id),
            col(FestivalSession.title),
            col(FestivalSession.uid),
            col(SessionHost.role),
        )
        .join(FestivalSession, col(FestivalSession.id) == col(SessionHost.session_id))
        .order_by(col(FestivalSession.starts_at_utc))
    )
    for account_id, session_id, title, uid, role in found.all():
        hosted.setdefault(account_id, []).append(Role(session_id or 0, title, uid, role))
    return [
        Person(
            id=row.id or 0,
            email=row.email,
            name=row.display_name,
            is_admin=row.is_admin,
            created_at_utc=row.created_at_utc,
            organisations=tuple(orgs.get(row.id or 0, ())),
            hosted=tuple(hosted.get(row.id or 0, ())),
        )
        for row in accounts
    ]


async def count_admins(db: AsyncSession) -> int:
    result = await db.execute(
        select(func.count()).select_from(AccountRow).where(col(AccountRow.is_admin).is_(True))
    )
    return int(result.scalar_one())


async def set_admin(db: AsyncSession, account_id: int, is_admin: bool) -> AccountRow:
    """Make the account an admin, or no longer one; LastAdminError rather than leave the site
    with no admin account (nobody could then run it, and ADMIN_PASSWORD would open it again)."""
    row = await get_account_row(db, account_id)
    if row.is_admin and not is_admin and await count_admins(db) <= 1:
        raise LastAdminError(
            _(
                "%(email)s is the only admin: make someone else an admin first, so that the "
                "site always has one.",
                email=row.email,
            )
        )
    row.is_admin = is_admin
    db.add(row)
    await db.flush()
    return row


async def session_hosts(db: AsyncSession, session_id: int) -> list[Host]:
    """The accounts hosting or moderating the session, by email address."""
    found = await db.execute(
        select(
            col(AccountRow.id),
            col(AccountRow.email),
            col(AccountRow.display_name),
            col(SessionHost.role),
        )
        .join(SessionHost, col(SessionHost.account_id) == col(AccountRow.id))
        .where(col(SessionHost.session_id) == session_id)
        .order_by(col(AccountRow.email_key))
    )
    return [
        Host(account_id or 0, email, name, role) for account_id, email, name, role in found.all()
    ]
