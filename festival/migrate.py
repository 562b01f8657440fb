"""Applying and checking Alembic migrations programmatically."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from festival.db import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class NotMigratedError(RuntimeError):
    """The database schema is not at the latest migration."""

    code = "db.not_migrated"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def upgrade(database_url: str, revision: str = "head") -> str | None:
    """Apply migrations up to ``revision`` (blocking; call from sync code or a thread).

    Returns the revision the database was at before (None: no tables yet), so that the caller
    can say in one line whether anything ran (alembic's own lines are quiet: festival.logs).
    """
    before = asyncio.run(_revision_at(database_url))
    command.upgrade(alembic_config(database_url), revision)
    return before


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def _revision_at(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        return await current_revision(engine)
    finally:
        await engine.dispose()


async def ensure_migrated(engine: AsyncEngine) -> None:
    """Raise NotMigratedError with the fix when the schema is not at head."""
    current = await current_revision(engine)
    head = head_revision()
    if current != head:
        state = "has no tables yet" if current is None else f"is at revision {current}"
        raise NotMigratedError(
            f"The database {state}, but this code needs revision {head}. "
            "Run `festival migrate` (same DATABASE_URL) and start again."
        )
