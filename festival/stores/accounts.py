"""Database store for accounts, their roles, and sign-in sessions; hands out Account values.

Secrets arrive in clear and leave the store only as SHA-256 digests (tokens) or argon2 hashes
(passwords, hashed by the caller): nothing here can reproduce a cookie or a link.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.auth.account import Account, RoomOwner
from festival.errors import BadRequestError, NotFoundError
from festival.i18n import gettext as _
from festival.models import FestivalSession
from festival.models.accounts import (
    Account as AccountRow,
)
from festival.models.accounts import (
    HostRole,
    Membership,
    MembershipRole,
    SessionHost,
    SignInSession,
)
from realtime.channels import RoomKind, parse_room_name
from realtime.errors import RoomError

#: Something@something.tld, no spaces: enough to catch typing mistakes (the link proves it).
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
#: ``secrets.token_urlsafe(32)``: 43 characters of base64url (256 bits).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


class EmailTakenError(BadRequestError):
    code = "auth.email_taken"


class InvalidEmailError(BadRequestError):
    code = "auth.email_invalid"


def email_key(email: str) -> str:
    """What makes two addresses the same account: case and surrounding spaces do not."""
    return email.strip().casefold()


def check_email(email: str) -> str:
    """The address, trimmed, or InvalidEmailError with what to fix."""
    value = email.strip()
    if len(value) > 254 or _EMAIL.fullmatch(value) is None:
        raise InvalidEmailError(_("Give an email address such as name@example.org."))
    return value


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: object) -> bool:
    return isinstance(token, str) and _TOKEN.fullmatch(token) is not None


# -- accounts -----------------------------------------------------------------------------------


async def create_account(
    db: AsyncSession,
    *,
    email: str,
    name: str,
    password_hash: str,
    now: datetime,
    is_admin: bool = False,
    language: str = "en",
) -> AccountRow:
    """A new account; EmailTakenError when the address (in any case) already has one."""
    address = check_email(email)
    if await find_account_row(db, address) is not None:
        raise EmailTakenError(_("There is already an account for %(address)s.", address=address))
    row = AccountRow(
        email=address,
        email_key=email_key(address),
        display_name=name.strip() or address.partition("@")[0],
        password_hash=password_hash,
        is_admin=is_admin,
        language=language,
        created_at_utc=now,
        password_changed_at_utc=now,
    )
    db.add(row)
    try:
        await db.flush()
    except IntegrityError:  # created concurrently between the check and the insert
        raise EmailTakenError(
            _("There is already an account for %(address)s.", address=address)
        ) from None
    return row


async def find_account_row(db: AsyncSession, email: str) -> AccountRow | None:
    result = await db.execute(
        select(AccountRow).where(col(AccountRow.email_key) == email_key(email))
    )
    return result.scalar_one_or_none()


async def get_account_row(db: AsyncSession, account_id: int) -> AccountRow:
    row = await db.get(AccountRow, account_id)
    if row is None:
        raise NotFoundError(_("There is no account %(id)s.", id=account_id), "account.not_found")
    return row


async def any_admin(db: AsyncSession) -> bool:
    """Whether at least one admin account exists (which retires ``ADMIN_PASSWORD``)."""
    result = await db.execute(select(exists().where(col(AccountRow.is_admin).is_(True))))
    return bool(result.scalar())


async def count_accounts(db: AsyncSession) -> int:
    result = await db.execute(select(func.count()).select_from(AccountRow))
    return int(result.scalar_one())


async def set_password(
    db: AsyncSession, account_id: int, password_hash: str, now: datetime
) -> None:
    row = await get_account_row(db, account_id)
    row.password_hash = password_hash
    row.password_changed_at_utc = now
    await db.flush()


async def load_account(db: AsyncSession, account_id: int) -> Account | None:
    """The account as a value, with its organisations and hosted sessions; None if gone."""
    row = await db.get(AccountRow, account_id)
    if row is None or row.id is None:
        return None
    orgs = await db.execute(
        select(col(Membership.organisation_id)).where(col(Membership.account_id) == row.id)
    )
    hosted = await db.execute(
        select(col(SessionHost.session_id)).where(col(SessionHost.account_id) == row.id)
    )
    return Account(
        id=row.id,
        email=row.email,
        name=row.display_name,
        is_admin=row.is_admin,
        language=row.language,
        organisation_ids=frozenset(orgs.scalars()),
        hosted_session_ids=frozenset(hosted.scalars()),
    )


# -- roles ------------------------------------------------------------------------------------


async def add_membership(
    db: AsyncSession,
    account_id: int,
    organisation_id: int,
    now: datetime,
    role: MembershipRole = MembershipRole.ORGANISER,
) -> None:
    """Make the account an organiser of the organisation (nothing if it already is)."""
    found = await db.execute(
        select(Membership).where(
            col(Membership.account_id) == account_id,
            col(Membership.organisation_id) == organisation_id,
        )
    )
    if found.scalar_one_or_none() is None:
        db.add(
            Membership(
                account_id=account_id,
                organisation_id=organisation_id,
                role=role.value,
                created_at_utc=now,
            )
        )
        await db.flush()


async def remove_membership(db: AsyncSession, account_id: int, organisation_id: int) -> None:
    found = await db.execute(
        select(Membership).where(
            col(Membership.account_id) == account_id,
            col(Membership.organisation_id) == organisation_id,
        )
    )
    row = found.scalar_one_or_none()
    if row is not None:
        await db.delete(row)
        await db.flush()


async def add_session_host(
    db: AsyncSession,
    account_id: int,
    session_id: int,
    now: datetime,
    role: HostRole = HostRole.HOST,
) -> None:
    """Make the account a host (or moderator) of the session: it moderates the session's room."""
    found = await db.execute(
        select(SessionHost).where(
            col(SessionHost.account_id) == account_id,
            col(SessionHost.session_id) == session_id,
        )
    )
    row = found.scalar_one_or_none()
    if row is None:
        db.add(
            SessionHost(
                account_id=account_id, session_id=session_id, role=role.value, created_at_utc=now
            )
        )
    else:
        row.role = role.value
    await db.flush()


async def remove_session_host(db: AsyncSession, account_id: int, session_id: int) -> None:
    found = await db.execute(
        select(SessionHost).where(
            col(SessionHost.account_id) == account_id,
            col(SessionHost.session_id) == session_id,
        )
    )
    row = found.scalar_one_or_none()
    if row is not None:
        await db.delete(row)
        await db.flush()


async def room_owner(db: AsyncSession, room: str) -> RoomOwner:
    """Whose a live room is: a session room's session and organisation; a lobby's nobody's."""
    try:
        name = parse_room_name(room)
    except RoomError:
        return RoomOwner()
    if name.kind is not RoomKind.SESSION:
        return RoomOwner()
    found = await db.execute(
        select(col(FestivalSession.id), col(FestivalSession.organisation_id)).where(
            col(FestivalSession.uid) == name.key
        )
    )
    row = found.first()
    return RoomOwner() if row is None else RoomOwner(session_id=row[0], organisation_id=row[1])


# -- sign-in sessions -------------------------------------------------------------------------


async def start_signin(db: AsyncSession, account_id: int | None, now: datetime) -> str:
    """A new sign-in session; returns its id in clear (for the cookie; stored as a digest)."""
    token = new_token()
    db.add(
        SignInSession(
            token_sha256=token_digest(token),
            account_id=account_id,
            created_at_utc=now,
            last_seen_at_utc=now,
        )
    )
    await db.flush()
    return token


async def find_signin(db: AsyncSession, token: object) -> SignInSession | None:
    """The live (not revoked) sign-in session with this id, or None."""
    if not looks_like_token(token):
        return None
    assert isinstance(token, str)
    result = await db.execute(
        select(SignInSession).where(
            col(SignInSession.token_sha256) == token_digest(token),
            col(SignInSession.revoked_at_utc).is_(None),
        )
    )
    return result.scalar_one_or_none()


async def revoke_signin(db: AsyncSession, token: object, now: datetime) -> None:
    """End one sign-in session (signing out): its cookie opens nothing any more."""
    if not looks_like_token(token):
        return
    assert isinstance(token, str)
    await db.execute(
        update(SignInSession)
        .where(
            col(SignInSession.token_sha256) == token_digest(token),
            col(SignInSession.revoked_at_utc).is_(None),
        )
        .values(revoked_at_utc=now)
    )


async def revoke_account_signins(
    db: AsyncSession, account_id: int, now: datetime, keep: str | None = None
) -> int:
    """End every sign-in session of the account, except ``keep`` (the one asking); returns how
    many ended."""
    conditions = [
        col(SignInSession.account_id) == account_id,
        col(SignInSession.revoked_at_utc).is_(None),
    ]
    if keep is not None:
        conditions.append(col(SignInSession.token_sha256) != token_digest(keep))
    result = await db.execute(update(SignInSession).where(*conditions).values(revoked_at_utc=now))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def revoke_bootstrap_signins(db: AsyncSession, now: datetime) -> None:
    """End every ``ADMIN_PASSWORD`` sign-in (once an admin account exists they count no more)."""
    await db.execute(
        update(SignInSession)
        .where(
            col(SignInSession.account_id).is_(None),
            col(SignInSession.revoked_at_utc).is_(None),
        )
        .values(revoked_at_utc=now)
    )
