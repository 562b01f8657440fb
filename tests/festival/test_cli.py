"""The `festival` command through festival.cli.main, configured by the environment."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col

from festival import cli, migrate
from festival import db as dbmod
from festival.models import FestivalSession
from scheduling import tz
from tests.festival.test_tzcheck import KATHMANDU_OLD_UTC, KATHMANDU_WALL, add_session


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DATABASE_URL points at a new SQLite file; the secret is set so nothing else is logged."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret")
    return path


def async_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def revision_of(url: str) -> str | None:
    async def go() -> str | None:
        engine = dbmod.make_engine(url)
        try:
            return await migrate.current_revision(engine)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_migrate_applies_migrations_and_says_so(
    cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["migrate"]) == 0

    out = capsys.readouterr().out
    assert out == f"database migrated to {migrate.head_revision()}: {async_url(cli_db)}\n"
    assert revision_of(async_url(cli_db)) == migrate.head_revision()


def test_migrate_twice_is_harmless(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["migrate"]) == 0
    assert cli.main(["migrate"]) == 0
    assert revision_of(async_url(cli_db)) == migrate.head_revision()


def test_shown_url_masks_the_password() -> None:
    assert (
        cli.shown_url("postgresql+asyncpg://festival:s3cret@db:5432/festival")
        == "postgresql+asyncpg://festival:***@db:5432/festival"
    )
    assert cli.shown_url("sqlite+aiosqlite:///./festival.db") == "sqlite+aiosqlite:///./festival.db"


def test_tz_check_on_an_empty_database(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["migrate"])
    capsys.readouterr()

    assert cli.main(["tz-check"]) == 0

    assert capsys.readouterr().out == (
        f"tzdata {tz.TZDATA_VERSION}: checked 0 sessions; 0 would move (run with --apply to "
        "write); 0 need an organiser's decision\n"
    )


def test_tz_check_lists_then_applies_a_moved_session(
    cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["migrate"])
    url = async_url(cli_db)
    uid = asyncio.run(add_session(url, "Kathmandu lecture", KATHMANDU_WALL, "Asia/Kathmandu"))
    asyncio.run(_tamper(url, uid))
    capsys.readouterr()

    assert cli.main(["tz-check"]) == 0
    listed = capsys.readouterr().out
    assert cli.main(["tz-check", "--apply"]) == 0
    applied = capsys.readouterr().out
    assert cli.main(["tz-check"]) == 0
    after = capsys.readouterr().out

    moved = (
        f"MOVED {uid} 'Kathmandu lecture': 2027-01-24 09:00 Asia/Kathmandu was "
        "2027-01-24 03:30 UTC, now 2027-01-24 03:15 UTC\n"
    )
    assert listed == moved + (
        f"tzdata {tz.TZDATA_VERSION}: checked 1 sessions; 1 would move (run with --apply to "
        "write); 0 need an organiser's decision\n"
    )
    assert applied == moved + (
        f"tzdata {tz.TZDATA_VERSION}: checked 1 sessions; 1 updated; "
        "0 need an organiser's decision\n"
    )
    assert after.startswith(f"tzdata {tz.TZDATA_VERSION}: checked 1 sessions; 0 would move")


def test_tz_check_exits_1_when_a_session_needs_a_decision(
    cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["migrate"])
    url = async_url(cli_db)
    uid = asyncio.run(
        add_session(
            url, "Paris workshop", datetime.fromisoformat("2027-03-28 01:30"), "Europe/Paris"
        )
    )
    asyncio.run(_set_wall(url, uid, datetime.fromisoformat("2027-03-28 02:30")))
    capsys.readouterr()

    assert cli.main(["tz-check"]) == 1

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"ERROR {uid} 'Paris workshop': 2027-03-28 02:30 does not exist")
    assert lines[1].endswith("; 1 need an organiser's decision")


def test_tz_check_on_an_unmigrated_database_says_how_to_fix_it(
    cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["tz-check"]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "festival tz-check: The database has no tables yet, but this code needs revision "
        f"{migrate.head_revision()}. Run `festival migrate` (same DATABASE_URL) and start again.\n"
    )


def test_serve_and_demo_honour_port_and_workers_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "8765")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    parser = cli.build_parser()

    serve = parser.parse_args(["serve"])
    demo = parser.parse_args(["demo", "--no-serve"])

    assert (serve.host, serve.port, serve.workers) == ("127.0.0.1", 8765, 3)
    assert (demo.port, demo.no_serve) == (8765, True)
    assert parser.parse_args(["demo", "--port", "9001"]).port == 9001


def test_serve_defaults_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORT", "WEB_CONCURRENCY", "HOST"):
        monkeypatch.delenv(name, raising=False)

    args = cli.build_parser().parse_args(["serve"])

    assert (args.host, args.port, args.workers) == ("127.0.0.1", 8000, 1)


def test_a_bad_port_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORT", "eighty")

    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args(["serve"])

    assert exited.value.code == 2
    assert "invalid int value: 'eighty'" in capsys.readouterr().err


async def _tamper(url: str, uid: str) -> None:
    await _update(
        url,
        uid,
        starts_at_utc=KATHMANDU_OLD_UTC,
        ends_at_utc=KATHMANDU_OLD_UTC + timedelta(hours=1),
    )


async def _set_wall(url: str, uid: str, wall: datetime) -> None:
    await _update(url, uid, local_start=wall)


async def _update(url: str, uid: str, **values: object) -> None:
    engine = dbmod.make_engine(url)
    try:
        async with dbmod.session_scope(dbmod.make_sessionmaker(engine)) as db:
            await db.execute(
                update(FestivalSession).where(col(FestivalSession.uid) == uid).values(**values)
            )
    finally:
        await engine.dispose()
