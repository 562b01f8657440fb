"""Database store for editions, organisations and sessions; hands the core plain Slots."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.errors import BadRequestError, NotFoundError
from festival.models import Edition, FestivalSession, Organisation
from scheduling import tz
from scheduling.slots import Slot
from scheduling.vocabulary import Audience, SessionKind, SessionStatus

#: Namespace for deterministic session UIDs (uuid5 of a natural key), so the same session keeps
#: the same iCalendar UID on every host.
UID_NAMESPACE = uuid.UUID("6f1b6f0e-5a4e-4c39-9d8e-24012027a11e")


def session_uid(natural_key: str) -> str:
    return str(uuid.uuid5(UID_NAMESPACE, natural_key))


def to_slot(row: FestivalSession, org: Organisation, edition_slug: str = "") -> Slot:
    return Slot(
        id=row.id or 0,
        uid=row.uid,
        edition_slug=edition_slug,
        title=row.title,
        summary=row.summary,
        kind=row.kind,
        languages=tuple(row.languages),
        audience=row.audience,
        sdgs=tuple(row.sdgs),
        hosts=tuple(row.hosts),
        tz_name=row.tz_name,
        local_start=row.local_start,
        duration_minutes=row.duration_minutes,
        starts_at_utc=row.starts_at_utc,
        ends_at_utc=row.ends_at_utc,
        organisation_slug=org.slug,
        organisation_name=org.name,
        country=org.country,
        stream=row.stream,
        join_url=row.join_url,
        capacity=row.capacity,
        status=row.status,
        revision=row.revision,
        updated_at_utc=row.updated_at_utc,
        cancelled_at_utc=row.cancelled_at_utc,
    )


async def list_editions(db: AsyncSession) -> list[Edition]:
    result = await db.execute(select(Edition).order_by(col(Edition.first_day)))
    return list(result.scalars())


async def get_edition(db: AsyncSession, slug: str) -> Edition:
    result = await db.execute(select(Edition).where(col(Edition.slug) == slug))
    edition = result.scalar_one_or_none()
    if edition is None:
        raise NotFoundError(f"There is no festival edition called {slug!r}.", "edition.not_found")
    return edition


async def list_organisations(db: AsyncSession) -> list[Organisation]:
    result = await db.execute(select(Organisation).order_by(col(Organisation.name)))
    return list(result.scalars())


async def get_organisation(db: AsyncSession, slug: str) -> Organisation:
    result = await db.execute(select(Organisation).where(col(Organisation.slug) == slug))
    org = result.scalar_one_or_none()
    if org is None:
        raise NotFoundError(f"There is no organisation called {slug!r}.", "organisation.not_found")
    return org


def _joined() -> Select[FestivalSession, Organisation, Edition]:
    return (
        select(FestivalSession, Organisation, Edition)
        .join(Organisation, col(FestivalSession.organisation_id) == col(Organisation.id))
        .join(Edition, col(FestivalSession.edition_id) == col(Edition.id))
    )


async def list_slots(
    db: AsyncSession,
    edition: Edition | None = None,
    statuses: tuple[str, ...] = (SessionStatus.PUBLISHED.value,),
    organisation_id: int | None = None,
) -> list[Slot]:
    """Sessions as Slots, ordered by UTC start (then title for a stable order)."""
    query = _joined()
    if edition is not None:
        query = query.where(col(FestivalSession.edition_id) == edition.id)
    if statuses:
        query = query.where(col(FestivalSession.status).in_(statuses))
    if organisation_id is not None:
        query = query.where(col(FestivalSession.organisation_id) == organisation_id)
    query = query.order_by(col(FestivalSession.starts_at_utc), col(FestivalSession.title))
    result = await db.execute(query)
    return [to_slot(row, org, ed.slug) for row, org, ed in result.all()]


async def get_slot(db: AsyncSession, uid: str, include_drafts: bool = False) -> Slot:
    query = _joined().where(col(FestivalSession.uid) == uid)
    result = await db.execute(query)
    found = result.first()
    if found is None or (found[0].status == SessionStatus.DRAFT.value and not include_drafts):
        raise NotFoundError(f"There is no session with id {uid!r}.", "session.not_found")
    row, org, ed = found
    return to_slot(row, org, ed.slug)


@dataclass(frozen=True)
class SessionInput:
    """What an organiser (or the demo, or an import) enters for a session."""

    title: str
    local_start: datetime  # naive wall time in tz_name
    tz_name: str
    duration_minutes: int
    kind: str = SessionKind.OTHER.value
    summary: str = ""
    languages: tuple[str, ...] = ("en",)
    audience: str = Audience.EVERYONE.value
    sdgs: tuple[int, ...] = ()
    hosts: tuple[str, ...] = ()
    stream: str = ""
    join_url: str = ""
    capacity: int | None = None
    status: str = SessionStatus.PUBLISHED.value
    fold: int | None = None


def validate_input(data: SessionInput) -> None:
    """Field checks that are not about time (time is checked by scheduling.tz)."""
    problems: list[str] = []
    if not data.title.strip():
        problems.append("a title is required")
    if len(data.title) > 200:
        problems.append("the title is longer than 200 characters")
    if not 5 <= data.duration_minutes <= 24 * 60:
        problems.append("the duration must be between 5 minutes and 24 hours")
    if data.kind not in {k.value for k in SessionKind}:
        problems.append(f"unknown kind {data.kind!r}")
    if data.audience not in {a.value for a in Audience}:
        problems.append(f"unknown audience {data.audience!r}")
    if data.status not in {s.value for s in SessionStatus}:
        problems.append(f"unknown status {data.status!r}")
    if any(not 1 <= sdg <= 17 for sdg in data.sdgs):
        problems.append("SDG tags are numbers from 1 to 17")
    if data.capacity is not None and data.capacity < 1:
        problems.append("capacity must be at least 1")
    if problems:
        raise BadRequestError("; ".join(problems).capitalize() + ".", "session.invalid")


def derive_utc(
    local_start: datetime, tz_name: str, duration_minutes: int, fold: int | None
) -> tuple[str, int, datetime, datetime]:
    """(canonical zone, fold, starts_at_utc, ends_at_utc) for an entered wall time."""
    zone_name = tz.canonical_name(tz_name)
    starts = tz.to_utc(local_start, zone_name, fold)
    return zone_name, (fold or 0), starts, starts + timedelta(minutes=duration_minutes)


async def create_session(
    db: AsyncSession,
    edition: Edition,
    organisation: Organisation,
    data: SessionInput,
    uid: str | None = None,
    now: datetime | None = None,
) -> FestivalSession:
    """Validate, derive UTC, and add a session (the caller commits)."""
    validate_input(data)
    zone_name, fold, starts, ends = derive_utc(
        data.local_start, data.tz_name, data.duration_minutes, data.fold
    )
    moment = now or datetime.now(UTC)
    row = FestivalSession(
        uid=uid or str(uuid.uuid4()),
        edition_id=edition.id,  # type: ignore[arg-type]
        organisation_id=organisation.id,  # type: ignore[arg-type]
        title=data.title.strip(),
        summary=data.summary,
        kind=data.kind,
        languages=list(data.languages),
        audience=data.audience,
        sdgs=list(data.sdgs),
        hosts=list(data.hosts),
        local_start=data.local_start,
        tz_name=zone_name,
        fold=fold,
        duration_minutes=data.duration_minutes,
        starts_at_utc=starts,
        ends_at_utc=ends,
        stream=data.stream,
        join_url=data.join_url,
        capacity=data.capacity,
        status=data.status,
        revision=1,
        created_at_utc=moment,
        updated_at_utc=moment,
        cancelled_at_utc=moment if data.status == SessionStatus.CANCELLED.value else None,
    )
    db.add(row)
    await db.flush()
    return row


async def get_session_row(db: AsyncSession, uid: str) -> FestivalSession:
    result = await db.execute(select(FestivalSession).where(col(FestivalSession.uid) == uid))
    row = result.scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"There is no session with id {uid!r}.", "session.not_found")
    return row


async def update_session(
    db: AsyncSession, row: FestivalSession, now: datetime | None = None, **changes: Any
) -> FestivalSession:
    """Apply changes, re-derive UTC when time fields change, and bump the revision."""
    moment = now or datetime.now(UTC)
    for key, value in changes.items():
        if not hasattr(row, key):
            raise BadRequestError(f"unknown session field {key!r}", "session.invalid")
        setattr(row, key, list(value) if isinstance(value, tuple) else value)
    fold_choice = changes.get("fold", row.fold)
    zone_name, fold, starts, ends = derive_utc(
        row.local_start, row.tz_name, row.duration_minutes, fold_choice
    )
    row.tz_name, row.fold, row.starts_at_utc, row.ends_at_utc = zone_name, fold, starts, ends
    if changes.get("status") == SessionStatus.CANCELLED.value and row.cancelled_at_utc is None:
        row.cancelled_at_utc = moment
    row.revision += 1
    row.updated_at_utc = moment
    db.add(row)
    await db.flush()
    return row


async def all_session_rows(db: AsyncSession) -> list[FestivalSession]:
    result = await db.execute(select(FestivalSession).order_by(col(FestivalSession.id)))
    return list(result.scalars())
