"""Checking an email address and password: limited, generic, and the same time either way.

:func:`check` is the one way a password is accepted (the sign-in page, the password change,
``ADMIN_PASSWORD``'s first sign-in has :func:`check_admin_password`). It counts the attempt
first (festival/auth/limits.py), then checks the password against the account's hash, or
against a dummy hash when no account has the address, so that neither the answer, its status
nor its timing says whether an account exists.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from festival.auth import bootstrap, limits, passwords
from festival.db import session_scope
from festival.errors import ForbiddenError
from festival.i18n import gettext as _
from festival.state import state
from festival.stores import accounts as store

#: Limits of every sign-in form; tests and settings may pass others.
DEFAULT_LIMITS = limits.AttemptLimits()
#: The "account" key ADMIN_PASSWORD's attempts are counted under.
ADMIN_PASSWORD_KEY = "admin-password"


class WrongCredentialsError(ForbiddenError):
    code = "auth.credentials"

    def __init__(self) -> None:
        super().__init__(
            _(
                "That email address and password do not match an account. Check both, or "
                "reset your password by email."
            )
        )


async def check(
    conn: HTTPConnection, email: str, password: str, attempt_limits: limits.AttemptLimits
) -> int:
    """The id of the account with this address and password, or WrongCredentialsError (or
    TooManyAttemptsError, before anything is checked)."""
    app = state(conn)
    attempt = await limits.begin(
        app.sessions,
        account=limits.account_key(email),
        address=limits.address_limit_key(conn, app.settings),
        now=app.clock.now(),
        limits=attempt_limits,
    )
    async with app.sessions() as db:
        row = await store.find_account_row(db, email) if len(email) <= 254 else None
        stored = row.password_hash if row is not None else None
        account_id = row.id if row is not None else None
    if not await passwords.verify_password(stored, password[: passwords.MAX_LENGTH]):
        raise WrongCredentialsError()
    assert account_id is not None and stored is not None
    async with session_scope(app.sessions) as db:
        await limits.succeeded(db, attempt)
        if passwords.needs_rehash(stored):
            hashed = await passwords.hash_password(password)
            await store.set_password(db, account_id, hashed, app.clock.now())
    return account_id


async def check_admin_password(
    conn: HTTPConnection, password: str, attempt_limits: limits.AttemptLimits
) -> bool:
    """Whether ``password`` is ADMIN_PASSWORD, its attempts limited like any sign-in's."""
    app = state(conn)
    attempt = await limits.begin(
        app.sessions,
        account=ADMIN_PASSWORD_KEY,
        address=limits.address_limit_key(conn, app.settings),
        now=app.clock.now(),
        limits=attempt_limits,
    )
    if not bootstrap.password_matches(app.settings, password):
        return False
    async with session_scope(app.sessions) as db:
        await limits.succeeded(db, attempt)
    return True
