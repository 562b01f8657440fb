"""Invitations to join an organisation: a token per invitation, stored as a digest, single use,
valid for a week. Accepting one makes (or finds) the account and its membership."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.models import Organisation
from festival.models.accounts import Invitation
from festival.stores.accounts import (
    check_email,
    email_key,
    looks_like_token,
    new_token,
    token_digest,
)

#: How long an invitation link works.
INVITATION_LIFETIME = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class PendingInvitation:
    """An invitation not yet accepted, as pages show it."""

    id: int
    email: str
    name: str
    organisation_id: int
    organisation_name: str
    expires_at_utc: datetime


async def create_invitation(
    db: AsyncSession,
    *,
    email: str,
    name: str,
    organisation_id: int,
    invited_by: int | None,
    now: datetime,
) -> str:
    """A new invitation's token (in clear, for the mail only)."""
    address = check_email(email)
    token = new_token()
    db.add(
        Invitation(
            token_sha256=token_digest(token),
            email=address,
            email_key=email_key(address),
            display_name=name.strip()[:120],
            organisation_id=organisation_id,
            invited_by_account_id=invited_by,
            created_at_utc=now,
            expires_at_utc=now + INVITATION_LIFETIME,
        )
    )
    await db.flush()
    return token


async def find_invitation(db: AsyncSession, token: object, now: datetime) -> Invitation | None:
    """The invitation this token opens: not accepted and unexpired; None otherwise."""
    if not looks_like_token(token):
        return None
    assert isinstance(token, str)
    result = await db.execute(
        select(Invitation).where(
            col(Invitation.token_sha256) == token_digest(token),
            col(Invitation.accepted_at_utc).is_(None),
            col(Invitation.expires_at_utc) > now,
        )
    )
    return result.scalar_one_or_none()


async def mark_accepted(
    db: AsyncSession, invitation: Invitation, account_id: int, now: datetime
) -> bool:
    """Mark the invitation accepted by the account; False if it was accepted meanwhile."""
    result = await db.execute(
        update(Invitation)
        .where(col(Invitation.id) == invitation.id, col(Invitation.accepted_at_utc).is_(None))
        .values(accepted_at_utc=now, accepted_by_account_id=account_id)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def pending_invitations(db: AsyncSession, now: datetime) -> list[PendingInvitation]:
    """Invitations still waiting to be accepted, newest first."""
    result = await db.execute(
        select(Invitation, col(Organisation.name))
        .join(Organisation, col(Organisation.id) == col(Invitation.organisation_id))
        .where(col(Invitation.accepted_at_utc).is_(None), col(Invitation.expires_at_utc) > now)
        .order_by(col(Invitation.id).desc())
    )
    return [
        PendingInvitation(
            id=row.id or 0,
            email=row.email,
            name=row.display_name,
            organisation_id=row.organisation_id,
            organisation_name=org_name,
            expires_at_utc=row.expires_at_utc,
        )
        for row, org_name in result.all()
    ]
