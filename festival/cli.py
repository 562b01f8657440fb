"""The `festival` command: one entry point for serving, seeding, migrating and checking.

Exit status, the same for every command: 0 done; 1 the command ran and reports a problem
(tz-check without --release: a session needs an organiser's decision; import-ics: nothing to
import); 2 a usage or configuration error (a bad option or variable, the database unreachable
or not migrated, the port in use), said in one line on stderr; 3 import-ics imported some
events and left others out.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import errno
import logging
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from festival.logs import logging_to_stderr
from festival.settings import (
    Settings,
    SettingsError,
    requested_log_format,
    warn_generated_secret,
)

log = logging.getLogger("festival.cli")

#: A usage or configuration error (argparse uses 2 for bad options too).
EXIT_CONFIG = 2


class ConfigurationError(Exception):
    """Something the operator must change before the command can run (one line, exit 2)."""


def shown_url(database_url: str) -> str:
    """The database URL with its password masked (release logs are often public to a team)."""
    from sqlalchemy.engine import make_url

    return make_url(database_url).render_as_string(hide_password=True)


def _unusable_database(exc: BaseException, database_url: str) -> ConfigurationError | None:
    """The one-line reason when ``exc`` says the database cannot be reached or opened."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    # Connecting fails as OperationalError (SQLite), InterfaceError, or a bare DBAPIError
    # (asyncpg: no such database, wrong password); its other subclasses (IntegrityError...)
    # are about a statement, not about reaching the database.
    if isinstance(exc, OperationalError | InterfaceError) or type(exc) is DBAPIError:
        reason = (str(exc.orig).strip() or type(exc.orig).__name__).splitlines()[0]
    elif isinstance(exc, OSError):
        reason = str(exc)  # refused, unknown host, timeout: asyncpg raises these unwrapped
    else:
        return None
    return ConfigurationError(
        f"cannot use the database {shown_url(database_url)}: {reason} (check DATABASE_URL)"
    )


def _check_sqlite_file(database_url: str) -> None:
    """A SQLite file that cannot be opened, said before any command starts on it.

    Opened here with the standard library: aiosqlite's worker thread, when its connection
    fails, can outlive the event loop and print a traceback of its own after the one line.
    """
    import sqlite3

    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return
    try:
        sqlite3.connect(url.database).close()  # creates the file, as every command would
    except sqlite3.Error as exc:
        raise ConfigurationError(
            f"cannot use the database {shown_url(database_url)}: {exc} (check DATABASE_URL)"
        ) from None


# -- serving ----------------------------------------------------------------------------------


def _check_port(host: str, port: int) -> None:
    """Refuse early, with the way out, when the port is taken (uvicorn says only Errno 98)."""
    # The same socket family and options uvicorn binds with; closed again at once.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigurationError(
                    f"port {port} on {host} is already in use (another server?): "
                    "choose another with --port N or PORT=N"
                ) from None
            raise ConfigurationError(
                f"cannot listen on {host} port {port}: {exc.strerror} (check --host/HOST)"
            ) from None


def _check_database(settings: Settings) -> None:
    """The database answers and is migrated, or one line saying what to do."""
    from festival import db as dbmod
    from festival import migrate

    async def check() -> None:
        engine = dbmod.make_engine(settings.database_url)
        try:
            await migrate.ensure_migrated(engine)
        finally:
            await engine.dispose()

    asyncio.run(check())


#: uvicorn's options for the rooms (docs/deploy.md): the WebSocket protocol that writes frames
#: built once per view straight to each socket and compresses once per view
#: (festival/transport.py), and a listen backlog that takes a join storm without refusals.
SERVER_OPTIONS: dict[str, Any] = {
    "ws": "festival.transport:RoomWebSocketProtocol",
    "ws_per_message_deflate": True,
    "backlog": 4096,
}


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    _check_port(host, port)
    _check_database(settings)
    if workers <= 1:
        from festival.app import serving_app

        # log_config=None: uvicorn's records go through festival.logs, in LOG_FORMAT.
        # proxy_headers=False: the client address is decided behind TRUSTED_PROXIES only
        # (festival/addresses.py), never by uvicorn's FORWARDED_ALLOW_IPS.
        uvicorn.run(
            serving_app(settings),
            host=host,
            port=port,
            log_config=None,
            proxy_headers=False,
            **SERVER_OPTIONS,
        )
        return
    # Worker processes start afresh and read the environment (festival.app:asgi).
    os.environ.setdefault("DATABASE_URL", settings.database_url)
    if not settings.redis_url:
        log.warning(
            "%d workers without REDIS_URL: each worker serves its own copy of every live room, "
            "so people on different workers will not see each other. Set REDIS_URL.",
            workers,
        )
    if settings.secret_key_generated:
        # One development key for all the workers of this run, said once here: with a key of
        # its own each worker would refuse the cookies the others signed.
        warn_generated_secret(settings)
        os.environ["SECRET_KEY"] = settings.secret_key
    shared: Path | None = None
    if settings.metrics_dir is None:
        # Without a directory to share, each scrape answers for whichever worker took it.
        shared = Path(tempfile.mkdtemp(prefix=f"festival-metrics-{port}-"))
        os.environ["METRICS_DIR"] = str(shared)
        log.info("the %d workers share their /metrics figures in %s", workers, shared)
    try:
        uvicorn.run(
            "festival.app:asgi",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            proxy_headers=False,
            **SERVER_OPTIONS,
        )
    finally:
        if shared is not None:
            shutil.rmtree(shared, ignore_errors=True)


# -- the commands -----------------------------------------------------------------------------


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from festival import migrate

    before = migrate.upgrade(settings.database_url)
    head = migrate.head_revision()
    said = f"database migrated to {head}" if before != head else f"database already at {head}"
    print(f"{said}: {shown_url(settings.database_url)}")
    return 0


def site_here(settings: Settings, host: str, port: int) -> Settings:
    """Without SITE_URL, the site is where this command serves it: the links on the pages (feeds,
    calendar subscriptions, sign-in mails) then point at this port, not at the default 8000.
    Put in the environment too, for the worker processes of ``serve --workers N``."""
    if os.environ.get("SITE_URL") or port == 0:  # port 0: the port is not known yet
        return settings
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    url = f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"
    os.environ["SITE_URL"] = url
    return dataclasses.replace(settings, site_url=url)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    _serve(site_here(settings, args.host, args.port), args.host, args.port, args.workers)
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from festival import demo, migrate

    if migrate.upgrade(settings.database_url) != migrate.head_revision():
        print(f"database migrated to {migrate.head_revision()}")
    summary = asyncio.run(demo.seed_database(settings.database_url))
    print(summary)
    if args.no_serve:
        return 0
    print(f"serving the demo festival on http://{args.host}:{args.port}", flush=True)
    _serve(site_here(settings, args.host, args.port), args.host, args.port, 1)
    return 0


def cmd_tz_check(settings: Settings, args: argparse.Namespace) -> int:
    from festival import tzcheck

    apply = args.apply or args.release
    moved = asyncio.run(tzcheck.run(settings.database_url, apply=apply))
    for line in moved.lines():
        print(line)
    print(moved.summary(applied=apply))
    if args.release:
        # A deploy is not stopped for a session that needs its organiser: the code being
        # replaced could not fix it either. It is listed above and on /admin/tz-check.
        return 0
    return 1 if moved.errors else 0


def cmd_import_ics(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from festival import importer
    from festival.errors import FestivalError, NotFoundError
    from scheduling.errors import SchedulingError

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {args.file}: {exc.strerror}") from None
    try:
        return asyncio.run(
            importer.import_file(
                settings.database_url,
                data,
                args.organisation,
                args.edition or settings.default_edition,
                args.language,
                apply=not args.dry_run,
                write=lambda line: print(line, flush=True),
                now=datetime.now(UTC),
            )
        )
    except NotFoundError as exc:
        raise ConfigurationError(f"{exc.message} ({exc.code})") from None
    except (SchedulingError, FestivalError) as exc:
        code = getattr(exc, "code", "error")
        _say_error(args, f"nothing imported: {exc} ({code})")
        return importer.IMPORTED_NOTHING


def _read_new_password(args: argparse.Namespace) -> str:
    """The new admin's password: the first line of stdin, or typed twice at a prompt."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ConfigurationError(
            "no terminal to type a password in: give it on stdin with --password-stdin"
        )
    first = getpass.getpass("Password for the new admin: ")
    if getpass.getpass("Same password again: ") != first:
        raise ConfigurationError("the two passwords differ; nothing created")
    return first


def cmd_createadmin(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from festival import db as dbmod
    from festival import migrate
    from festival.auth import passwords
    from festival.errors import BadRequestError
    from festival.stores import accounts as store

    try:
        email = store.check_email(args.email)
        password = _read_new_password(args)
        passwords.check_new_password(password, email=email)
    except BadRequestError as exc:
        raise ConfigurationError(exc.message) from None
    hashed = passwords.hash_password_sync(password)

    async def create() -> str | None:
        engine = dbmod.make_engine(settings.database_url)
        try:
            await migrate.ensure_migrated(engine)
            async with dbmod.session_scope(dbmod.make_sessionmaker(engine)) as db:
                now = datetime.now(UTC)
                try:
                    await store.create_account(
                        db,
                        email=email,
                        name=args.name,
                        password_hash=hashed,
                        now=now,
                        is_admin=True,
                    )
                except store.EmailTakenError as exc:
                    return exc.message
                # ADMIN_PASSWORD is retired from now on: its sign-ins end at once.
                await store.revoke_bootstrap_signins(db, now)
            return None
        finally:
            await engine.dispose()

    problem = asyncio.run(create())
    if problem is not None:
        _say_error(args, f"{problem} Nothing created.")
        return 1
    print(f"admin account created for {email}: sign in at {settings.site_url}/signin")
    return 0


def _import_language(value: str) -> str:
    """``--language``: the web form's rule (scheduling.ics_import.import_language)."""
    from scheduling.ics_import import IcsImportError, import_language

    try:
        return import_language(value)
    except IcsImportError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


IMPORT_EPILOG = """\
exit status: 0 every event imported (with --dry-run: would be); 1 nothing to import (the file
cannot be read as a calendar, or none of its events can be imported); 2 a usage or
configuration error (bad option, unknown organisation or edition, database unreachable or not
migrated); 3 some events imported, the others left out (each listed with its reason)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="festival",
        epilog="exit status: 0 done; 1 a problem the command reports; 2 a usage or "
        "configuration error (one line on stderr); 3 import-ics left some events out.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def server_args(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--host",
            default=os.environ.get("HOST", "127.0.0.1"),
            help="address to listen on (default: $HOST or 127.0.0.1; 0.0.0.0 for every interface)",
        )
        # argparse applies ``type`` to string defaults too: a bad $PORT is a usage error.
        p.add_argument(
            "--port",
            type=int,
            default=os.environ.get("PORT") or "8000",
            help="port to listen on (default: $PORT or 8000)",
        )

    serve = sub.add_parser("serve", help="serve the app with uvicorn")
    server_args(serve)
    serve.add_argument(
        "--workers",
        type=int,
        default=os.environ.get("WEB_CONCURRENCY") or "1",
        help="worker processes sharing the port (default: $WEB_CONCURRENCY or 1); more than "
        "one needs REDIS_URL for the live rooms",
    )
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="migrate, seed the demo festival (idempotent), and serve")
    server_args(demo)
    demo.add_argument("--no-serve", action="store_true", help="seed and exit")
    demo.set_defaults(func=cmd_demo)

    mig = sub.add_parser("migrate", help="apply database migrations")
    mig.set_defaults(func=cmd_migrate)

    check = sub.add_parser("tz-check", help="re-derive UTC times from stored wall times")
    check.add_argument("--apply", action="store_true", help="write the re-derived times")
    check.add_argument(
        "--release",
        action="store_true",
        help="the Procfile's release step: --apply, and exit 0 even when a session needs an "
        "organiser's decision (listed here and on /admin/tz-check)",
    )
    check.set_defaults(func=cmd_tz_check)

    imp = sub.add_parser(
        "import-ics",
        help="import sessions from an .ics file as drafts",
        description="Import sessions from an .ics file as drafts: all or nothing, after a "
        "preview that lists every event left out and why.",
        epilog=IMPORT_EPILOG,
    )
    imp.add_argument("file", help="the .ics file (UTF-8)")
    imp.add_argument("--organisation", required=True, help="organisation slug")
    imp.add_argument("--edition", default="", help="edition slug (default: FESTIVAL_EDITION)")
    imp.add_argument(
        "--language",
        default="en",
        type=_import_language,
        help="language code of events that give none, such as en or sw (default: en)",
    )
    imp.add_argument("--dry-run", action="store_true", help="show the preview, save nothing")
    imp.set_defaults(func=cmd_import_ics)

    admin = sub.add_parser(
        "createadmin",
        help="create an admin account (retires ADMIN_PASSWORD)",
        description="Create an admin account that signs in at /signin with its email address "
        "and password. Once one exists, ADMIN_PASSWORD no longer signs anyone in.",
        epilog="exit status: 0 created; 1 an account with this address exists; 2 a usage or "
        "configuration error (bad address, password too short, database not migrated).",
    )
    admin.add_argument("--email", required=True, help="the admin's email address")
    admin.add_argument("--name", default="", help="the name shown to others (default: from email)")
    admin.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of prompting (scripts)",
    )
    admin.set_defaults(func=cmd_createadmin)

    parser.description = f"The festival platform's command: {', '.join(sub.choices)}."
    return parser


def _say_error(args: argparse.Namespace, message: str) -> None:
    """One line on stderr: ``festival <command>: ...``, or a JSON record with LOG_FORMAT=json."""
    if getattr(args, "log_format", "text") == "json":
        log.error("%s", message, extra={"command": args.command})
    else:
        print(f"festival {args.command}: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.log_format = requested_log_format(os.environ)
    with logging_to_stderr(args.log_format):
        try:
            settings = Settings.from_env()
        except SettingsError as exc:
            _say_error(args, str(exc))
            return EXIT_CONFIG
        from festival.migrate import NotMigratedError

        try:
            _check_sqlite_file(settings.database_url)
            result: int = args.func(settings, args)
        except (ConfigurationError, NotMigratedError) as exc:
            _say_error(args, str(exc))
            return EXIT_CONFIG
        except Exception as exc:
            unusable = _unusable_database(exc, settings.database_url)
            if unusable is None:
                raise
            _say_error(args, str(unusable))
            return EXIT_CONFIG
        return result


if __name__ == "__main__":
    sys.exit(main())
