"""Database store for personal agendas and for the "data version" feeds are cached by."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.errors import NotFoundError
from festival.i18n import gettext as _
from festival.models import (
    Agenda,
    AgendaItem,
    Edition,
    FestivalSession,
    Organisation,
)
from festival.stores.programme import slot_query, to_slot
from scheduling.slots import Slot
from scheduling.vocabulary import PUBLIC_STATUSES

#: ``secrets.token_urlsafe(32)``: 43 characters of base64url (256 bits).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    return _TOKEN.fullmatch(token) is not None


async def create_agenda(db: AsyncSession, now: datetime) -> tuple[Agenda, str]:
    """A new empty agenda and its token (the only time the token is known in clear)."""
    token = new_token()
    agenda = Agenda(token_sha256=token_digest(token), created_at_utc=now, updated_at_utc=now)
    db.add(agenda)
    await db.flush()
    return agenda, token


async def find_agenda(db: AsyncSession, token: str) -> Agenda | None:
    """The agenda with this token, or None (also for anything that is not a token)."""
    if not looks_like_token(token):
        return None
    result = await db.execute(
        select(Agenda).where(Agenda.token_sha256 == token_digest(token))  # type: ignore[arg-type]
    )
    return result.scalar_one_or_none()


async def rotate_token(db: AsyncSession, agenda: Agenda, now: datetime) -> str:
    """Give the agenda a new token; the old one stops working at once."""
    token = new_token()
    agenda.token_sha256 = token_digest(token)
    agenda.rotated_at_utc = now
    agenda.updated_at_utc = now
    agenda.revision += 1
    db.add(agenda)
    await db.flush()
    return token


async def _session_id(db: AsyncSession, uid: str) -> int:
    result = await db.execute(
        select(FestivalSession.id, FestivalSession.status).where(  # type: ignore[call-overload]
            FestivalSession.uid == uid
        )
    )
    row = result.first()
    if row is None or row[1] not in PUBLIC_STATUSES:
        raise NotFoundError(
            _("There is no session with id %(uid)s.", uid=repr(uid)), "session.not_found"
        )
    session_id: int = row[0]
    return session_id


async def save_session(db: AsyncSession, agenda: Agenda, uid: str, now: datetime) -> bool:
    """Add a published (or cancelled) session; False when it was already saved."""
    session_id = await _session_id(db, uid)
    existing = await db.execute(
        select(AgendaItem.id).where(  # type: ignore[call-overload]
            AgendaItem.agenda_id == agenda.id, AgendaItem.session_id == session_id
        )
    )
    if existing.first() is not None:
        return False
    assert agenda.id is not None
    db.add(AgendaItem(agenda_id=agenda.id, session_id=session_id, saved_at_utc=now))
    agenda.updated_at_utc = now
    agenda.revision += 1
    db.add(agenda)
    await db.flush()
    return True


async def remove_session(db: AsyncSession, agenda: Agenda, uid: str, now: datetime) -> bool:
    """Remove a session from the agenda; False when it was not in it."""
    session_id = await _session_id(db, uid)
    result: Any = await db.execute(
        delete(AgendaItem).where(
            AgendaItem.agenda_id == agenda.id,  # type: ignore[arg-type]
            AgendaItem.session_id == session_id,  # type: ignore[arg-type]
        )
    )
    if not result.rowcount:
        return False
    agenda.updated_at_utc = now
    agenda.revision += 1
    db.add(agenda)
    await db.flush()
    return True


async def agenda_slots(db: AsyncSession, agenda: Agenda) -> list[Slot]:
    """The agenda's sessions (published and cancelled), by UTC start."""
    query = (
        slot_query()
        .join(AgendaItem, col(AgendaItem.session_id) == col(FestivalSession.id))
        .where(col(AgendaItem.agenda_id) == agenda.id)
        .where(col(FestivalSession.status).in_(PUBLIC_STATUSES))
        .order_by(col(FestivalSession.starts_at_utc), col(FestivalSession.uid))
    )
    return [to_slot(row) for row in (await db.execute(query)).all()]


async def saved_at(db: AsyncSession, agenda: Agenda) -> dict[int, datetime]:
    """When each of the agenda's sessions was saved, by session id."""
    result = await db.execute(
        select(col(AgendaItem.session_id), col(AgendaItem.saved_at_utc)).where(
            col(AgendaItem.agenda_id) == agenda.id
        )
    )
    return {session_id: at for session_id, at in result.all()}


async def agenda_uids(db: AsyncSession, agenda: Agenda) -> set[str]:
    query = (
        select(col(FestivalSession.uid))
        .join(AgendaItem, col(AgendaItem.session_id) == col(FestivalSession.id))
        .where(col(AgendaItem.agenda_id) == agenda.id)
    )
    result = await db.execute(query)
    return {uid for (uid,) in result.all()}


@dataclass(frozen=True)
class DataVersion:
    """Changes whenever anything a feed shows may have changed (a cheap aggregate query)."""

    sessions: int
    revisions: int
    max_session_id: int
    last_change_utc: datetime | None
    organisations: int
    max_organisation_id: int
    editions_changed_utc: datetime | None

    @property
    def last_modified_utc(self) -> datetime | None:
        stamps = [s for s in (self.last_change_utc, self.editions_changed_utc) if s is not None]
        return max(stamps) if stamps else None


async def data_version(db: AsyncSession) -> DataVersion:
    """One round trip: session count, revision sum, latest change; organisations; editions."""
    s, o, e = FestivalSession, Organisation, Edition
    query: Any = select(
        select(func.count(s.id)).scalar_subquery(),  # type: ignore[arg-type]
        select(func.coalesce(func.sum(s.revision), 0)).scalar_subquery(),
        select(func.coalesce(func.max(s.id), 0)).scalar_subquery(),
        select(func.max(s.updated_at_utc)).scalar_subquery(),
        select(func.count(o.id)).scalar_subquery(),  # type: ignore[arg-type]
        select(func.coalesce(func.max(o.id), 0)).scalar_subquery(),
        select(func.max(e.updated_at_utc)).scalar_subquery(),
    )
    row = (await db.execute(query)).one()
    return DataVersion(
        sessions=int(row[0]),
        revisions=int(row[1]),
        max_session_id=int(row[2]),
        last_change_utc=row[3],
        organisations=int(row[4]),
        max_organisation_id=int(row[5]),
        editions_changed_utc=row[6],
    )
