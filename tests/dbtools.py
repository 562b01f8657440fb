"""Reaching the database from a test, outside the app (for arranging and checking rows)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from festival import db as dbmod
from festival.settings import Settings

T = TypeVar("T")


def with_db(settings: Settings, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``action`` in its own engine and transaction (committed), outside the app."""

    async def go() -> T:
        engine = dbmod.make_engine(settings.database_url)
        try:
            async with dbmod.session_scope(dbmod.make_sessionmaker(engine)) as db:
                return await action(db)
        finally:
            await engine.dispose()

    return asyncio.run(go())
