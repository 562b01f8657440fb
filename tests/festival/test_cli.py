"""The `festival` command through festival.cli.main, configured by the environment."""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import socket
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col
from starlette.testclient import TestClient

from festival import cli, migrate
from festival import db as dbmod
from festival.app import create_app
from festival.models import FestivalSession
from festival.settings import Settings, normalise_database_url
from scheduling import tz
from scheduling.clock import FixedClock
from tests.festival.commands import FESTIVAL, UVICORN_FACTORY, environment, run, serve
from tests.festival.test_import import (
    EDITION,
    GOOD,
    ORG_SLUG,
    PASSWORD,
    add_organisation,
    ics,
    session_titles,
    sign_in,
    token_from,
)
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


def test_migrate_says_in_one_line_what_it_did_and_alembic_stays_quiet(
    cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["migrate"]) == 0
    first = capsys.readouterr()
    assert cli.main(["migrate"]) == 0
    second = capsys.readouterr()

    head, url = migrate.head_revision(), async_url(cli_db)
    assert (first.out, first.err) == (f"database migrated to {head}: {url}\n", "")
    assert (second.out, second.err) == (f"database already at {head}: {url}\n", "")


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
        f"tzdata {tz.TZDATA_VERSION}: checked 1 session; 1 would move (run with --apply to "
        "write); 0 need an organiser's decision\n"
    )
    assert applied == moved + (
        f"tzdata {tz.TZDATA_VERSION}: checked 1 session; 1 updated; "
        "0 need an organiser's decision\n"
    )
    assert after.startswith(f"tzdata {tz.TZDATA_VERSION}: checked 1 session; 0 would move")


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
    assert lines[1].endswith("; 1 needs an organiser's decision")


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


# -- configuration errors: one line on stderr, exit status 2 ----------------------------------


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unsupported_database_url_is_one_line(tmp_path: Path) -> None:
    done = run([FESTIVAL, "migrate"], environment(DATABASE_URL="mysql://x"))

    assert (done.status, done.out) == (cli.EXIT_CONFIG, "")
    assert done.err_lines == [
        "festival migrate: DATABASE_URL 'mysql://x' is not supported: use sqlite:///path.db or "
        "postgresql://..."
    ]


def test_an_unusable_setting_stops_the_uvicorn_factory_in_one_line() -> None:
    done = run(
        [*UVICORN_FACTORY, "--port", "0"], environment(DATABASE_URL="mysql://x", LOG_FORMAT="json")
    )

    assert done.status == cli.EXIT_CONFIG
    assert [json.loads(line)["message"] for line in done.err_lines] == [
        "DATABASE_URL 'mysql://x' is not supported: use sqlite:///path.db or postgresql://..."
    ]


def test_postgresql_unreachable_during_migrate_is_one_line() -> None:
    port = closed_port()
    url = f"postgresql://festival:s3cret@127.0.0.1:{port}/festival"

    done = run([FESTIVAL, "migrate"], environment(DATABASE_URL=url))

    assert (done.status, done.out) == (cli.EXIT_CONFIG, "")
    assert done.err_lines == [
        "festival migrate: cannot use the database "
        f"postgresql+asyncpg://festival:***@127.0.0.1:{port}/festival: [Errno 111] Connect call "
        f"failed ('127.0.0.1', {port}) (check DATABASE_URL)"
    ]


def test_a_sqlite_file_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'festival.db'}"

    done = run([FESTIVAL, "migrate"], environment(DATABASE_URL=url, LOG_FORMAT="json"))

    assert (done.status, done.out) == (cli.EXIT_CONFIG, "")
    assert [(e["level"], e["command"], e["message"]) for e in map(json.loads, done.err_lines)] == [
        (
            "ERROR",
            "migrate",
            f"cannot use the database {normalise_database_url(url)}: unable to open database "
            "file (check DATABASE_URL)",
        )
    ]


def test_serve_on_an_unmigrated_database_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'blank.db'}"

    done = run([FESTIVAL, "serve", "--port", "0"], environment(DATABASE_URL=url))

    assert (done.status, done.out) == (cli.EXIT_CONFIG, "")
    assert done.err_lines == [
        "festival serve: The database has no tables yet, but this code needs revision "
        f"{migrate.head_revision()}. Run `festival migrate` (same DATABASE_URL) and start again."
    ]


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_port_in_use_is_one_line_that_says_how_to_choose_another(
    command: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'festival.db'}"
    migrate.upgrade(normalise_database_url(url))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run(
            [FESTIVAL, command, "--host", "127.0.0.1"],
            environment(DATABASE_URL=url, SECRET_KEY="s", PORT=str(port)),
        )

    assert done.status == cli.EXIT_CONFIG
    assert done.err_lines == [
        f"festival {command}: port {port} on 127.0.0.1 is already in use (another server?): "
        "choose another with --port N or PORT=N"
    ]


# -- SECRET_KEY: said by the process that signs with it, once ---------------------------------


def test_commands_that_sign_nothing_do_not_warn_about_the_secret_key(
    cli_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SECRET_KEY")
    calendar = cli_db.with_name("empty.ics")
    calendar.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n")

    statuses = [
        cli.main(["migrate"]),
        cli.main(["tz-check"]),
        cli.main(["import-ics", str(calendar), "--organisation", "nobody", "--dry-run"]),
    ]

    assert statuses == [0, 0, cli.EXIT_CONFIG]  # import-ics: no such organisation
    assert "SECRET_KEY" not in capsys.readouterr().err


def test_commands_that_serve_nothing_do_not_warn_about_forwarded_allow_ips(
    cli_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")

    statuses = [cli.main(["migrate"]), cli.main(["tz-check"])]

    assert statuses == [0, 0]
    assert "FORWARDED_ALLOW_IPS" not in capsys.readouterr().err


# -- festival serve --workers N: the workers answer /metrics together, as with the Procfile ---


@pytest.mark.e2e
def test_serve_with_workers_shares_metrics_in_a_directory_of_its_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    migrate.upgrade(normalise_database_url(url))
    env = environment(DATABASE_URL=url, SECRET_KEY="s", REDIS_URL="")
    scrapes = ["/metrics"] * 6  # a scrape reaches whichever worker accepts it

    served = serve(
        [FESTIVAL, "serve", "--port", "0", "--workers", "2"],
        env,
        tmp_path,
        paths=scrapes,
        workers=2,
    )

    workers = {
        frozenset(re.findall(r'festival_ws_connections\{worker="(\d+)"\}', text))
        for text in served.responses.values()
    }
    pids = {int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", served.err)}
    assert workers == {frozenset(map(str, pids))} and len(pids) == 2  # every scrape: both
    shared = re.findall(r"share their /metrics figures in (\S+)", served.err)
    assert len(shared) == 1 and not Path(shared[0]).exists()  # a private folder, removed after


# -- import-ics: the web form's language rule, and exit codes that say what happened ---------

#: value given -> the language used, for the values both the web form and the CLI accept.
ACCEPTED = {"sw": "sw", " FR ": "fr", "fra": "fra", "": "en"}
REFUSED = ["Klingon!!", "e", "en-GB", "english", "12", "fr;"]


@pytest.fixture
def import_settings(demo_settings: Settings) -> Settings:
    """The demo festival with an organisation in Nairobi and an admin password."""
    add_organisation(demo_settings)
    return demo_settings.with_(admin_password=PASSWORD)


def refusal(value: str) -> str:
    return f"{value.strip().lower()!r} is not a language code such as 'en' or 'sw'."


def test_import_language_the_cli_takes_what_the_web_form_takes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = cli.build_parser()
    base = ["import-ics", "p.ics", "--organisation", ORG_SLUG, "--language"]

    taken = {value: parser.parse_args([*base, value]).language for value in ACCEPTED}
    refused: dict[str, str] = {}
    for value in REFUSED:
        with pytest.raises(SystemExit) as exited:
            parser.parse_args([*base, value])
        assert exited.value.code == cli.EXIT_CONFIG
        refused[value] = capsys.readouterr().err.splitlines()[-1]

    assert taken == ACCEPTED
    assert refused == {
        value: f"festival import-ics: error: argument --language: {refusal(value)}"
        for value in REFUSED
    }


def test_import_language_the_web_form_takes_what_the_cli_takes(
    import_settings: Settings, clock: FixedClock
) -> None:
    outcome: dict[str, str] = {}
    with TestClient(create_app(import_settings, clock=clock)) as client:
        assert sign_in(client) == 303
        for value in [*ACCEPTED, *REFUSED]:
            token = token_from(client.get("/admin/import").text)
            response = client.post(
                "/admin/import",
                data={
                    "csrf_token": token,
                    "edition": EDITION,
                    "organisation": ORG_SLUG,
                    "language": value,
                },
                files={"file": ("p.ics", GOOD, "text/calendar")},
                follow_redirects=False,
            )
            page = html.unescape(response.text)
            outcome[value] = (
                "accepted"
                if response.status_code == 303
                else f"{response.status_code} {refusal(value) in page}"
            )

    assert outcome == {
        **{value: "accepted" for value in ACCEPTED},
        **{value: "400 True" for value in REFUSED},
    }


ALL_GOOD = ics(
    "UID:a\r\nSUMMARY:Morning reading\r\nDTSTART;TZID=Africa/Nairobi:20270124T090000\r\n"
    "DURATION:PT45M",
    "UID:b\r\nSUMMARY:Evening debate\r\nDTSTART;TZID=Africa/Nairobi:20270124T180000\r\n"
    "DURATION:PT60M",
)
NONE_GOOD = ics("UID:allday\r\nSUMMARY:Festival day\r\nDTSTART;VALUE=DATE:20270124")


def import_status(settings: Settings, tmp_path: Path, data: bytes, *extra: str) -> int:
    path = tmp_path / "programme.ics"
    path.write_bytes(data)
    return cli.main(
        ["import-ics", str(path), "--organisation", ORG_SLUG, "--edition", EDITION, *extra]
    )


def test_import_exit_status_says_all_some_or_nothing_and_dry_run_agrees(
    import_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", import_settings.database_url)
    monkeypatch.setenv("SECRET_KEY", "s")

    statuses = {
        "all, dry run": import_status(import_settings, tmp_path, ALL_GOOD, "--dry-run"),
        "all": import_status(import_settings, tmp_path, ALL_GOOD),
        "again: nothing new, dry run": import_status(
            import_settings, tmp_path, ALL_GOOD, "--dry-run"
        ),
        "again: nothing new": import_status(import_settings, tmp_path, ALL_GOOD),
        "some left out, dry run": import_status(import_settings, tmp_path, GOOD, "--dry-run"),
        "some left out": import_status(import_settings, tmp_path, GOOD),
        "none importable, dry run": import_status(
            import_settings, tmp_path, NONE_GOOD, "--dry-run"
        ),
        "none importable": import_status(import_settings, tmp_path, NONE_GOOD),
    }

    assert statuses == {
        "all, dry run": 0,
        "all": 0,
        "again: nothing new, dry run": 1,
        "again: nothing new": 1,
        "some left out, dry run": 3,
        "some left out": 3,
        "none importable, dry run": 1,
        "none importable": 1,
    }
    assert len(session_titles(import_settings)) == 2 + 3
    assert capsys.readouterr().err == ""


def test_import_of_an_unknown_organisation_is_a_usage_error(
    import_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", import_settings.database_url)
    path = tmp_path / "programme.ics"
    path.write_bytes(ALL_GOOD)

    status = cli.main(["import-ics", str(path), "--organisation", "atlantis"])

    assert status == cli.EXIT_CONFIG
    assert capsys.readouterr().err == (
        "festival import-ics: There is no organisation called 'atlantis'. "
        "(organisation.not_found)\n"
    )
    assert session_titles(import_settings) == {}


def test_a_sqlite_file_is_opened_before_the_command_starts(tmp_path: Path) -> None:
    # With the standard library: a failed aiosqlite connection's thread can outlive the event
    # loop and print a traceback after the one line (1 run in 5 without this check).
    url = f"sqlite+aiosqlite:///{tmp_path / 'no-such-folder' / 'festival.db'}"

    with pytest.raises(cli.ConfigurationError) as refused:
        cli._check_sqlite_file(url)
    cli._check_sqlite_file(f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")

    assert str(refused.value) == (
        f"cannot use the database {url}: unable to open database file (check DATABASE_URL)"
    )
    assert (tmp_path / "new.db").exists()


@pytest.mark.e2e
def test_serve_leaves_the_client_address_to_trusted_proxies(tmp_path: Path) -> None:
    # uvicorn's own proxy headers trust 127.0.0.1 by default: it would log (and hand the app)
    # whatever X-Forwarded-For a local peer claims. festival/addresses.py decides instead.
    url = f"sqlite:///{tmp_path / 'served.db'}"
    migrate.upgrade(normalise_database_url(url))
    env = environment(DATABASE_URL=url, SECRET_KEY="s", LOG_FORMAT="json")

    served = serve(
        [FESTIVAL, "serve", "--port", "0"],
        env,
        tmp_path,
        paths=["/healthz?claimed"],
        headers={"X-Forwarded-For": "203.0.113.9"},
    )

    access = [
        entry["message"]
        for entry in map(json.loads, served.err_lines)
        if entry["logger"] == "uvicorn.access" and "claimed" in entry["message"]
    ]
    assert [message.split(" - ")[0].rsplit(":", 1)[0] for message in access] == ["127.0.0.1"]


@pytest.mark.parametrize(
    ("argv", "site"),
    [
        (["serve", "--port", "8765"], "http://127.0.0.1:8765"),
        (["serve", "--host", "0.0.0.0", "--port", "8766"], "http://127.0.0.1:8766"),
        (["serve", "--host", "::1", "--port", "8767"], "http://[::1]:8767"),
        (["serve", "--port", "0"], "http://127.0.0.1:8000"),  # the port is not known yet
    ],
)
def test_without_site_url_the_site_is_where_serve_listens(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: list[str], site: str
) -> None:
    # Links on the pages (feeds, calendar subscriptions, mails) must reach this server, not 8000.
    monkeypatch.setenv("SITE_URL", "")  # restored (unset) after the test, whatever serve sets
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'f.db'}")
    served: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, *_: served.append(settings))

    assert cli.main(argv) == 0

    assert [s.site_url for s in served] == [site]
    if site.endswith(":8000"):
        assert not os.environ.get("SITE_URL")
    else:
        assert os.environ["SITE_URL"] == site  # what the workers of --workers N read


def test_a_site_url_that_is_set_stays(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SITE_URL", "https://festival.example")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'f.db'}")
    served: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, *_: served.append(settings))

    assert cli.main(["serve", "--port", "8765"]) == 0

    assert [s.site_url for s in served] == ["https://festival.example"]
