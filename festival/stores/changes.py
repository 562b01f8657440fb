"""Database store for the change log of sessions: a session's history, and the "updated"
notices attendees see (the latest change of time or status of a public session)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.models import FestivalSession, SessionChange


async def history(db: AsyncSession, session_id: int) -> list[SessionChange]:
    """Every change of the session, newest first."""
    result = await db.execute(
        select(SessionChange)
        .where(col(SessionChange.session_id) == session_id)
        .order_by(col(SessionChange.id).desc())
    )
    return list(result.scalars())


@dataclass(frozen=True)
class Notice:
    """What attendees are told about a public session that changed: when, and what."""

    at_utc: datetime
    cancelled: bool  # the change cancelled it
    #: Where it was before it moved (None when its start did not change).
    moved_from_utc: datetime | None
    moved_from_zone: str | None
    resized: bool  # its end changed (a new length), whatever the start did

    @classmethod
    def of(cls, change: SessionChange, zone_now: str) -> Notice:
        changes: dict[str, Any] = change.changes
        moved = changes.get("starts_at_utc")
        zone = changes.get("tz_name", [zone_now, zone_now])[0]
        return cls(
            at_utc=change.at_utc,
            cancelled=changes.get("status", [None, None])[1] == "cancelled",
            moved_from_utc=datetime.fromisoformat(moved[0]) if moved else None,
            moved_from_zone=zone if moved else None,
            resized="ends_at_utc" in changes and not moved,
        )


async def latest_notices(
    db: AsyncSession, sessions: Iterable[tuple[int, str]], since: dict[int, datetime] | None = None
) -> dict[int, Notice]:
    """The latest notice of each session (id, its zone now), by session id; with ``since``
    (by session id), only notices made after that instant (a change already seen is old)."""
    zones = dict(sessions)
    if not zones:
        return {}
    result = await db.execute(
        select(SessionChange)
        .where(col(SessionChange.session_id).in_(sorted(zones)))
        .where(col(SessionChange.notice).is_(True))
        .order_by(col(SessionChange.id))
    )
    found: dict[int, Notice] = {}
    for change in result.scalars():
        after = (since or {}).get(change.session_id)
        if after is None or change.at_utc > after:
            found[change.session_id] = Notice.of(change, zones[change.session_id])
    return found


async def notice_of(db: AsyncSession, uid: str) -> Notice | None:
    """The latest notice of the session ``uid`` (None: none, or no such session)."""
    found = (
        await db.execute(
            select(col(FestivalSession.id), col(FestivalSession.tz_name)).where(
                col(FestivalSession.uid) == uid
            )
        )
    ).first()
    if found is None or found[0] is None:
        return None
    session_id: int = found[0]
    return (await latest_notices(db, [(session_id, found[1])])).get(session_id)
