"""Identities at OpenID Connect providers and the accounts they sign in to.

The rules (docs/sign-in.md):

- an identity is found by (issuer, subject) only, never by email address;
- the first sign-in of an unknown identity creates an attendee account (no organisation, not
  an admin, no password) — unless someone is signed in already and asked to link it: then it
  joins their account;
- on every sign-in where the provider says the address is verified, the organisations that
  invited that address (open invitations) are joined, as following the invitation link would;
- everything of one sign-in happens in the caller's transaction: all of it or nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.errors import BadRequestError, NotFoundError
from festival.i18n import gettext as _
from festival.models.accounts import Account as AccountRow
from festival.models.accounts import Invitation
from festival.models.identities import Identity
from festival.oidc.client import Claims
from festival.stores import accounts, invitations


class IdentityTakenError(BadRequestError):
    """The identity already signs in to another account."""

    code = "oidc.identity_taken"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The outcome of a sign-in with a provider."""

    account_id: int
    created: bool  # a new attendee account
    joined: tuple[int, ...]  # organisations joined by invitation


def account_key() -> str:
    """The ``email_key`` of an account made by a provider sign-in: unique, never an address
    (it has no "@"), so no password sign-in or reset reaches it. Random, not derived from the
    identity: an identity unlinked by an admin makes a new account at its next sign-in."""
    return f"oidc:{secrets.token_hex(24)}"


async def find_identity(db: AsyncSession, issuer: str, subject: str) -> Identity | None:
    result = await db.execute(
        select(Identity).where(col(Identity.issuer) == issuer, col(Identity.subject) == subject)
    )
    return result.scalar_one_or_none()


async def sign_in_with(
    db: AsyncSession,
    claims: Claims,
    provider: str,
    now: datetime,
    link_account_id: int | None = None,
) -> SignedIn:
    """The account this identity signs in to, created or linked as the rules say."""
    identity = await find_identity(db, claims.issuer, claims.subject)
    created = False
    if identity is not None:
        if link_account_id is not None and identity.account_id != link_account_id:
            raise IdentityTakenError(
                _(
                    "This identity already signs in to another account on this site: sign in "
                    "with it there, or ask an admin to unlink it."
                )
            )
        identity.email = claims.email
        identity.email_verified = claims.email_verified
        identity.name = claims.name
        identity.last_signin_at_utc = now
        account_id = identity.account_id
    else:
        if link_account_id is not None:
            await accounts.get_account_row(db, link_account_id)
            account_id = link_account_id
        else:
            account_id = await _new_attendee(db, claims, now)
            created = True
        db.add(
            Identity(
                account_id=account_id,
                issuer=claims.issuer,
                subject=claims.subject,
                provider=provider,
                email=claims.email,
                email_verified=claims.email_verified,
                name=claims.name,
                created_at_utc=now,
                last_signin_at_utc=now,
            )
        )
        try:
            await db.flush()
        except IntegrityError:  # the same identity's first sign-in, twice at once
            raise IdentityTakenError(
                _("This identity was just linked by another sign-in: sign in again.")
            ) from None
    joined = await _accept_invitations(db, claims, account_id, now) if claims.email_verified else ()
    return SignedIn(account_id=account_id, created=created, joined=joined)


async def _new_attendee(db: AsyncSession, claims: Claims, now: datetime) -> int:
    row = AccountRow(
        email=claims.email,
        email_key=account_key(),
        display_name=claims.name
        or (claims.email.partition("@")[0] if claims.email else "")
        or "Festival attendee",
        password_hash="",  # no password: argon2 refuses an empty hash
        is_admin=False,
        language=claims.language or "en",
        created_at_utc=now,
        password_changed_at_utc=now,
    )
    db.add(row)
    await db.flush()
    assert row.id is not None
    return row.id


async def _accept_invitations(
    db: AsyncSession, claims: Claims, account_id: int, now: datetime
) -> tuple[int, ...]:
    """Join the organisations that invited this verified address (open invitations only)."""
    if not claims.email:
        return ()
    result = await db.execute(
        select(Invitation).where(
            col(Invitation.email_key) == accounts.email_key(claims.email),
            col(Invitation.accepted_at_utc).is_(None),
            col(Invitation.expires_at_utc) > now,
        )
    )
    joined: list[int] = []
    for invitation in result.scalars().all():
        if await invitations.mark_accepted(db, invitation, account_id, now):
            await accounts.add_membership(db, account_id, invitation.organisation_id, now)
            joined.append(invitation.organisation_id)
    return tuple(joined)


async def account_identities(db: AsyncSession, account_id: int) -> list[Identity]:
    result = await db.execute(
        select(Identity).where(col(Identity.account_id) == account_id).order_by(col(Identity.id))
    )
    return list(result.scalars().all())


async def identities_by_account(db: AsyncSession) -> dict[int, list[Identity]]:
    """Every identity, by account (the admin's people page)."""
    result = await db.execute(select(Identity).order_by(col(Identity.id)))
    found: dict[int, list[Identity]] = {}
    for identity in result.scalars().all():
        found.setdefault(identity.account_id, []).append(identity)
    return found


async def unlink(db: AsyncSession, account_id: int, identity_id: int) -> None:
    """Remove the identity from the account: it signs in no more (its next sign-in makes a new
    attendee account)."""
    identity = await db.get(Identity, identity_id)
    if identity is None or identity.account_id != account_id:
        raise NotFoundError(_("That account has no such identity."), "identity.not_found")
    await db.delete(identity)
    await db.flush()
