"""Database engine, sessions, and the aware-UTC column type."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiosqlite
from sqlalchemy import DateTime, TypeDecorator, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


class AwareUTC(TypeDecorator[datetime]):
    """A timestamp column that only accepts aware datetimes and always returns UTC.

    SQLite has no time zones: values are stored as naive UTC and re-tagged on the way out.
    PostgreSQL stores ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to an aware UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class _SQLiteConnection(aiosqlite.Connection):
    """An aiosqlite connection whose ``stop`` may be called twice.

    When a task is cancelled in the middle of a query, SQLAlchemy invalidates the connection:
    it starts ``close()`` in a shielded task and, on the cancellation, calls ``stop()``.
    aiosqlite's ``close()`` calls ``stop()`` again in its ``finally``, after the worker thread
    has already left on the first stop, and waits for a reply that never comes: the task never
    ends and the event loop cannot close (seen as a test run that hung at TestClient exit with
    aiosqlite 0.22.1). Here every stop after the first returns the first one's future.
    """

    _stopped: asyncio.Future[Any] | None = None
    _stop_called = False

    def stop(self) -> asyncio.Future[Any] | None:
        if not self._stop_called:
            self._stop_called = True
            self._stopped = super().stop()
        return self._stopped


def connect_sqlite(
    database: str, *, iter_chunk_size: int = 64, **kwargs: Any
) -> aiosqlite.Connection:
    """``aiosqlite.connect`` with a connection that survives a stop during close.

    SQLAlchemy's aiosqlite dialect calls this (connect_args ``async_creator_fn``) with the
    arguments it would give ``aiosqlite.connect``.
    """

    def connector() -> sqlite3.Connection:
        opened: sqlite3.Connection = sqlite3.connect(database, **kwargs)
        return opened

    connection = _SQLiteConnection(connector, iter_chunk_size)
    # As SQLAlchemy does for aiosqlite's own connections: a connection nobody closed must not
    # keep the interpreter from exiting.
    connection._thread.daemon = True
    return connection


def make_engine(database_url: str) -> AsyncEngine:
    """An async engine for SQLite (aiosqlite) or PostgreSQL (asyncpg)."""
    kwargs: dict[str, Any] = {}
    if database_url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30, "async_creator_fn": connect_sqlite}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(database_url, **kwargs)
    if database_url.startswith("sqlite"):

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def session_scope(
    maker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session that commits on success and rolls back on error."""
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
