"""Shared fixtures: real databases (SQLite always, PostgreSQL where reachable), settings, apps.

PostgreSQL: ``TEST_POSTGRES_URL`` (default postgresql://postgres@127.0.0.1:5432/test). Each test
gets its own database cloned from a migrated template, so tests never see each other's rows.
Outside CI an unreachable server skips the PostgreSQL half with a reason; with CI=true it fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from festival import migrate
from festival.app import create_app
from festival.settings import Settings, normalise_database_url
from scheduling.clock import FixedClock

PG_URL = normalise_database_url(
    os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
#: The instant tests treat as "now" unless they say otherwise: noon UTC on the festival day.
FESTIVAL_NOON = datetime(2027, 1, 24, 12, 0, tzinfo=UTC)


def _pg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _pg_admin(statements: list[str]) -> None:
    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(_pg_dsn(PG_URL), timeout=5)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(go())


def _pg_reachable() -> str | None:
    try:
        _pg_admin(["SELECT 1"])
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable; reported in reason
        return f"{type(exc).__name__}: {exc}"
    return None


def _pg_url_for(dbname: str) -> str:
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/{dbname}"


class PostgresTemplates:
    """Migrated (and demo-seeded) template databases, cloned per test."""

    def __init__(self) -> None:
        self.prefix = f"festival_t{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.created: list[str] = []
        self.templates: dict[str, str] = {}

    def template(self, kind: str) -> str:
        if kind not in self.templates:
            name = f"{self.prefix}_tpl_{kind}"
            _pg_admin([f'CREATE DATABASE "{name}"'])
            self.created.append(name)
            url = _pg_url_for(name)
            migrate.upgrade(url)
            if kind == "demo":
                from festival import demo

                asyncio.run(demo.seed_database(url))
            self.templates[kind] = name
        return self.templates[kind]

    def clone(self, kind: str) -> str:
        template = self.template(kind)
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        _pg_admin([f'CREATE DATABASE "{name}" TEMPLATE "{template}"'])
        self.created.append(name)
        return _pg_url_for(name)

    def drop_all(self) -> None:
        statements = [f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in reversed(self.created)]
        if statements:
            _pg_admin(statements)


@pytest.fixture(scope="session")
def pg_templates() -> Iterator[PostgresTemplates | None]:
    reason = _pg_reachable()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL must be reachable in CI at {PG_URL}: {reason}")
        yield None
        return
    templates = PostgresTemplates()
    yield templates
    templates.drop_all()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {}


def _sqlite_clone(
    kind: str, cache: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, target: Path
) -> str:
    if kind not in cache:
        folder = tmp_path_factory.mktemp(f"tpl_{kind}")
        path = folder / "template.db"
        url = f"sqlite+aiosqlite:///{path}"
        migrate.upgrade(url)
        if kind == "demo":
            from festival import demo

            asyncio.run(demo.seed_database(url))
        cache[kind] = path
    shutil.copyfile(cache[kind], target)
    return f"sqlite+aiosqlite:///{target}"


def _database(
    request: pytest.FixtureRequest,
    kind: str,
    pg_templates: PostgresTemplates | None,
    sqlite_templates: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> str:
    backend = request.param
    if backend == "postgres":
        if pg_templates is None:
            pytest.skip(f"PostgreSQL not reachable at {PG_URL} ({_pg_reachable()})")
        return pg_templates.clone(kind)
    return _sqlite_clone(kind, sqlite_templates, tmp_path_factory, tmp_path / f"{kind}.db")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest,
    pg_templates: PostgresTemplates | None,
    sqlite_templates: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> str:
    """A fresh, migrated, empty database: once on SQLite, once on PostgreSQL."""
    return _database(request, "empty", pg_templates, sqlite_templates, tmp_path_factory, tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo_database_url(
    request: pytest.FixtureRequest,
    pg_templates: PostgresTemplates | None,
    sqlite_templates: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> str:
    """A fresh database holding the demo festival: once on SQLite, once on PostgreSQL."""
    return _database(request, "demo", pg_templates, sqlite_templates, tmp_path_factory, tmp_path)


@pytest.fixture
def unmigrated_database_url(tmp_path: Path) -> str:
    """A new SQLite file with no tables (PostgreSQL variants create their own)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FESTIVAL_NOON)


def make_settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-not-for-production",
        secret_key_generated=False,
        site_url="http://testserver",
    )


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def demo_settings(demo_database_url: str) -> Settings:
    return make_settings(demo_database_url)


@pytest.fixture
def client(settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    """The app over an empty migrated database."""
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def demo_client(demo_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    """The app over the demo festival, with "now" at noon UTC on 24 January 2027."""
    with TestClient(create_app(demo_settings, clock=clock)) as test_client:
        yield test_client


# --- CI: nothing may skip -------------------------------------------------------------------
# Outside CI a missing PostgreSQL, Redis or Chromium skips its tests with a reason; in CI
# (CI=true) every service is there, so a skip means a test silently did not run: fail the run.


def _skipped_reports(config: pytest.Config) -> list[pytest.TestReport]:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return []
    return list(reporter.stats.get("skipped", []))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and exitstatus == pytest.ExitCode.OK and _skipped_reports(session.config):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    skipped = _skipped_reports(config)
    if IN_CI and skipped:
        terminalreporter.write_line(
            f"CI=true: {len(skipped)} test(s) skipped; in CI nothing may skip (see the reasons "
            "above), so this run fails.",
            red=True,
            bold=True,
        )
