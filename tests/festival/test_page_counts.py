"""Counts on the pages agree with their noun: "1 session", "2 sessions", "1 more session"."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from starlette.testclient import TestClient

from festival.app import create_app
from festival.db import make_engine, make_sessionmaker, session_scope
from festival.models import Edition, Organisation
from festival.routes.pages import HOME_LIST_LIMIT
from festival.sessions import SessionInput, create_session
from festival.settings import Settings
from festival.stores import programme as store
from scheduling.clock import FixedClock
from tests.conftest import FESTIVAL_NOON


async def add_live_sessions(database_url: str, count: int) -> None:
    """``count`` more sessions live at noon UTC on 24 January 2027 (11:30-13:00 UTC)."""
    engine = make_engine(database_url)
    try:
        async with session_scope(make_sessionmaker(engine)) as db:
            editions = await store.list_editions(db)
            if editions:
                edition = editions[0]
                org = await store.get_organisation(db, "count-org")
            else:
                edition = Edition(
                    slug="count-fest", name="Count Fest", first_day=date(2027, 1, 24),
                    last_day=date(2027, 1, 24),
                )  # fmt: skip
                org = Organisation(
                    slug="count-org", name="Count Org", country="KE", tz_name="Africa/Nairobi"
                )
                db.add_all([edition, org])
                await db.flush()
            for _ in range(count):
                wall = datetime(2027, 1, 24, 14, 30)  # noqa: DTZ001 - wall time in its zone
                inputs = SessionInput("Counted", wall, "Africa/Nairobi", 90)
                await create_session(db, edition, org, inputs, FixedClock(FESTIVAL_NOON))
    finally:
        await engine.dispose()


def test_home_and_programme_counts_agree_with_their_noun(
    settings: Settings, clock: FixedClock
) -> None:
    pages: dict[int, tuple[str, str]] = {}
    with TestClient(create_app(settings, clock=clock)) as client:
        total = 0
        for count in (1, 2, HOME_LIST_LIMIT + 1, HOME_LIST_LIMIT + 2):
            asyncio.run(add_live_sessions(settings.database_url, count - total))
            total = count
            pages[count] = (client.get("/").text, client.get("/programme").text)

    one, two = pages[1], pages[2]
    assert "See the whole programme (1 session)" in one[0]
    assert "See the whole programme (2 sessions)" in two[0]
    assert "At the busiest hour 1 session is live." in one[0]
    assert "At the busiest hour 2 sessions are live." in two[0]
    assert "1 of 1 session." in one[1]
    assert "2 of 2 sessions." in two[1]
    assert "1 more session is live:" in pages[HOME_LIST_LIMIT + 1][0]
    assert "2 more sessions are live:" in pages[HOME_LIST_LIMIT + 2][0]
