"""Database store for editions, organisations and sessions; hands the core plain Slots.

The rules for creating and changing a session live in ``festival.sessions``; this module reads.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.errors import NotFoundError
from festival.i18n import gettext as _
from festival.links import safe_url
from festival.models import Edition, FestivalSession, Organisation
from scheduling.slots import Slot
from scheduling.vocabulary import PUBLIC_STATUSES, SessionStatus

#: The columns a Slot is read from, each labelled with the Slot field it fills. Plain columns,
#: not ORM objects: building three ORM objects per row costs ten times more, which a
#: 2,000-session feed notices.
SLOT_COLUMNS: tuple[Any, ...] = (
    col(FestivalSession.id).label("id"),
    col(FestivalSession.uid).label("uid"),
    col(Edition.slug).label("edition_slug"),
    col(FestivalSession.title).label("title"),
    col(FestivalSession.summary).label("summary"),
    col(FestivalSession.kind).label("kind"),
    col(FestivalSession.languages).label("languages"),
    col(FestivalSession.audience).label("audience"),
    col(FestivalSession.sdgs).label("sdgs"),
    col(FestivalSession.hosts).label("hosts"),
    col(FestivalSession.tz_name).label("tz_name"),
    col(FestivalSession.local_start).label("local_start"),
    col(FestivalSession.duration_minutes).label("duration_minutes"),
    col(FestivalSession.starts_at_utc).label("starts_at_utc"),
    col(FestivalSession.ends_at_utc).label("ends_at_utc"),
    col(Organisation.slug).label("organisation_slug"),
    col(Organisation.name).label("organisation_name"),
    col(Organisation.country).label("country"),
    col(FestivalSession.stream).label("stream"),
    col(FestivalSession.join_url).label("join_url"),
    col(FestivalSession.capacity).label("capacity"),
    col(FestivalSession.status).label("status"),
    col(FestivalSession.revision).label("revision"),
    col(FestivalSession.updated_at_utc).label("updated_at_utc"),
    col(FestivalSession.cancelled_at_utc).label("cancelled_at_utc"),
)
_SLOT_FIELDS: tuple[str, ...] = tuple(column.key for column in SLOT_COLUMNS)
_TUPLE_FIELDS = ("languages", "sdgs", "hosts")  # JSON lists in the database


def to_slot(row: Row[Any]) -> Slot:
    """A row of :data:`SLOT_COLUMNS` as a Slot: the one row-to-Slot mapping."""
    values = dict(zip(_SLOT_FIELDS, row, strict=True))
    for name in _TUPLE_FIELDS:
        values[name] = tuple(values[name])
    # Every reader of a slot (pages, the JSON API, the live room, the feeds) gets a join link
    # that cannot run script: one filter here instead of one per reader.
    values["join_url"] = safe_url(values["join_url"])
    return Slot(**values)


def slot_query() -> Select[Any]:
    """Select :data:`SLOT_COLUMNS` of every session (narrow it with ``.where``)."""
    return (
        select(*SLOT_COLUMNS)
        .join(Organisation, col(FestivalSession.organisation_id) == col(Organisation.id))
        .join(Edition, col(FestivalSession.edition_id) == col(Edition.id))
    )


async def list_editions(db: AsyncSession) -> list[Edition]:
    result = await db.execute(select(Edition).order_by(col(Edition.first_day)))
    return list(result.scalars())


async def get_edition(db: AsyncSession, slug: str) -> Edition:
    result = await db.execute(select(Edition).where(col(Edition.slug) == slug))
    edition = result.scalar_one_or_none()
    if edition is None:
        raise NotFoundError(
            _("There is no festival edition called %(slug)s.", slug=repr(slug)), "edition.not_found"
        )
    return edition


async def list_organisations(db: AsyncSession) -> list[Organisation]:
    result = await db.execute(select(Organisation).order_by(col(Organisation.name)))
    return list(result.scalars())


async def get_organisation(db: AsyncSession, slug: str) -> Organisation:
    result = await db.execute(select(Organisation).where(col(Organisation.slug) == slug))
    org = result.scalar_one_or_none()
    if org is None:
        raise NotFoundError(
            _("There is no organisation called %(slug)s.", slug=repr(slug)),
            "organisation.not_found",
        )
    return org


def _narrowed(
    query: Select[Any],
    edition_id: int | None,
    organisation_id: int | None,
    statuses: tuple[str, ...],
) -> Select[Any]:
    if edition_id is not None:
        query = query.where(col(FestivalSession.edition_id) == edition_id)
    if statuses:
        query = query.where(col(FestivalSession.status).in_(statuses))
    if organisation_id is not None:
        query = query.where(col(FestivalSession.organisation_id) == organisation_id)
    return query


async def list_slots(
    db: AsyncSession,
    edition: Edition | None = None,
    statuses: tuple[str, ...] = (SessionStatus.PUBLISHED.value,),
    organisation_id: int | None = None,
) -> list[Slot]:
    """Sessions as Slots (every status when ``statuses`` is empty), by UTC start then title."""
    edition_id = edition.id if edition is not None else None
    query = _narrowed(slot_query(), edition_id, organisation_id, statuses)
    query = query.order_by(col(FestivalSession.starts_at_utc), col(FestivalSession.title))
    return [to_slot(row) for row in (await db.execute(query)).all()]


async def feed_slots(
    db: AsyncSession,
    edition_id: int | None = None,
    organisation_id: int | None = None,
    statuses: tuple[str, ...] = PUBLIC_STATUSES,
) -> list[Slot]:
    """Sessions as Slots for feeds and exports, by UTC start then uid (the feeds' order)."""
    query = _narrowed(slot_query(), edition_id, organisation_id, statuses)
    query = query.order_by(col(FestivalSession.starts_at_utc), col(FestivalSession.uid))
    return [to_slot(row) for row in (await db.execute(query)).all()]


async def get_slot(db: AsyncSession, uid: str, include_drafts: bool = False) -> Slot:
    """A public session (published or cancelled); drafts and submitted ones only when asked."""
    result = await db.execute(slot_query().where(col(FestivalSession.uid) == uid))
    found = result.first()
    if found is None or (found.status not in PUBLIC_STATUSES and not include_drafts):
        raise NotFoundError(
            _("There is no session with id %(uid)s.", uid=repr(uid)), "session.not_found"
        )
    return to_slot(found)


async def get_session_row(db: AsyncSession, uid: str) -> FestivalSession:
    result = await db.execute(select(FestivalSession).where(col(FestivalSession.uid) == uid))
    row = result.scalar_one_or_none()
    if row is None:
        raise NotFoundError(
            _("There is no session with id %(uid)s.", uid=repr(uid)), "session.not_found"
        )
    return row


async def all_session_rows(db: AsyncSession) -> list[FestivalSession]:
    result = await db.execute(select(FestivalSession).order_by(col(FestivalSession.id)))
    return list(result.scalars())
