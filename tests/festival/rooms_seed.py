"""A small programme for the live-room tests: one edition (its lobby) and two sessions."""

from __future__ import annotations

from datetime import date, datetime

from festival.db import make_engine, make_sessionmaker, session_scope
from festival.models import Edition, Organisation
from festival.sessions import SessionInput, create_session
from scheduling.clock import SystemClock

EDITION = "testfest-2027"
LOBBY = f"lobby-{EDITION}"
LIVE_UID = "11111111-2222-4333-8444-555555555555"  # 11:30-13:00 UTC on 24 January 2027
LATER_UID = "66666666-7777-4888-9999-000000000000"  # 17:00-18:00 UTC on 24 January 2027
LIVE_ROOM = f"session-{LIVE_UID}"
LATER_ROOM = f"session-{LATER_UID}"


async def seed_rooms(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        async with session_scope(make_sessionmaker(engine)) as db:
            edition = Edition(
                slug=EDITION,
                name="Test Fest 2027",
                first_day=date(2027, 1, 24),
                last_day=date(2027, 1, 24),
            )
            org = Organisation(
                slug="test-org", name="Test Org", country="KE", tz_name="Africa/Nairobi"
            )
            db.add_all([edition, org])
            await db.flush()
            await create_session(
                db,
                edition,
                org,
                SessionInput(
                    "Live workshop",
                    datetime(2027, 1, 24, 14, 30),  # noqa: DTZ001 - wall time in its zone
                    "Africa/Nairobi",
                    90,
                    join_url="https://video.example/live",
                ),
                SystemClock(),
                uid=LIVE_UID,
            )
            await create_session(
                db,
                edition,
                org,
                SessionInput(
                    "Later reading",
                    datetime(2027, 1, 24, 20, 0),  # noqa: DTZ001 - wall time in its zone
                    "Africa/Nairobi",
                    60,
                ),
                SystemClock(),
                uid=LATER_UID,
            )
    finally:
        await engine.dispose()
