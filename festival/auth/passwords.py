"""Passwords: argon2id hashes, made and checked off the event loop.

Parameters: OWASP's Password Storage Cheat Sheet minimum for argon2id (19 MiB, 2 passes, one
lane): ~20 ms a check on one core. argon2-cffi's default (64 MiB, 4 lanes) took ~450 ms on a
busy 2-core host and would let a handful of sign-ins occupy a server's CPUs; stored hashes say
their parameters, so raising them later rehashes each account at its next sign-in.

An unknown email address is checked against a dummy hash made with the same parameters, so
that a wrong address costs the same time as a wrong password and the answer's timing does not
tell whether an account exists.
"""

from __future__ import annotations

import asyncio
import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from festival.errors import BadRequestError
from festival.i18n import gettext as _

#: Long enough to resist guessing online, short enough for a phone keyboard.
MIN_LENGTH = 10
#: Hashing is deliberately slow per byte too; nobody types more than this.
MAX_LENGTH = 1024

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class WeakPasswordError(BadRequestError):
    code = "auth.password_weak"


def check_new_password(password: str, *, email: str = "") -> None:
    """Refuse a new password that is too short, too long, or the email address itself."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(
            _("Choose a password of at least %(count)s characters.", count=MIN_LENGTH)
        )
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(
            _("Choose a password of at most %(count)s characters.", count=MAX_LENGTH)
        )
    if email and password.strip().casefold() == email.strip().casefold():
        raise WeakPasswordError(_("Choose a password that is not your email address."))


class NewPasswordError(BadRequestError):
    """A new password refused, with the message for each field of its form."""

    code = "auth.password_weak"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def check_new_pair(password: str, again: str, email: str) -> str:
    """A new password typed twice (fields ``password`` and ``password_again``), or
    NewPasswordError saying what to fix beside which field."""
    try:
        check_new_password(password, email=email)
    except WeakPasswordError as exc:
        raise NewPasswordError({"password": exc.message}) from None
    if again != password:
        raise NewPasswordError({"password_again": _("The two passwords differ: type it again.")})
    return password


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (computed in a thread: it takes tens of ms)."""
    return await asyncio.to_thread(_hasher.hash, password)


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored if stored is not None else _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; ``stored=None`` (no such account) takes as long
    and is always False."""
    if stored is None:
        await asyncio.to_thread(_verify, None, password)
        return False
    return await asyncio.to_thread(_verify, stored, password)


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made with older parameters (rehashed at the next sign-in)."""
    return _hasher.check_needs_rehash(stored)
