"""The garbage collector in a serving process: tuned for many long-lived connections, and its
pauses measured for ``/metrics``.

CPython's cyclic collector stops the event loop while it runs. Every connection keeps a few
hundred container objects alive (protocol, ASGI scope, outbox, tasks), so with thousands of
connections a full (generation 2) collection walks a million objects: about 0.3 s on one core
at 5,000 connections, during which no room delivers anything. With the default young-generation
threshold (700 allocations) such collections come every few seconds while people join.
``tune()`` makes them rare: what startup built (modules, routes, templates: never garbage) is
frozen out of every collection, and the young generation is collected every
``YOUNG_THRESHOLD`` allocations. docs/benchmarks.md ("Garbage collector") has the figures;
``GC_TUNING=off`` keeps CPython's settings (festival/settings.py).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

#: Allocations (net of deallocations) between young-generation collections (CPython: 700).
YOUNG_THRESHOLD = 50_000

#: Upper bounds of the pause histogram, in seconds.
BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)


def tune() -> None:
    """For a serving process, once its app is built: freeze what exists, collect less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


class PauseRecorder:
    """Counts and times this process's collections by generation (a ``gc.callbacks`` hook)."""

    def __init__(self) -> None:
        self.buckets = {gen: [0] * (len(BUCKETS) + 1) for gen in range(3)}
        self.sums = dict.fromkeys(range(3), 0.0)
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        pause = time.perf_counter() - self._started
        generation = info["generation"]
        self.sums[generation] += pause
        counts = self.buckets[generation]
        for index, bound in enumerate(BUCKETS):
            if pause <= bound:
                counts[index] += 1
                break
        else:
            counts[-1] += 1


_recorder: PauseRecorder | None = None


def recorder() -> PauseRecorder:
    """The process's recorder, hooked into the collector on first use."""
    global _recorder
    if _recorder is None:
        _recorder = PauseRecorder()
        gc.callbacks.append(_recorder)
    return _recorder


class PauseCollector(Collector):
    """``festival_gc_pause_seconds{generation}``: how long collections stopped this process."""

    def __init__(self, source: PauseRecorder) -> None:
        self.source = source

    def collect(self) -> Iterator[Metric]:
        family = HistogramMetricFamily(
            "festival_gc_pause_seconds",
            "Time the garbage collector stopped this process, by generation.",
            labels=["generation"],
        )
        for generation, counts in self.source.buckets.items():
            running = 0
            cumulative = []
            for bound, count in zip((*BUCKETS, float("inf")), counts, strict=True):
                running += count
                cumulative.append((_bound(bound), running))
            family.add_metric([str(generation)], cumulative, self.source.sums[generation])
        yield family

    def describe(self) -> Iterator[Metric]:
        return iter(())


def _bound(value: float) -> str:
    return "+Inf" if value == float("inf") else repr(value)
