"""festival/gcpauses.py: the serving process's garbage-collector settings and its pauses on
/metrics."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from festival.gcpauses import BUCKETS, YOUNG_THRESHOLD, PauseRecorder
from festival.metrics import Metrics


def gc_pauses(text: str, generation: int) -> tuple[float, float]:
    """(collections, seconds) of ``generation`` in a /metrics text."""
    found = {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.labels.get("generation") == str(generation) and "le" not in sample.labels
    }
    return found["festival_gc_pause_seconds_count"], found["festival_gc_pause_seconds_sum"]


def test_metrics_count_and_time_full_collections() -> None:
    metrics = Metrics()
    count, seconds = gc_pauses(metrics.render().decode(), 2)
    gc.collect()
    after_count, after_seconds = gc_pauses(metrics.render().decode(), 2)
    assert after_count == count + 1
    assert after_seconds > seconds


def test_pause_recorder_puts_each_pause_in_its_bucket() -> None:
    recorder = PauseRecorder()
    recorder("start", {"generation": 0})
    recorder("stop", {"generation": 0})
    recorder("start", {"generation": 2})
    recorder._started -= 2.0  # a two-second stop: beyond the last bound
    recorder("stop", {"generation": 2})
    assert recorder.buckets[0][0] == 1
    assert sum(recorder.buckets[0]) == 1
    assert recorder.buckets[2] == [0] * len(BUCKETS) + [1]
    assert recorder.sums[2] >= 2.0


def serving_process_gc(environ: dict[str, str]) -> tuple[int, int]:
    """(young-generation threshold, frozen objects) in a process that built the app the way
    ``uvicorn --factory festival.app:asgi`` does (a process of its own: freezing would keep
    this test process's objects out of collection)."""
    script = (
        "import gc\n"
        "from festival.app import asgi\n"
        "asgi()\n"
        "print(gc.get_threshold()[0], gc.get_freeze_count())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    threshold, frozen = map(int, done.stdout.split())
    return threshold, frozen


def test_serving_process_freezes_startup_objects_and_collects_less_often() -> None:
    threshold, frozen = serving_process_gc({})
    assert threshold == YOUNG_THRESHOLD
    assert frozen > 10_000  # the modules, routes and templates startup built


def test_gc_tuning_off_keeps_cpythons_settings() -> None:
    assert serving_process_gc({"GC_TUNING": "off"}) == (700, 0)
