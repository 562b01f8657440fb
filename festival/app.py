"""create_app(settings): the only place where everything is wired together."""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from festival import auth, gcpauses, migrate
from festival import db as dbmod
from festival.errors import (
    FestivalError,
    festival_error_handler,
    http_error_handler,
    scheduling_error_handler,
    server_error_handler,
)
from festival.logs import configure_logging
from festival.metrics import Metrics
from festival.routes import api, feeds, health, pages, ws
from festival.routes import metrics as metrics_routes
from festival.settings import Settings
from festival.templating import install_template_globals
from realtime.broker import make_broker
from scheduling.clock import Clock, SystemClock
from scheduling.errors import SchedulingError

log = logging.getLogger("festival")


@dataclass
class AppState:
    """What handlers reach through ``request.app.state.festival``."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    """Build the ASGI app. The engine is created here; migrations are checked at startup."""
    # Zones must come from the tzdata package on every host, for every library that asks
    # zoneinfo by name (scheduling.tz reads tzdata directly; this covers the rest).
    zoneinfo.reset_tzpath(to=())
    engine = dbmod.make_engine(settings.database_url)
    state = AppState(settings, engine, dbmod.make_sessionmaker(engine), clock or SystemClock())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The engine is disposed on a refused start too: the migration check opened a pooled
        # connection, and an asyncpg connection left to the garbage collector warns or leaks.
        try:
            if settings.check_migrations:
                await migrate.ensure_migrated(engine)
            if settings.secret_key_generated:
                log.warning("running with a generated SECRET_KEY (development only)")
            async with ws.lifespan(app), app.state.metrics.sharing():
                yield
        finally:
            await engine.dispose()

    templates = Jinja2Templates(directory=str(settings.templates_dir))
    install_template_globals(templates, settings)
    feeds.install_template_globals(templates, settings)

    routes: list[BaseRoute] = [
        *health.routes,
        *metrics_routes.routes,
        *api.routes,
        *feeds.routes,
        *ws.routes,
        *pages.routes,
        Mount("/static", app=StaticFiles(directory=str(settings.static_dir)), name="static"),
    ]
    app = Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=[
            Middleware(GZipMiddleware, minimum_size=1024),
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                session_cookie=auth.SESSION_COOKIE,
                max_age=auth.SESSION_MAX_AGE,
                same_site="lax",
                https_only=settings.site_url.startswith("https://"),
            ),
        ],
        exception_handlers={
            FestivalError: festival_error_handler,
            SchedulingError: scheduling_error_handler,
            HTTPException: http_error_handler,
            Exception: server_error_handler,
        },
        lifespan=lifespan,
    )
    app.state.festival = state
    app.state.metrics = Metrics(share=settings.metrics_dir)
    # The broker, chosen once from the configuration: Redis when REDIS_URL is set (any number
    # of workers and hosts), else in-process (this process alone serves the rooms).
    app.state.broker = make_broker(settings.redis_url, settings.redis_namespace)
    app.state.templates = templates
    return app


def asgi() -> Starlette:
    """Factory for `uvicorn --factory festival.app:asgi` (reads the environment once)."""
    settings = Settings.from_env()
    configure_logging(settings.log_format)
    return serving_app(settings)


def serving_app(settings: Settings) -> Starlette:
    """The app for a process that serves it (not for tests): the collector tuned once built."""
    app = create_app(settings)
    if settings.gc_tuning:
        gcpauses.tune()
    return app
