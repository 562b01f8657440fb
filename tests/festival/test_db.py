"""The SQLite connection our engine opens (festival/db.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from festival.db import connect_sqlite, make_engine


async def test_a_connection_stopped_while_it_closes_still_closes(tmp_path: Path) -> None:
    # What SQLAlchemy does to a connection whose task is cancelled mid-query: close() in a
    # shielded task, then stop() at once. The close must still finish.
    connection = await connect_sqlite(str(tmp_path / "festival.db"))
    closing = asyncio.ensure_future(connection.close())
    await asyncio.sleep(0)  # close() has queued its work for the connection's thread
    connection.stop()

    await asyncio.wait_for(closing, timeout=5)

    assert await _thread_ends(connection)


async def _thread_ends(connection: object, seconds: float = 5) -> bool:
    thread = connection._thread  # type: ignore[attr-defined]
    for _ in range(int(seconds * 100)):
        if not thread.is_alive():
            return True
        await asyncio.sleep(0.01)
    return False


async def test_the_engine_opens_its_sqlite_connections_that_way(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'festival.db'}")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("select 1"))).scalar_one() == 1
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert type(driver).__name__ == "_SQLiteConnection"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
    finally:
        await engine.dispose()


async def test_a_query_cancelled_midway_leaves_no_task_behind(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'festival.db'}")
    before = asyncio.all_tasks()

    async def slow_query() -> None:
        async with engine.connect() as conn:
            await conn.execute(
                text(
                    "with recursive n(i) as (select 1 union all select i + 1 from n"
                    " where i < 3000000) select count(*) from n"
                )
            )

    task = asyncio.ensure_future(slow_query())
    await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await engine.dispose()

    async def settled() -> None:
        while asyncio.all_tasks() - before - {asyncio.current_task()}:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(settled(), timeout=10)
