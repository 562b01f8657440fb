"""Prometheus metrics of one worker process, served at ``/metrics`` (festival/routes/metrics.py).

Each app has its own registry, so a test's app never sees another's figures. A process reports
its own figures: scrape every worker (one port per worker process, see docs/deploy.md).

| metric | type | what |
|---|---|---|
| ``festival_ws_connections`` | gauge | members joined to a room on this process |
| ``festival_rooms_active`` | gauge | rooms this process serves (one broker subscription each) |
| ``festival_room_events_total`` | counter | room events fanned out here (``rate()`` = events/s) |
| ``festival_slow_clients_dropped_total`` | counter | connections cut off as too slow (4000) |
| ``festival_broker_connected`` | gauge | 1 while the broker carries messages, else 0 |
| ``festival_broker_lag_seconds`` | gauge | heartbeat round trip through the subscription stream |
| ``festival_redis_reconnects_total`` | counter | Redis connection lost and made again |
| ``festival_gc_pause_seconds`` | histogram | garbage collector pauses by generation (gcpauses.py) |
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from festival.gcpauses import PauseCollector, recorder
from realtime.metrics import HubSnapshot

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """The metrics sink the rooms push to, and the registry ``/metrics`` renders."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.events = Counter(
            "festival_room_events",
            "Room events fanned out to this process's members.",
            registry=self.registry,
        )
        self.slow_clients = Counter(
            "festival_slow_clients_dropped",
            "Connections closed because their outgoing buffer overflowed (close code 4000).",
            registry=self.registry,
        )
        self.registry.register(PauseCollector(recorder()))
        self._levels: _HubCollector | None = None

    # -- realtime.metrics.MetricsSink -----------------------------------------------------------

    def events_delivered(self, count: int) -> None:
        self.events.inc(count)

    def slow_client_dropped(self) -> None:
        self.slow_clients.inc()

    # -- levels read at scrape time -------------------------------------------------------------

    def observe(self, snapshot: Callable[[], HubSnapshot]) -> None:
        """Read the rooms' levels from ``snapshot`` at every scrape (replacing any before)."""
        if self._levels is None:
            self._levels = _HubCollector(snapshot)
            self.registry.register(self._levels)
        else:
            self._levels.snapshot = snapshot

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _HubCollector(Collector):
    def __init__(self, snapshot: Callable[[], HubSnapshot]) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        now = self.snapshot()
        yield GaugeMetricFamily(
            "festival_ws_connections", "Members joined to a room on this process.", now.connections
        )
        yield GaugeMetricFamily("festival_rooms_active", "Rooms this process serves.", now.rooms)
        yield GaugeMetricFamily(
            "festival_broker_connected",
            "1 while the broker carries messages between processes, else 0.",
            1 if now.broker.connected else 0,
        )
        if now.broker.lag_seconds is not None:
            yield GaugeMetricFamily(
                "festival_broker_lag_seconds",
                "Heartbeat round trip through the broker's subscription stream.",
                now.broker.lag_seconds,
            )
        yield CounterMetricFamily(
            "festival_redis_reconnects",
            "Times the connection to Redis was lost and made again.",
            now.broker.reconnects,
        )

    def describe(self) -> Iterator[Metric]:
        return iter(())  # collected lazily: nothing to check at registration
