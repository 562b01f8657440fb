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
from festival.models import (
    Agenda,
    AgendaItem,
    Edition,
    FestivalSession,
    Organisation,
)
from festival.stores.programme import to_slot
from scheduling.slots import Slot
from scheduling.vocabulary import PUBLIC_STATUSES, SessionStatus

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
    if row is None or row[1] == SessionStatus.DRAFT.value:
        raise NotFoundError(f"There is no session with id {uid!r}.", "session.not_found")
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
        select(FestivalSession, Organisation, Edition)
        .join(AgendaItem, col(AgendaItem.session_id) == col(FestivalSession.id))
        .join(Organisation, col(FestivalSession.organisation_id) == col(Organisation.id))
        .join(Edition, col(FestivalSession.edition_id) == col(Edition.id))
        .where(col(AgendaItem.agenda_id) == agenda.id)
        .where(col(FestivalSession.status).in_(PUBLIC_STATUSES))
        .order_by(col(FestivalSession.starts_at_utc), col(FestivalSession.uid))
    )
    result = await db.execute(query)
    return [to_slot(row, org, ed.slug) for row, org, ed in result.all()]


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


_SLOT_COLUMNS = (
    FestivalSession.id,
    FestivalSession.uid,
    Edition.slug,
    FestivalSession.title,
    FestivalSession.summary,
    FestivalSession.kind,
    FestivalSession.languages,
    FestivalSession.audience,
    FestivalSession.sdgs,
    FestivalSession.hosts,
    FestivalSession.tz_name,
    FestivalSession.local_start,
    FestivalSession.duration_minutes,
    FestivalSession.starts_at_utc,
    FestivalSession.ends_at_utc,
    Organisation.slug,
    Organisation.name,
    Organisation.country,
    FestivalSession.stream,
    FestivalSession.join_url,
    FestivalSession.capacity,
    FestivalSession.status,
    FestivalSession.revision,
    FestivalSession.updated_at_utc,
    FestivalSession.cancelled_at_utc,
)


async def feed_slots(
    db: AsyncSession,
    edition_id: int | None = None,
    organisation_id: int | None = None,
    statuses: tuple[str, ...] = PUBLIC_STATUSES,
) -> list[Slot]:
    """Sessions as Slots for feeds and exports, by UTC start then uid.

    The same Slots as ``stores.programme.list_slots``, read as plain columns: building three
    ORM objects per row costs ten times more, which a 2,000-session feed notices.
    """
    query: Any = (
        select(*[col(c) for c in _SLOT_COLUMNS])
        .join(Organisation, col(FestivalSession.organisation_id) == col(Organisation.id))
        .join(Edition, col(FestivalSession.edition_id) == col(Edition.id))
        .where(col(FestivalSession.status).in_(statuses))
        .order_by(col(FestivalSession.starts_at_utc), col(FestivalSession.uid))
    )
    if edition_id is not None:
        query = query.where(col(FestivalSession.edition_id) == edition_id)
    if organisation_id is not None:
        query = query.where(col(FestivalSession.organisation_id) == organisation_id)
    result = await db.execute(query)
    return [
        Slot(
            id=r[0],
            uid=r[1],
            edition_slug=r[2],
            title=r[3],
            summary=r[4],
            kind=r[5],
            languages=tuple(r[6]),
            audience=r[7],
            sdgs=tuple(r[8]),
            hosts=tuple(r[9]),
            tz_name=r[10],
            local_start=r[11],
            duration_minutes=r[12],
            starts_at_utc=r[13],
            ends_at_utc=r[14],
            organisation_slug=r[15],
            organisation_name=r[16],
            country=r[17],
            stream=r[18],
            join_url=r[19],
            capacity=r[20],
            status=r[21],
            revision=r[22],
            updated_at_utc=r[23],
            cancelled_at_utc=r[24],
        )
        for r in result.all()
    ]
