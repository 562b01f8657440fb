"""The hub: the rooms this process serves, one broker subscription per room, made on demand.

A room's runtime starts (loading its log) when its first connection arrives and stops when it
has had no connection for ``idle_seconds``. Connections hold a runtime between ``acquire`` and
``release`` so it cannot stop under them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from realtime import protocol
from realtime.admission import DEFAULT_ADDRESS_LIMITS, AddressLimits, Admission
from realtime.broker.base import Broker
from realtime.broker.status import BrokerStatus
from realtime.limits import Limits
from realtime.metrics import HubSnapshot, MetricsSink, NoMetrics
from realtime.outbox import MAX_CHARS
from realtime.runtime import RoomRuntime
from realtime.storage import EventStore, RoomCatalog
from scheduling.clock import Clock

log = logging.getLogger("realtime.hub")


class Hub:
    def __init__(
        self,
        broker: Broker,
        store: EventStore,
        catalog: RoomCatalog,
        clock: Clock,
        limits: Limits | None = None,
        outbox_chars: int = MAX_CHARS,
        idle_seconds: float = 30.0,
        monotonic: Callable[[], float] = time.monotonic,
        metrics: MetricsSink | None = None,
        address_limits: AddressLimits | None = DEFAULT_ADDRESS_LIMITS,
    ) -> None:
        self.broker = broker
        self.metrics: MetricsSink = metrics or NoMetrics()
        broker.on_state_change = self._broker_changed
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.limits = limits or Limits()
        self.outbox_chars = outbox_chars
        self.idle_seconds = idle_seconds
        self.monotonic = monotonic
        self.runtimes: dict[str, RoomRuntime] = {}
        #: What each network address may do, in this worker and across workers (None: no limit).
        self.admission = Admission(broker.shared, address_limits, monotonic, metrics=self.metrics)
        self._locks: dict[str, asyncio.Lock] = {}
        self._idle: dict[str, asyncio.TimerHandle] = {}
        self._stopping: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.broker.start()
        await self.admission.start()

    def snapshot(self) -> HubSnapshot:
        """This process's rooms now (read by the metrics at scrape time)."""
        return HubSnapshot(
            connections=sum(len(runtime.audience) for runtime in self.runtimes.values()),
            rooms=len(self.runtimes),
            broker=self.broker.status,
        )

    def _broker_changed(self, status: BrokerStatus) -> None:
        for runtime in list(self.runtimes.values()):
            runtime.broker_changed(status)

    async def close(self) -> None:
        """Stop every room (connections closed with 1012, as uvicorn does) and the broker."""
        for handle in self._idle.values():
            handle.cancel()
        self._idle.clear()
        runtimes, self.runtimes = list(self.runtimes.values()), {}
        await asyncio.gather(*(r.stop(protocol.CLOSE_SERVICE_RESTART) for r in runtimes))
        await asyncio.gather(*self._stopping, return_exceptions=True)
        await self.admission.close()
        await self.broker.close()

    async def acquire(self, name: str) -> RoomRuntime:
        """The room's runtime, started if needed; raises NotFoundError ``room.unknown``."""
        runtime = self.runtimes.get(name)
        if runtime is None:
            lock = self._locks.setdefault(name, asyncio.Lock())
            async with lock:
                runtime = self.runtimes.get(name)
                if runtime is None:
                    runtime = await self._start(name)
            self._locks.pop(name, None)
        runtime.users += 1
        handle = self._idle.pop(name, None)
        if handle is not None:
            handle.cancel()
        return runtime

    def release(self, runtime: RoomRuntime) -> None:
        runtime.users -= 1
        if runtime.users == 0 and self.runtimes.get(runtime.name) is runtime:
            loop = asyncio.get_running_loop()
            self._idle[runtime.name] = loop.call_later(self.idle_seconds, self._stop_idle, runtime)

    async def _start(self, name: str) -> RoomRuntime:
        info = await self.catalog.describe(name)
        runtime = RoomRuntime(
            info,
            self.store,
            self.broker,
            self.clock,
            self.limits,
            monotonic=self.monotonic,
            metrics=self.metrics,
        )
        await runtime.start()
        runtime.broker_changed(self.broker.status)
        runtime.on_broken = self._forget
        self.runtimes[name] = runtime
        log.info("room %s opened at seq %d", name, runtime.state.seq)
        return runtime

    def _stop_idle(self, runtime: RoomRuntime) -> None:
        self._idle.pop(runtime.name, None)
        if runtime.users == 0:
            self._forget(runtime)

    def _forget(self, runtime: RoomRuntime) -> None:
        if self.runtimes.get(runtime.name) is runtime:
            del self.runtimes[runtime.name]
        task = asyncio.get_running_loop().create_task(runtime.stop())
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)
