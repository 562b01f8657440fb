"""The demo festival: the #LearningPlanet Festival 2027 and two later learning celebrations.

Deterministic and idempotent. ``festival.demo.programme`` builds the programme as plain values;
seeding looks editions and organisations up by slug and sessions by UID, creates what is
missing, updates what the data changed (bumping the revision, so calendars see a new SEQUENCE)
and leaves the rest alone: running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.db import make_engine, make_sessionmaker, session_scope
from festival.demo.data import EDITIONS, FLAGSHIP_DAY, FLAGSHIP_SLUG
from festival.demo.programme import DemoOrganisation, Programme, build_programme
from festival.demo.toolkits import TOOLKITS
from festival.models import Edition, FestivalSession, Organisation
from festival.models.toolkits import Toolkit
from festival.sessions import Actor, SessionInput, create_session, update_session
from festival.settings import normalise_database_url
from festival.stores import programme
from festival.stores import toolkits as toolkit_store
from scheduling.clock import Clock, FixedClock, SystemClock
from scheduling.programme import counted_sessions, session_count
from scheduling.slots import Slot
from scheduling.vocabulary import SessionStatus, ToolkitStatus

#: When the demo programme says it was published: fixed, so two seeds of a fresh database are
#: identical to the byte (and feeds built from them carry the same ETags on every host).
DEMO_PUBLISHED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
#: How the change log names what the demo seed writes.
DEMO = Actor(None, "festival demo")


@dataclass
class SeedReport:
    """What seeding did. Sessions are counted as everywhere else (``programme.session_count``);
    created / updated / unchanged are rows, drafts and cancelled sessions included."""

    editions: int = 0
    organisations: int = 0
    sessions: int = 0
    flagship_sessions: int = 0
    zones: int = 0  # of the flagship's counted sessions
    cancelled: int = 0
    drafts: int = 0
    toolkits: int = 0  # published demo toolkits
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"demo festival: {self.editions} editions, {self.organisations} organisations, "
            f"{self.sessions} sessions ({self.flagship_sessions} on "
            f"{FLAGSHIP_DAY:%d %B %Y}) in {self.zones} zones, {self.toolkits} toolkits; "
            f"not counted: {self.cancelled} "
            f"cancelled, {self.drafts} drafts "
            f"(created {self.created}, updated {self.updated}, unchanged {self.unchanged})"
        )


def _changes(row: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in wanted.items() if getattr(row, key) != value}


async def _seed_editions(db: AsyncSession, now: datetime) -> dict[str, Edition]:
    existing = {edition.slug: edition for edition in await programme.list_editions(db)}
    for slug, name, kind, first_day, last_day, description in EDITIONS:
        wanted: dict[str, Any] = {
            "name": name,
            "kind": kind,
            "first_day": first_day,
            "last_day": last_day,
            "description": description,
        }
        edition = existing.get(slug)
        if edition is None:
            edition = Edition(
                slug=slug,
                created_at_utc=DEMO_PUBLISHED_AT,
                updated_at_utc=DEMO_PUBLISHED_AT,
                **wanted,
            )
        elif changes := _changes(edition, wanted):
            for key, value in changes.items():
                setattr(edition, key, value)
            edition.updated_at_utc = now
        else:
            continue
        db.add(edition)
        existing[slug] = edition
    await db.flush()
    return existing


async def _seed_organisations(
    db: AsyncSession, organisations: Iterable[DemoOrganisation]
) -> dict[str, Organisation]:
    existing = {org.slug: org for org in await programme.list_organisations(db)}
    for spec in organisations:
        wanted: dict[str, Any] = {
            "name": spec.name,
            "kind": spec.kind.value,
            "country": spec.country,
            "tz_name": spec.tz_name,
            "website": f"https://{spec.slug}.example.org",
            "description": spec.description,
        }
        org = existing.get(spec.slug)
        if org is None:
            org = Organisation(slug=spec.slug, created_at_utc=DEMO_PUBLISHED_AT, **wanted)
        elif changes := _changes(org, wanted):
            for key, value in changes.items():
                setattr(org, key, value)
        else:
            continue
        db.add(org)
        existing[spec.slug] = org
    await db.flush()
    return existing


def _session_fields(edition: Edition, org: Organisation, data: SessionInput) -> dict[str, Any]:
    return {
        "edition_id": edition.id,
        "organisation_id": org.id,
        "title": data.title,
        "summary": data.summary,
        "kind": data.kind,
        "languages": list(data.languages),
        "audience": data.audience,
        "sdgs": list(data.sdgs),
        "hosts": list(data.hosts),
        "local_start": data.local_start,
        "tz_name": data.tz_name,
        "duration_minutes": data.duration_minutes,
        "stream": data.stream,
        "join_url": data.join_url,
        "capacity": data.capacity,
        "status": data.status,
    }


async def seed(db: AsyncSession, clock: Clock) -> SeedReport:
    """Create or update the demo festival in ``db`` (the caller commits).

    New sessions say they were published at ``DEMO_PUBLISHED_AT``; changes are made at ``clock``.
    """
    published = FixedClock(DEMO_PUBLISHED_AT)
    moment = clock.now()
    plan = build_programme()
    editions = await _seed_editions(db, moment)
    organisations = await _seed_organisations(db, plan.organisations)
    rows: dict[str, FestivalSession] = {
        row.uid: row for row in await programme.all_session_rows(db)
    }
    report = SeedReport(editions=len(EDITIONS), organisations=len(plan.organisations))
    for session in plan.sessions:
        edition = editions[session.edition_slug]
        org = organisations[session.organisation_slug]
        row = rows.get(session.uid)
        if row is None:
            await create_session(
                db, edition, org, session.data, published, uid=session.uid, actor=DEMO
            )
            report.created += 1
        elif changes := _changes(row, _session_fields(edition, org, session.data)):
            await update_session(db, row, clock, DEMO, **changes)
            report.updated += 1
        else:
            report.unchanged += 1
    _count(report, await programme.list_slots(db, statuses=()), {s.uid for s in plan.sessions})
    report.toolkits = await _seed_toolkits(db, plan, organisations)
    return report


async def _seed_toolkits(
    db: AsyncSession, plan: Programme, organisations: dict[str, Organisation]
) -> int:
    """Create the demo toolkits that are missing (published, with their links, as material of
    their organisation's first sessions); leave existing ones as they are. The number of demo
    toolkits published."""
    slugs = [t.slug for t in TOOLKITS]
    existing = {
        row.slug: row
        for row in (await db.execute(select(Toolkit).where(col(Toolkit.slug).in_(slugs)))).scalars()
    }
    sessions = {row.uid: row for row in await programme.all_session_rows(db)}
    for demo in TOOLKITS:
        if demo.slug in existing:
            continue
        org = organisations[demo.organisation_slug]
        assert org.id is not None
        toolkit = Toolkit(
            slug=demo.slug,
            organisation_id=org.id,
            title=demo.title,
            summary=demo.summary,
            languages=list(demo.languages),
            age_groups=list(demo.age_groups),
            sdgs=list(demo.sdgs),
            topics=list(demo.topics),
            licence=demo.licence,
            status=ToolkitStatus.PUBLISHED.value,
            featured=demo.featured,
            created_at_utc=DEMO_PUBLISHED_AT,
            updated_at_utc=DEMO_PUBLISHED_AT,
            published_at_utc=DEMO_PUBLISHED_AT,
        )
        db.add(toolkit)
        await db.flush()
        assert toolkit.id is not None
        for title, url in demo.links:
            await toolkit_store.add_link(db, toolkit, title, url, DEMO_PUBLISHED_AT)
        mine = [
            sessions[s.uid]
            for s in plan.sessions
            if s.organisation_slug == demo.organisation_slug
            and s.data.status == SessionStatus.PUBLISHED
            and s.uid in sessions
        ]
        for row in mine[: demo.sessions]:
            assert row.id is not None
            await toolkit_store.attach(db, row.id, toolkit.id, DEMO_PUBLISHED_AT)
        existing[demo.slug] = toolkit
    return sum(1 for t in existing.values() if t.status == ToolkitStatus.PUBLISHED)


def _count(report: SeedReport, slots: list[Slot], planned: set[str]) -> None:
    """Count the demo's sessions as the site does (the home page, the API)."""
    mine = [slot for slot in slots if slot.uid in planned]
    counted = counted_sessions(mine)
    flagship = [slot for slot in counted if slot.edition_slug == FLAGSHIP_SLUG]
    report.sessions = len(counted)
    report.flagship_sessions = session_count(flagship)
    report.zones = len({slot.tz_name for slot in flagship})
    report.cancelled = sum(1 for slot in mine if slot.status == SessionStatus.CANCELLED)
    report.drafts = sum(1 for slot in mine if slot.status == SessionStatus.DRAFT)


async def seed_database(database_url: str, clock: Clock | None = None) -> str:
    """Seed the demo festival into an already-migrated database; return a one-line summary.

    ``clock`` defaults to the system's, as for ``create_app``: this is where a command starts.
    """
    engine = make_engine(normalise_database_url(database_url))
    try:
        async with session_scope(make_sessionmaker(engine)) as db:
            report = await seed(db, clock or SystemClock())
    finally:
        await engine.dispose()
    return report.summary()
