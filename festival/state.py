"""The app's long-lived objects: built once by ``create_app``, read through ``state()``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import HTTPConnection
from starlette.templating import Jinja2Templates

from festival.feedcache import FeedCache
from festival.media import MediaStorage
from festival.metrics import Metrics
from festival.oidc.client import OidcClient
from festival.probes import ProbeLog
from festival.settings import Settings
from festival.stores.rooms import SqlEventStore
from realtime.broker.base import Broker
from realtime.hub import Hub
from scheduling.clock import Clock


@dataclass(frozen=True)
class AppState:
    """Everything a handler may reach: one typed object instead of attributes on ``app.state``."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    broker: Broker
    event_store: SqlEventStore
    hub: Hub
    metrics: Metrics
    templates: Jinja2Templates
    feed_cache: FeedCache
    media: MediaStorage
    oidc: OidcClient  # the OpenID Connect providers' discovery documents and keys
    probe_log: ProbeLog = field(default_factory=ProbeLog)  # what /readyz has told the log


def state(conn: HTTPConnection) -> AppState:
    """The state of the app serving this request or WebSocket."""
    return app_state(conn.app)


def app_state(app: Starlette) -> AppState:
    """The state ``create_app`` attached to ``app`` (benchmarks and tests hold the app)."""
    found = app.state.festival
    if not isinstance(found, AppState):
        raise TypeError("this app was not built by festival.app.create_app")
    return found
