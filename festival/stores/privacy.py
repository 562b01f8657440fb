"""A person's own data: everything the site keeps about an account, as one JSON document, and
deleting the account.

Deleting removes the account, its identities, roles, sign-ins and agenda; what it said in the
live rooms stays in the rooms' logs (others answered it) but is attributed to "deleted user"
under an identity id that says nothing about the account.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.errors import BadRequestError
from festival.i18n import gettext as _
from festival.models import FestivalSession, Organisation
from festival.models.accounts import Membership, SessionHost
from festival.models.agenda import AgendaItem
from festival.models.rooms import RoomEvent
from festival.stores import account_agendas, identities
from festival.stores.accounts import get_account_row
from festival.stores.people import count_admins

DELETED_NAME = "deleted user"


class LastAdminDeleteError(BadRequestError):
    code = "account.last_admin"


def room_identity(account_id: int) -> str:
    """The live rooms' identity id of a signed-in account (festival/routes/ws.py)."""
    return f"u:account-{account_id}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export_account(db: AsyncSession, account_id: int) -> dict[str, Any]:
    """Everything kept about the account, as JSON-ready data."""
    row = await get_account_row(db, account_id)
    found = await identities.account_identities(db, account_id)
    orgs = await db.execute(
        select(col(Organisation.slug), col(Organisation.name), col(Membership.role))
        .join(Membership, col(Membership.organisation_id) == col(Organisation.id))
        .where(col(Membership.account_id) == account_id)
    )
    hosted = await db.execute(
        select(col(FestivalSession.uid), col(FestivalSession.title), col(SessionHost.role))
        .join(SessionHost, col(SessionHost.session_id) == col(FestivalSession.id))
        .where(col(SessionHost.account_id) == account_id)
    )
    agenda: list[dict[str, Any]] = []
    link = await account_agendas.find_link(db, account_id)
    if link is not None:
        items = await db.execute(
            select(
                col(FestivalSession.uid), col(FestivalSession.title), col(AgendaItem.saved_at_utc)
            )
            .join(AgendaItem, col(AgendaItem.session_id) == col(FestivalSession.id))
            .where(col(AgendaItem.agenda_id) == link.agenda_id)
            .order_by(col(AgendaItem.saved_at_utc))
        )
        agenda = [
            {"session": uid, "title": title, "saved_at_utc": _iso(at)}
            for uid, title, at in items.all()
        ]
    events = await db.execute(
        select(RoomEvent)
        .where(col(RoomEvent.actor) == room_identity(account_id))
        .order_by(col(RoomEvent.at_utc), col(RoomEvent.id))
    )
    return {
        "account": {
            "name": row.display_name,
            "email": row.email,
            "language": row.language,
            "admin": row.is_admin,
            "created_at_utc": _iso(row.created_at_utc),
        },
        "identities": [
            {
                "provider": i.provider,
                "issuer": i.issuer,
                "subject": i.subject,
                "email": i.email,
                "email_verified": i.email_verified,
                "name": i.name,
                "created_at_utc": _iso(i.created_at_utc),
                "last_signin_at_utc": _iso(i.last_signin_at_utc),
            }
            for i in found
        ],
        "organisations": [
            {"organisation": slug, "name": name, "role": role} for slug, name, role in orgs.all()
        ],
        "hosted_sessions": [
            {"session": uid, "title": title, "role": role} for uid, title, role in hosted.all()
        ],
        "agenda": agenda,
        "room_activity": [
            {"room": e.room, "kind": e.kind, "at_utc": _iso(e.at_utc), "data": e.data}
            for e in events.scalars().all()
        ],
    }


def _anonymised(value: Any, old: str, new: str) -> Any:
    """``value`` with every {"id": old, "name": ...} made {"id": new, "name": "deleted user"}."""
    if isinstance(value, dict):
        if value.get("id") == old:
            return {**value, "id": new, "name": DELETED_NAME}
        return {key: _anonymised(inner, old, new) for key, inner in value.items()}
    if isinstance(value, list):
        return [_anonymised(inner, old, new) for inner in value]
    return value


async def delete_account(db: AsyncSession, account_id: int) -> None:
    """Delete the account and its agenda; its room events say "deleted user" from now on."""
    row = await get_account_row(db, account_id)
    if row.is_admin and await count_admins(db) <= 1:
        raise LastAdminDeleteError(
            _(
                "You are the site's last admin: make someone else an admin before deleting "
                "your account."
            )
        )
    old = room_identity(account_id)
    new = f"u:deleted-{secrets.token_hex(8)}"
    events = await db.execute(select(RoomEvent).where(col(RoomEvent.actor) == old))
    for event in events.scalars().all():
        event.actor = new
        event.data = _anonymised(event.data, old, new)
        db.add(event)
    await account_agendas.delete_account_agenda(db, account_id)
    await db.delete(row)
    await db.flush()
