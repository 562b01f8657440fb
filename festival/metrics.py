"""Prometheus metrics of one worker process, served at ``/metrics`` (festival/routes/metrics.py).

Each app has its own registry, so a test's app never sees another's figures. A process reports
its own figures. With ``METRICS_DIR`` set (uvicorn ``--workers N`` behind one port, where a
scrape reaches whichever worker accepts it), every worker writes its figures to a file there
every ``SHARE_SECONDS``, and ``/metrics`` on any worker answers for all the
live workers of the host, each sample labelled ``worker`` with its pid: files of workers that
are gone (no such process, or not rewritten for ``STALE_SECONDS``) are left out and removed.

| metric | type | what |
|---|---|---|
| ``festival_ws_connections`` | gauge | members joined to a room on this process |
| ``festival_rooms_active`` | gauge | rooms this process serves (one broker subscription each) |
| ``festival_room_events_total`` | counter | room events fanned out here (``rate()`` = events/s) |
| ``festival_slow_clients_dropped_total`` | counter | connections cut off as too slow (4000) |
| ``festival_address_refusals_total`` | counter | per-address limits refusing, by ``code`` |
| ``festival_broker_connected`` | gauge | 1 while the broker carries messages, else 0 |
| ``festival_broker_lag_seconds`` | gauge | heartbeat round trip through the subscription stream |
| ``festival_redis_reconnects_total`` | counter | Redis connection lost and made again |
| ``festival_gc_pause_seconds`` | histogram | garbage collector pauses by generation (gcpauses.py) |
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector

from festival.gcpauses import PauseCollector, recorder
from realtime.metrics import HubSnapshot

CONTENT_TYPE = CONTENT_TYPE_LATEST

#: How often a worker rewrites its file in ``METRICS_DIR``.
SHARE_SECONDS = 5.0
#: A file not rewritten for this long belongs to a worker that is gone.
STALE_SECONDS = 3 * SHARE_SECONDS


class Metrics:
    """The metrics sink the rooms push to, and the registry ``/metrics`` renders.

    ``share``: the directory (``METRICS_DIR``) where the workers of one host meet, or None to
    report this process alone.
    """

    def __init__(self, share: Path | None = None, worker: int | None = None) -> None:
        self.share = share
        self.worker = os.getpid() if worker is None else worker
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
        self.address_refusals = Counter(
            "festival_address_refusals",
            "Refusals of a limit per network address (realtime/admission.py), by error code.",
            ["code"],
            registry=self.registry,
        )
        self.registry.register(PauseCollector(recorder()))
        self._levels: _HubCollector | None = None

    # -- realtime.metrics.MetricsSink -----------------------------------------------------------

    def events_delivered(self, count: int) -> None:
        self.events.inc(count)

    def slow_client_dropped(self) -> None:
        self.slow_clients.inc()

    def address_refused(self, code: str) -> None:
        self.address_refusals.labels(code).inc()

    # -- levels read at scrape time -------------------------------------------------------------

    def observe(self, snapshot: Callable[[], HubSnapshot]) -> None:
        """Read the rooms' levels from ``snapshot`` at every scrape (replacing any before)."""
        if self._levels is None:
            self._levels = _HubCollector(snapshot)
            self.registry.register(self._levels)
        else:
            self._levels.snapshot = snapshot

    def render(self) -> bytes:
        """This worker's figures, or with ``share`` those of every live worker of the host."""
        own = generate_latest(self.registry)
        if self.share is None:
            return own
        return _labelled({**self._read_others(), self.worker: own})

    # -- the workers' shared directory ----------------------------------------------------------

    def write_share(self) -> None:
        """Write this worker's figures to its file (atomically: a reader never sees half)."""
        assert self.share is not None
        self.share.mkdir(parents=True, exist_ok=True)
        path = self.share / f"{self.worker}.prom"
        partial = path.with_suffix(".partial")
        partial.write_bytes(generate_latest(self.registry))
        partial.replace(path)

    def remove_share(self) -> None:
        """This worker stops: its figures go with it."""
        if self.share is not None:
            (self.share / f"{self.worker}.prom").unlink(missing_ok=True)

    @contextlib.asynccontextmanager
    async def sharing(self) -> AsyncIterator[None]:
        """While the app runs, keep this worker's file fresh; remove it when the app stops."""
        if self.share is None:
            yield
            return

        async def refresh() -> None:
            while True:
                await asyncio.sleep(SHARE_SECONDS)
                await asyncio.to_thread(self.write_share)

        self.write_share()  # present from the first scrape on
        task = asyncio.create_task(refresh())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self.remove_share()

    def _read_others(self) -> dict[int, bytes]:
        """The other live workers' figures, from their files; gone workers' files removed."""
        assert self.share is not None
        found: dict[int, bytes] = {}
        now = time.time()
        for path in self.share.glob("*.prom"):
            if not path.stem.isdigit() or int(path.stem) == self.worker:
                continue
            pid = int(path.stem)
            try:
                if now - path.stat().st_mtime >= STALE_SECONDS or not _alive(pid):
                    path.unlink(missing_ok=True)
                    continue
                found[pid] = path.read_bytes()
            except FileNotFoundError:  # its worker removed it as it stopped
                continue
        return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _labelled(texts: dict[int, bytes]) -> bytes:
    """One exposition from the workers' expositions, every sample labelled with its worker."""
    families: dict[str, Metric] = {}
    for worker, text in sorted(texts.items()):
        for family in text_string_to_metric_families(text.decode()):
            merged = families.setdefault(
                family.name, Metric(family.name, family.documentation, family.type)
            )
            for sample in family.samples:
                if sample.name.endswith("_created"):
                    continue  # a per-process start time, not a figure
                merged.add_sample(
                    sample.name, {**sample.labels, "worker": str(worker)}, sample.value
                )
    registry = CollectorRegistry()
    registry.register(_Fixed(list(families.values())))
    return generate_latest(registry)


class _Fixed(Collector):
    def __init__(self, metrics: list[Metric]) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        return iter(self.metrics)


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
