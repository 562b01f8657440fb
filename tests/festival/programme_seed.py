"""Editions, organisations and sessions for tests, made through the real rules
(festival/sessions.py) in a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival import sessions
from festival.models import Edition, FestivalSession, Organisation
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.dbtools import with_db

EDITION = "learningplanet-2027"
CREATED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def add_edition(settings: Settings, slug: str = EDITION, day: date = date(2027, 1, 24)) -> int:
    async def add(db: AsyncSession) -> int:
        row = Edition(slug=slug, name=f"Festival {slug}", first_day=day, last_day=day)
        db.add(row)
        await db.flush()
        assert row.id is not None
        return row.id

    return with_db(settings, add)


def add_organisation(
    settings: Settings, slug: str, zone: str, name: str = "", country: str = "KE"
) -> int:
    async def add(db: AsyncSession) -> int:
        row = Organisation(slug=slug, name=name or slug.title(), country=country, tz_name=zone)
        db.add(row)
        await db.flush()
        assert row.id is not None
        return row.id

    return with_db(settings, add)


def add_session(
    settings: Settings,
    organisation_slug: str,
    title: str,
    wall: str,
    *,
    status: str = "draft",
    zone: str | None = None,
    fold: int | None = None,
    minutes: int = 60,
    edition: str = EDITION,
    summary: str = "",
) -> str:
    """A session of the organisation at ``wall`` (its home zone unless ``zone``); its uid."""

    async def add(db: AsyncSession) -> str:
        ed = (await db.execute(select(Edition).where(col(Edition.slug) == edition))).scalar_one()
        org = (
            await db.execute(
                select(Organisation).where(col(Organisation.slug) == organisation_slug)
            )
        ).scalar_one()
        data = sessions.SessionInput(
            title=title,
            local_start=datetime.fromisoformat(wall),
            tz_name=zone or org.tz_name,
            duration_minutes=minutes,
            status=status,
            fold=fold,
            summary=summary,
        )
        row = await sessions.create_session(db, ed, org, data, FixedClock(CREATED))
        return row.uid

    return with_db(settings, add)


def session_row(settings: Settings, uid: str) -> FestivalSession:
    async def load(db: AsyncSession) -> FestivalSession:
        found = await db.execute(select(FestivalSession).where(col(FestivalSession.uid) == uid))
        return found.scalar_one()

    return with_db(settings, load)
