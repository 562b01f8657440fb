"""Password-reset links: a token per request, stored as a digest, single use, short-lived."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.models.accounts import PasswordReset
from festival.stores.accounts import looks_like_token, new_token, token_digest

#: How long a reset link works.
RESET_LIFETIME = timedelta(hours=1)


async def create_reset(db: AsyncSession, account_id: int, now: datetime) -> str:
    """A new reset link's token (in clear, for the mail only)."""
    token = new_token()
    db.add(
        PasswordReset(
            token_sha256=token_digest(token),
            account_id=account_id,
            created_at_utc=now,
            expires_at_utc=now + RESET_LIFETIME,
        )
    )
    await db.flush()
    return token


async def find_reset(db: AsyncSession, token: object, now: datetime) -> PasswordReset | None:
    """The reset this token opens: unused and unexpired; None otherwise."""
    if not looks_like_token(token):
        return None
    assert isinstance(token, str)
    result = await db.execute(
        select(PasswordReset).where(
            col(PasswordReset.token_sha256) == token_digest(token),
            col(PasswordReset.used_at_utc).is_(None),
            col(PasswordReset.expires_at_utc) > now,
        )
    )
    return result.scalar_one_or_none()


async def use_reset(db: AsyncSession, reset: PasswordReset, now: datetime) -> bool:
    """Mark this reset used, and every other open one of its account; False if it was used
    meanwhile (two submissions racing: only one may set the password)."""
    result = await db.execute(
        update(PasswordReset)
        .where(col(PasswordReset.id) == reset.id, col(PasswordReset.used_at_utc).is_(None))
        .values(used_at_utc=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await db.execute(
        update(PasswordReset)
        .where(
            col(PasswordReset.account_id) == reset.account_id,
            col(PasswordReset.used_at_utc).is_(None),
        )
        .values(used_at_utc=now)
    )
    return True
