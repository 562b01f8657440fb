"""Alembic environment: runs migrations over the app's async engine.

Two callers: festival.migrate (``festival migrate``, the tests), which passes the URL or a
connection; and the ``alembic`` command with the repository's alembic.ini, which takes the
database from ``DATABASE_URL`` as ``festival`` does.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import festival.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from festival.db import make_engine
from festival.settings import settings_or_exit

config = context.config
target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if config.config_file_name is not None:  # the alembic command: its ini's loggers
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = config.get_main_option("sqlalchemy.url") or settings_or_exit().database_url
    asyncio.run(_run_async(url))


run()
