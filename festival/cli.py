"""The `festival` command: serve, demo, migrate, tz-check."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from festival.settings import Settings


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    os.environ.setdefault("DATABASE_URL", settings.database_url)
    if workers > 1 and not settings.redis_url:
        logging.getLogger("festival").warning(
            "%d workers without REDIS_URL: each worker serves its own copy of every live room, "
            "so people on different workers will not see each other. Set REDIS_URL.",
            workers,
        )
    if workers > 1:
        uvicorn.run("festival.app:asgi", factory=True, host=host, port=port, workers=workers)
    else:
        from festival.app import serving_app

        uvicorn.run(serving_app(settings), host=host, port=port)


def shown_url(database_url: str) -> str:
    """The database URL with its password masked (release logs are often public to a team)."""
    from sqlalchemy.engine import make_url

    return make_url(database_url).render_as_string(hide_password=True)


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from festival import migrate

    migrate.upgrade(settings.database_url)
    print(f"database migrated to {migrate.head_revision()}: {shown_url(settings.database_url)}")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    _serve(settings, args.host, args.port, args.workers)
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from festival import demo, migrate

    migrate.upgrade(settings.database_url)
    summary = asyncio.run(demo.seed_database(settings.database_url))
    print(summary)
    if args.no_serve:
        return 0
    print(f"serving the demo festival on http://{args.host}:{args.port}")
    _serve(settings, args.host, args.port, 1)
    return 0


def cmd_tz_check(settings: Settings, args: argparse.Namespace) -> int:
    from festival import tzcheck
    from festival.migrate import NotMigratedError

    try:
        moved = asyncio.run(tzcheck.run(settings.database_url, apply=args.apply))
    except NotMigratedError as exc:
        print(f"festival tz-check: {exc}", file=sys.stderr)
        return 2
    for line in moved.lines():
        print(line)
    print(moved.summary(applied=args.apply))
    return 1 if moved.errors else 0


def cmd_import_ics(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime
    from pathlib import Path

    from festival import importer
    from festival.errors import FestivalError
    from festival.migrate import NotMigratedError
    from scheduling.errors import SchedulingError

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"festival import-ics: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
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
    except (SchedulingError, FestivalError, NotMigratedError) as exc:
        code = getattr(exc, "code", "error")
        print(f"festival import-ics: nothing imported: {exc} ({code})", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="festival", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def server_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        # argparse applies ``type`` to string defaults too: a bad $PORT is a usage error.
        p.add_argument("--port", type=int, default=os.environ.get("PORT") or "8000")

    serve = sub.add_parser("serve", help="serve the app with uvicorn")
    server_args(serve)
    serve.add_argument("--workers", type=int, default=os.environ.get("WEB_CONCURRENCY") or "1")
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="migrate, seed the demo festival (idempotent), and serve")
    server_args(demo)
    demo.add_argument("--no-serve", action="store_true", help="seed and exit")
    demo.set_defaults(func=cmd_demo)

    mig = sub.add_parser("migrate", help="apply database migrations")
    mig.set_defaults(func=cmd_migrate)

    check = sub.add_parser("tz-check", help="re-derive UTC times from stored wall times")
    check.add_argument("--apply", action="store_true", help="write the re-derived times")
    check.set_defaults(func=cmd_tz_check)

    imp = sub.add_parser("import-ics", help="import sessions from an .ics file as drafts")
    imp.add_argument("file", help="the .ics file (UTF-8)")
    imp.add_argument("--organisation", required=True, help="organisation slug")
    imp.add_argument("--edition", default="", help="edition slug (default: FESTIVAL_EDITION)")
    imp.add_argument("--language", default="en", help="language of events that give none")
    imp.add_argument("--dry-run", action="store_true", help="show the preview, save nothing")
    imp.set_defaults(func=cmd_import_ics)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    result: int = args.func(settings, args)
    return result


if __name__ == "__main__":
    sys.exit(main())
