"""Alembic migrations on SQLite and PostgreSQL, and the app's refusal to run unmigrated."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel
from starlette.testclient import TestClient

import festival.models  # noqa: F401  (registers every table on SQLModel.metadata)
from festival import db as dbmod
from festival import migrate
from festival.app import create_app
from tests.conftest import PG_URL, PostgresTemplates, _pg_admin, _pg_url_for, make_settings
from tests.festival.commands import ROOT, environment, run

MODEL_TABLES = frozenset(SQLModel.metadata.tables)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank_database_url(
    request: pytest.FixtureRequest, pg_templates: PostgresTemplates | None, tmp_path: Path
) -> str:
    """A database with no tables at all: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}"
    if pg_templates is None:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    name = f"{pg_templates.prefix}_blank_{uuid.uuid4().hex[:8]}"
    _pg_admin([f'CREATE DATABASE "{name}"'])
    pg_templates.created.append(name)  # dropped with the templates at the end of the session
    return _pg_url_for(name)


def on_connection(url: str, work: Any) -> Any:
    """Run ``work(sync_connection)`` against ``url`` and return its result."""

    async def go() -> Any:
        engine = dbmod.make_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def table_names(url: str) -> set[str]:
    return set(on_connection(url, lambda conn: inspect(conn).get_table_names()))


def revision_of(url: str) -> str | None:
    async def go() -> str | None:
        engine = dbmod.make_engine(url)
        try:
            return await migrate.current_revision(engine)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


def revision_before_head() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    head = script.get_revision(migrate.head_revision())
    assert head is not None and isinstance(head.down_revision, str)
    return head.down_revision


def test_upgrade_from_empty_creates_every_model_table(blank_database_url: str) -> None:
    assert table_names(blank_database_url) == set()
    assert revision_of(blank_database_url) is None

    migrate.upgrade(blank_database_url)

    assert table_names(blank_database_url) == MODEL_TABLES | {"alembic_version"}
    assert revision_of(blank_database_url) == migrate.head_revision()


def test_upgrade_twice_is_harmless(blank_database_url: str) -> None:
    migrate.upgrade(blank_database_url)
    migrate.upgrade(blank_database_url)

    assert revision_of(blank_database_url) == migrate.head_revision()


def test_downgrade_to_base_then_upgrade_again(blank_database_url: str) -> None:
    migrate.upgrade(blank_database_url)

    migrate.downgrade(blank_database_url, "base")
    assert table_names(blank_database_url) == {"alembic_version"}
    assert revision_of(blank_database_url) is None

    migrate.upgrade(blank_database_url)
    assert table_names(blank_database_url) == MODEL_TABLES | {"alembic_version"}
    assert revision_of(blank_database_url) == migrate.head_revision()


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    # Autogenerate would write nothing: the migrations and the models agree on both backends.
    assert on_connection(database_url, schema_differences) == []


def test_schema_comparison_notices_missing_tables(blank_database_url: str) -> None:
    # The check above can fail: against a database with no tables it reports every table.
    differences = on_connection(blank_database_url, schema_differences)

    assert {diff[1].name for diff in differences if diff[0] == "add_table"} == MODEL_TABLES


def test_app_refuses_to_start_on_an_empty_database(blank_database_url: str) -> None:
    app = create_app(make_settings(blank_database_url))

    with pytest.raises(migrate.NotMigratedError) as refused, TestClient(app):
        pass

    assert str(refused.value) == (
        f"The database has no tables yet, but this code needs revision "
        f"{migrate.head_revision()}. Run `festival migrate` (same DATABASE_URL) and start again."
    )
    assert refused.value.code == "db.not_migrated"


def test_app_refuses_to_start_on_a_database_behind_head(blank_database_url: str) -> None:
    previous = revision_before_head()
    migrate.upgrade(blank_database_url, previous)
    app = create_app(make_settings(blank_database_url))

    with pytest.raises(migrate.NotMigratedError, match="Run `festival migrate`") as refused:
        with TestClient(app):
            pass

    assert f"is at revision {previous}" in str(refused.value)


def test_app_starts_once_migrated(blank_database_url: str) -> None:
    migrate.upgrade(blank_database_url)

    with TestClient(create_app(make_settings(blank_database_url))) as client:
        response = client.get("/readyz")

    assert response.status_code == 200


def test_readyz_is_503_while_the_database_is_behind(blank_database_url: str) -> None:
    migrate.upgrade(blank_database_url, revision_before_head())
    settings = make_settings(blank_database_url).with_(check_migrations=False)

    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("error: NotMigratedError: The database is at")
    assert "Run `festival migrate`" in body["checks"]["database"]


# -- the alembic command, as docs/architecture.md tells a developer to run it ------------------

ALEMBIC = str(Path(sys.executable).with_name("alembic"))


def test_alembic_check_finds_nothing_to_generate_on_a_migrated_database(
    database_url: str,
) -> None:
    done = run([ALEMBIC, "check"], environment(DATABASE_URL=database_url))

    assert (done.status, done.out) == (0, "No new upgrade operations detected.\n")


def test_alembic_check_fails_on_a_database_behind_the_models(
    unmigrated_database_url: str,
) -> None:
    done = run([ALEMBIC, "check"], environment(DATABASE_URL=unmigrated_database_url))

    assert done.status != 0
    assert "Target database is not up to date." in done.err


def test_alembic_revision_autogenerate_writes_what_the_database_lacks(tmp_path: Path) -> None:
    # A copy of the repository's alembic.ini and migrations, so that nothing is written into
    # the repository. The database has the schema of the revision before head but is stamped
    # head: as if the models had gained the last revision's tables since.
    shutil.copy(ROOT / "alembic.ini", tmp_path / "alembic.ini")
    shutil.copytree(
        ROOT / "festival" / "migrations",
        tmp_path / "festival" / "migrations",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    url = f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}"
    migrate.upgrade(url, revision_before_head())
    command.stamp(migrate.alembic_config(url), "head")
    missing = MODEL_TABLES - table_names(url)

    def lacking_columns(connection: Connection) -> set[str]:
        there = set(inspect(connection).get_table_names())
        return {
            f"{name}.{column.name}"
            for name, table in SQLModel.metadata.tables.items()
            if name in there
            for column in table.columns
            if column.name not in {c["name"] for c in inspect(connection).get_columns(name)}
        }

    missing_columns = on_connection(url, lacking_columns)

    done = run(
        [ALEMBIC, "-c", str(tmp_path / "alembic.ini"), "revision", "--autogenerate"]
        + ["--rev-id", "9999", "-m", "probe"],
        environment(DATABASE_URL=url),
    )

    assert done.status == 0, done.err
    written = (tmp_path / "festival" / "migrations" / "versions" / "9999_probe.py").read_text()
    created = set(re.findall(r"op\.create_table\(\s*['\"](\w+)['\"]", written))
    # the last revision made tables, or added columns (0009: proposals' contact_language)
    added = set()
    for table, block in re.findall(
        r"batch_alter_table\(['\"](\w+)['\"].*?\n((?:\s{8}.*\n)+)", written
    ):
        added |= {f"{table}.{c}" for c in re.findall(r"add_column\(sa\.Column\(['\"](\w+)", block)}
    assert missing or missing_columns
    assert (created, added) == (missing, missing_columns)
    assert f"down_revision: str | None = {migrate.head_revision()!r}" in written


def test_0009_adds_the_contact_language_of_proposals_english_for_older_ones(
    blank_database_url: str,
) -> None:
    def columns(connection: Connection) -> dict[str, dict[str, Any]]:
        found = {}
        for table in ("proposal", "celebration_proposal"):
            for column in inspect(connection).get_columns(table):
                if column["name"] == "contact_language":
                    found[table] = column
        return found

    migrate.upgrade(blank_database_url, "0008")
    assert on_connection(blank_database_url, columns) == {}

    migrate.upgrade(blank_database_url, "0009")
    added = on_connection(blank_database_url, columns)
    assert set(added) == {"proposal", "celebration_proposal"}
    for column in added.values():
        assert column["nullable"] is False
        assert "en" in str(column["default"])  # rows sent before it say English

    migrate.downgrade(blank_database_url, "0008")
    assert on_connection(blank_database_url, columns) == {}
