"""Database store of the toolkit library: toolkits with their organisation, resources and the
sessions that use them; the writes organisers and admins make; the download counter."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.errors import NotFoundError
from festival.i18n import gettext as _
from festival.models import FestivalSession, Organisation
from festival.models.toolkits import ResourceKind, SessionToolkit, Toolkit, ToolkitResource
from festival.stores.programme import slot_query, to_slot
from festival.toolkits import Entry, ToolkitInput
from scheduling.slots import Slot
from scheduling.vocabulary import PUBLIC_STATUSES, ToolkitStatus

PUBLISHED = ToolkitStatus.PUBLISHED.value
#: Path segments of /organiser/toolkits/ that a toolkit's slug would hide.
RESERVED = frozenset({"new"})


# -- reading ------------------------------------------------------------------------------------


async def get_toolkit(db: AsyncSession, slug: str, *, lock: bool = False) -> Toolkit:
    """The toolkit called ``slug`` (any status: callers decide who may see a draft)."""
    query = select(Toolkit).where(col(Toolkit.slug) == slug)
    if lock:
        query = query.with_for_update()
    found = (await db.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFoundError(
            _("There is no toolkit called %(slug)s.", slug=repr(slug)), "toolkit.not_found"
        )
    return found


async def entries(
    db: AsyncSession,
    *,
    published_only: bool = True,
    organisation_ids: Iterable[int] | None = None,
    toolkit_ids: Iterable[int] | None = None,
) -> list[Entry]:
    """Toolkits with their organisation, resources and public sessions, by title."""
    query = (
        select(Toolkit, Organisation)
        .join(Organisation, col(Toolkit.organisation_id) == col(Organisation.id))
        .order_by(col(Toolkit.title), col(Toolkit.id))
    )
    if published_only:
        query = query.where(col(Toolkit.status) == PUBLISHED)
    if organisation_ids is not None:
        query = query.where(col(Toolkit.organisation_id).in_(sorted(organisation_ids)))
    if toolkit_ids is not None:
        query = query.where(col(Toolkit.id).in_(sorted(toolkit_ids)))
    rows = [(t, o) for t, o in (await db.execute(query)).all()]
    ids = [t.id for t, _ in rows if t.id is not None]
    if not ids:
        return []
    resources = (
        await db.execute(
            select(ToolkitResource)
            .where(col(ToolkitResource.toolkit_id).in_(ids))
            .order_by(col(ToolkitResource.id))
        )
    ).scalars()
    by_toolkit: dict[int, list[ToolkitResource]] = {}
    for resource in resources:
        by_toolkit.setdefault(resource.toolkit_id, []).append(resource)
    used = Counter(
        toolkit_id
        for (toolkit_id,) in (
            await db.execute(
                select(col(SessionToolkit.toolkit_id))
                .join(FestivalSession, col(SessionToolkit.session_id) == col(FestivalSession.id))
                .where(col(SessionToolkit.toolkit_id).in_(ids))
                .where(col(FestivalSession.status).in_(PUBLIC_STATUSES))
            )
        ).all()
    )
    return [
        Entry(t, o, tuple(by_toolkit.get(t.id or 0, ())), used.get(t.id or 0, 0)) for t, o in rows
    ]


async def entry(db: AsyncSession, toolkit: Toolkit) -> Entry:
    found = await entries(db, published_only=False, toolkit_ids=[toolkit.id or 0])
    return found[0]


async def sessions_using(db: AsyncSession, toolkit_id: int) -> list[Slot]:
    """The public sessions a toolkit is material for, by start."""
    query = (
        slot_query()
        .join(SessionToolkit, col(SessionToolkit.session_id) == col(FestivalSession.id))
        .where(col(SessionToolkit.toolkit_id) == toolkit_id)
        .where(col(FestivalSession.status).in_(PUBLIC_STATUSES))
        .order_by(col(FestivalSession.starts_at_utc), col(FestivalSession.title))
    )
    return [to_slot(row) for row in (await db.execute(query)).all()]


async def toolkits_of_session(
    db: AsyncSession, session_id: int, *, published_only: bool = True
) -> list[Entry]:
    """The toolkits attached to a session ("materials for this workshop"), by title."""
    ids = (
        await db.execute(
            select(col(SessionToolkit.toolkit_id)).where(
                col(SessionToolkit.session_id) == session_id
            )
        )
    ).scalars()
    wanted = list(ids)
    if not wanted:
        return []
    return await entries(db, published_only=published_only, toolkit_ids=wanted)


async def attachable(db: AsyncSession, organisation_id: int) -> list[Toolkit]:
    """What an organisation's session may use: every published toolkit, and its own drafts."""
    query = (
        select(Toolkit)
        .where(
            (col(Toolkit.status) == PUBLISHED) | (col(Toolkit.organisation_id) == organisation_id)
        )
        .order_by(col(Toolkit.title))
    )
    return list((await db.execute(query)).scalars())


async def get_resource(db: AsyncSession, toolkit: Toolkit, resource_id: int) -> ToolkitResource:
    found = await db.get(ToolkitResource, resource_id)
    if found is None or found.toolkit_id != toolkit.id:
        raise NotFoundError(_("This toolkit has no such resource."), "resource.not_found")
    return found


# -- writing (the caller commits) ---------------------------------------------------------------


def slug_base(title: str) -> str:
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:100].strip("-") or "toolkit"


async def free_slug(db: AsyncSession, title: str) -> str:
    base = slug_base(title)
    taken = RESERVED | set(
        (
            await db.execute(select(col(Toolkit.slug)).where(col(Toolkit.slug).startswith(base)))
        ).scalars()
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _apply(toolkit: Toolkit, data: ToolkitInput) -> None:
    toolkit.title = data.title
    toolkit.summary = data.summary
    toolkit.languages = list(data.languages)
    toolkit.age_groups = list(data.age_groups)
    toolkit.sdgs = list(data.sdgs)
    toolkit.topics = list(data.topics)
    toolkit.licence = data.licence


async def create_toolkit(
    db: AsyncSession, organisation: Organisation, data: ToolkitInput, now: datetime
) -> Toolkit:
    """A new draft toolkit of ``organisation``."""
    assert organisation.id is not None
    toolkit = Toolkit(
        slug=await free_slug(db, data.title),
        organisation_id=organisation.id,
        title=data.title,
        created_at_utc=now,
        updated_at_utc=now,
    )
    _apply(toolkit, data)
    db.add(toolkit)
    await db.flush()
    return toolkit


async def update_toolkit(
    db: AsyncSession, toolkit: Toolkit, data: ToolkitInput, now: datetime
) -> None:
    _apply(toolkit, data)
    toolkit.updated_at_utc = now
    await db.flush()


async def set_status(db: AsyncSession, toolkit: Toolkit, status: str, now: datetime) -> None:
    """Publish (the first time sets ``published_at_utc``, what "newest" sorts by) or make a
    draft again; an unpublished toolkit is no longer featured."""
    toolkit.status = status
    if status == PUBLISHED and toolkit.published_at_utc is None:
        toolkit.published_at_utc = now
    if status != PUBLISHED:
        toolkit.featured = False
    toolkit.updated_at_utc = now
    await db.flush()


async def add_link(
    db: AsyncSession, toolkit: Toolkit, title: str, url: str, now: datetime
) -> ToolkitResource:
    assert toolkit.id is not None
    resource = ToolkitResource(
        toolkit_id=toolkit.id,
        kind=ResourceKind.LINK.value,
        title=title,
        url=url,
        created_at_utc=now,
    )
    db.add(resource)
    await db.flush()
    return resource


async def add_file(
    db: AsyncSession,
    toolkit: Toolkit,
    *,
    title: str,
    storage_key: str,
    content_type: str,
    size_bytes: int,
    file_name: str,
    now: datetime,
) -> ToolkitResource:
    assert toolkit.id is not None
    resource = ToolkitResource(
        toolkit_id=toolkit.id,
        kind=ResourceKind.FILE.value,
        title=title,
        storage_key=storage_key,
        content_type=content_type,
        size_bytes=size_bytes,
        file_name=file_name,
        created_at_utc=now,
    )
    db.add(resource)
    await db.flush()
    return resource


async def remove_resource(db: AsyncSession, resource: ToolkitResource) -> None:
    await db.delete(resource)
    await db.flush()


async def count_use(db: AsyncSession, toolkit_id: int) -> None:
    """One more use of a toolkit's resource: a number in one statement (no read, no race),
    and nothing about who."""
    await db.execute(
        update(Toolkit)
        .where(col(Toolkit.id) == toolkit_id)
        .values(download_count=col(Toolkit.download_count) + 1)
    )


async def attach(db: AsyncSession, session_id: int, toolkit_id: int, now: datetime) -> bool:
    """Make a toolkit material of a session; False when it already was."""
    exists = await db.execute(
        select(func.count())
        .select_from(SessionToolkit)
        .where(col(SessionToolkit.session_id) == session_id)
        .where(col(SessionToolkit.toolkit_id) == toolkit_id)
    )
    if exists.scalar_one():
        return False
    db.add(SessionToolkit(session_id=session_id, toolkit_id=toolkit_id, created_at_utc=now))
    await db.flush()
    return True


async def detach(db: AsyncSession, session_id: int, toolkit_id: int) -> None:
    await db.execute(
        delete(SessionToolkit)
        .where(col(SessionToolkit.session_id) == session_id)
        .where(col(SessionToolkit.toolkit_id) == toolkit_id)
    )
