"""Sign-in attempts, limited per account and per network address, in the database.

Every attempt is written *before* its password is checked, and counted with the others of
its keys; past the limit it is taken back and refused, unchecked. So concurrent guesses
cannot slip past the count (each sees the attempts committed before it), every worker sees
the same counts (the database is shared), and a refused guess costs no argon2 time. A
successful sign-in takes its own attempt back and clears its account's. The keys are opaque:
a digest of the email address (whether or not an account has it, so the limit tells nothing
about which addresses exist) and the address key of festival/addresses.py.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col
from starlette.requests import HTTPConnection

from festival.addresses import TrustedProxies, address_key, client_host
from festival.db import session_scope
from festival.errors import FestivalError
from festival.i18n import ngettext
from festival.models.accounts import SignInAttempt
from festival.settings import Settings
from festival.stores.accounts import email_key

HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class AttemptLimits:
    """How many sign-in attempts fit in a window, per account and per network address."""

    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


class TooManyAttemptsError(FestivalError):
    status_code = 429
    code = "auth.too_many_attempts"

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after_seconds = max(1, math.ceil(retry_after.total_seconds()))
        minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
        super().__init__(
            ngettext(
                "Too many sign-in attempts. For your safety, try again in %(num)s minute "
                "(or reset your password by email).",
                "Too many sign-in attempts. For your safety, try again in %(num)s minutes "
                "(or reset your password by email).",
                minutes,
            )
        )


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt under way: its rows, taken back if it succeeds."""

    ids: tuple[int, ...]
    account_key: str


def account_key(email: str) -> str:
    digest = hashlib.sha256(b"signin-email:" + email_key(email).encode()).hexdigest()
    return f"email:{digest[:40]}"


def client_address(conn: HTTPConnection, settings: Settings) -> str | None:
    """The client's address (behind ``TRUSTED_PROXIES``, festival/addresses.py)."""
    peer = conn.client.host if conn.client else None
    forwarded = [v for k, v in conn.headers.items() if k == "x-forwarded-for"]
    return client_host(peer, forwarded, TrustedProxies.parse(settings.trusted_proxies))


def address_limit_key(conn: HTTPConnection, settings: Settings) -> str:
    return f"address:{address_key(client_address(conn, settings), settings.secret_key)}"


async def _retry_after(
    db: AsyncSession, key: str, limit: int, window: timedelta, now: datetime
) -> timedelta | None:
    """How long until ``key`` is under its limit again; None if it is now."""
    result = await db.execute(
        select(col(SignInAttempt.at_utc))
        .where(col(SignInAttempt.key) == key, col(SignInAttempt.at_utc) > now - window)
        .order_by(col(SignInAttempt.at_utc).desc())
        .limit(limit + 1)
    )
    recent = list(result.scalars())
    if len(recent) <= limit:
        return None
    # The attempt that must age out before one more fits: the (limit+1)-th most recent.
    return recent[limit] + window - now


async def begin(
    sessions: async_sessionmaker[AsyncSession],
    *,
    account: str,
    address: str,
    now: datetime,
    limits: AttemptLimits,
) -> Attempt:
    """Count one attempt for both keys, or raise TooManyAttemptsError (counting nothing).

    The attempt is committed before it is counted, so that of two concurrent attempts at
    least the later sees the earlier: the limit holds under any concurrency.
    """
    rows = [SignInAttempt(key=account, at_utc=now), SignInAttempt(key=address, at_utc=now)]
    async with session_scope(sessions) as db:
        db.add_all(rows)
        await db.flush()
    ids = tuple(r.id for r in rows if r.id is not None)
    async with session_scope(sessions) as db:
        waits = [
            await _retry_after(db, account, limits.per_account, limits.window, now),
            await _retry_after(db, address, limits.per_address, limits.window, now),
        ]
        blocked = [wait for wait in waits if wait is not None]
        if blocked:
            await db.execute(delete(SignInAttempt).where(col(SignInAttempt.id).in_(ids)))
        else:
            # Housekeeping: what no window will count again.
            await db.execute(
                delete(SignInAttempt).where(
                    col(SignInAttempt.key).in_([account, address]),
                    col(SignInAttempt.at_utc) <= now - limits.window,
                )
            )
    if blocked:
        raise TooManyAttemptsError(max(blocked))
    return Attempt(ids, account)


async def succeeded(db: AsyncSession, attempt: Attempt) -> None:
    """A right password: this attempt and the account's earlier failures count no more."""
    await db.execute(delete(SignInAttempt).where(col(SignInAttempt.id).in_(attempt.ids)))
    await db.execute(delete(SignInAttempt).where(col(SignInAttempt.key) == attempt.account_key))
