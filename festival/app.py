"""create_app(settings): the only place where everything is wired together."""

from __future__ import annotations

import logging
import re
import zoneinfo
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import websocket_session
from starlette.types import ASGIApp, Receive, Scope, Send

from festival import auth, cookies, gcpauses, migrate, routes, tzcheck
from festival import db as dbmod
from festival.addresses import ClientAddressMiddleware, TrustedProxies
from festival.feedcache import FeedCache
from festival.headers import SecurityHeaders, security_headers
from festival.logs import configure_logging
from festival.media import LocalMediaStorage
from festival.metrics import Metrics
from festival.oidc.client import OidcClient
from festival.routes import errors, ws
from festival.settings import (
    Settings,
    settings_or_exit,
    warn_forwarded_allow_ips,
    warn_generated_secret,
)
from festival.state import AppState
from festival.stores.rooms import DatabaseCatalog, SqlEventStore
from festival.templating import make_templates
from realtime.broker.choice import make_broker
from realtime.hub import Hub
from realtime.limits import Limits
from scheduling.clock import Clock, SystemClock

log = logging.getLogger("festival")


def build_state(settings: Settings, clock: Clock | None = None) -> AppState:
    """Every long-lived object of one app; nothing here does I/O (the lifespan starts them)."""
    engine = dbmod.make_engine(settings.database_url)
    sessions = dbmod.make_sessionmaker(engine)
    clock = clock or SystemClock()
    # The broker, chosen once from the configuration: Redis when REDIS_URL is set (any number
    # of workers and hosts), else in-process (this process alone serves the rooms).
    broker = make_broker(settings.redis_url, settings.redis_namespace)
    metrics = Metrics(share=settings.metrics_dir)
    event_store = SqlEventStore(sessions)
    hub = Hub(
        broker,
        event_store,
        DatabaseCatalog(sessions),
        clock,
        limits=Limits() if settings.room_rate_limits else Limits.unlimited(),
        address_limits=settings.room_address_limits if settings.room_rate_limits else None,
        outbox_chars=settings.room_outbox_kib * 1024,
        metrics=metrics,
    )
    metrics.observe(hub.snapshot)
    return AppState(
        settings=settings,
        engine=engine,
        sessions=sessions,
        clock=clock,
        broker=broker,
        event_store=event_store,
        hub=hub,
        metrics=metrics,
        templates=make_templates(settings),
        feed_cache=FeedCache(),
        # The media storage, chosen once: files under MEDIA_DIR (docs/deploy.md for more hosts).
        media=LocalMediaStorage(settings.media_dir),
        oidc=OidcClient(settings.oidc_providers),
    )


#: The room WebSocket's path (festival/routes/ws.py), served below the router (FestivalApp).
ROOM_SOCKET_PATH = re.compile(r"/ws/rooms/([^/]+)")


class FestivalApp(Starlette):
    """Starlette with the security headers outermost, so the server-error page has them too
    (Starlette puts its ServerErrorMiddleware outside every middleware given to it).

    The room WebSocket (``/ws/rooms/{room}``) is dispatched before the middleware stack and the
    router, through :attr:`room_socket_app`: the client-address and session middleware (what a
    WebSocket needs of the stack; GZip and the security headers concern HTTP responses only)
    and the endpoint, so a join in a join storm skips the linear match over every route.
    """

    def __init__(self, headers: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.security_headers = headers
        self.room_socket_app: ASGIApp | None = None

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack(), self.security_headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and self.room_socket_app is not None:
            match = (
                ROOM_SOCKET_PATH.fullmatch(scope["path"]) if not scope.get("root_path") else None
            )
            if match is not None:
                scope["app"] = self
                scope["path_params"] = {"room": match.group(1)}
                await self.room_socket_app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    """Build the ASGI app. The engine is created here; migrations are checked at startup."""
    # Zones must come from the tzdata package on every host, for every library that asks
    # zoneinfo by name (scheduling.tz reads tzdata directly; this covers the rest).
    zoneinfo.reset_tzpath(to=())
    state = build_state(settings, clock)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The engine is disposed on a refused start too: the migration check opened a pooled
        # connection, and an asyncpg connection left to the garbage collector warns or leaks.
        async with AsyncExitStack() as stack:
            stack.push_async_callback(state.engine.dispose)
            if settings.check_migrations:
                await migrate.ensure_migrated(state.engine)
                await tzcheck.warn_when_stale(state.sessions)
            warn_generated_secret(settings)
            warn_forwarded_allow_ips(settings)
            # The rooms: the event writer, then the hub (and its broker); closed in reverse.
            await state.event_store.start()
            stack.push_async_callback(state.event_store.close)
            await state.hub.start()
            stack.push_async_callback(state.hub.close)
            await stack.enter_async_context(state.metrics.sharing())
            yield

    trusted = TrustedProxies.parse(settings.trusted_proxies)
    session_options: dict[str, Any] = {
        "secret_key": settings.secret_key,
        "session_cookie": auth.SESSION_COOKIE,
        "max_age": auth.SESSION_MAX_AGE,
        "same_site": "lax",
        "https_only": cookies.secure(settings),
    }
    app = FestivalApp(
        security_headers(settings),
        debug=settings.debug,
        routes=routes.table(settings),
        middleware=[
            Middleware(ClientAddressMiddleware, trusted),
            Middleware(GZipMiddleware, minimum_size=1024),
            Middleware(SessionMiddleware, **session_options),
        ],
        exception_handlers=dict(errors.handlers),
        lifespan=lifespan,
    )
    # The room WebSocket below the router: the same client address and session as every route.
    # The exception handlers too, as Starlette installs them (500 is the server-error page's).
    handlers = {key: h for key, h in errors.handlers.items() if key not in (500, Exception)}
    app.room_socket_app = ClientAddressMiddleware(
        SessionMiddleware(
            ExceptionMiddleware(
                websocket_session(ws.room_socket), handlers=handlers, debug=settings.debug
            ),
            **session_options,
        ),
        trusted,
    )
    app.state.festival = state  # read through festival.state.state(request), nothing else
    return app


def asgi() -> Starlette:
    """Factory for `uvicorn --factory festival.app:asgi` (reads the environment once)."""
    settings = settings_or_exit()
    configure_logging(settings.log_format)
    return serving_app(settings)


def serving_app(settings: Settings) -> Starlette:
    """The app for a process that serves it (not for tests): the collector tuned once built."""
    app = create_app(settings)
    if settings.gc_tuning:
        gcpauses.tune()
    return app
