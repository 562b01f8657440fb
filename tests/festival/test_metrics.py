"""GET /metrics: this worker's figures in the Prometheus text format."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from festival.app import create_app
from festival.metrics import STALE_SECONDS, Metrics
from festival.settings import Settings
from realtime.broker.status import BrokerState, BrokerStatus
from realtime.metrics import HubSnapshot


def samples(text: str) -> dict[str, float]:
    """The unlabelled samples (the garbage collector's histogram is checked on its own)."""
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if not sample.name.endswith("_created") and not sample.labels
    }


def test_metrics_counts_events_and_slow_clients() -> None:
    metrics = Metrics()
    metrics.events_delivered(3)
    metrics.events_delivered(4)
    metrics.slow_client_dropped()
    assert samples(metrics.render().decode()) == {
        "festival_room_events_total": 7.0,
        "festival_slow_clients_dropped_total": 1.0,
    }


def test_metrics_reads_levels_at_scrape_time() -> None:
    metrics = Metrics()
    level = {"connections": 5}
    status = BrokerStatus(BrokerState.RECONNECTING, reconnects=2, lag_seconds=0.004)
    metrics.observe(lambda: HubSnapshot(level["connections"], 2, status))
    level["connections"] = 9
    found = samples(metrics.render().decode())
    assert {k: v for k, v in found.items() if k != "festival_room_events_total"} == {
        "festival_slow_clients_dropped_total": 0.0,
        "festival_ws_connections": 9.0,
        "festival_rooms_active": 2.0,
        "festival_broker_connected": 0.0,
        "festival_broker_lag_seconds": 0.004,
        "festival_redis_reconnects_total": 2.0,
    }


def test_metrics_endpoint_serves_the_text_format(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "festival_room_events_total" in samples(response.text)


def test_metrics_endpoint_reports_the_rooms_and_the_broker(client: TestClient) -> None:
    found = samples(client.get("/metrics").text)
    assert {
        name: found[name] for name in sorted(found) if name != "festival_room_events_total"
    } == {
        "festival_broker_connected": 1.0,
        "festival_redis_reconnects_total": 0.0,
        "festival_rooms_active": 0.0,
        "festival_slow_clients_dropped_total": 0.0,
        "festival_ws_connections": 0.0,
    }


def by_worker(text: str, name: str) -> dict[str, float]:
    return {
        sample.labels["worker"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


def gone_pid() -> int:
    """The pid of a process that has exited."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(30)
    return process.pid


def test_workers_sharing_a_directory_each_answer_for_all(tmp_path: Path) -> None:
    here = Metrics(share=tmp_path)
    other = Metrics(share=tmp_path, worker=os.getppid())  # a live process: pytest's parent
    here.events_delivered(3)
    other.events_delivered(5)
    other.write_share()
    assert by_worker(here.render().decode(), "festival_room_events_total") == {
        str(os.getpid()): 3.0,
        str(os.getppid()): 5.0,
    }
    other.events_delivered(1)  # not yet written: the scrape shows what the file holds
    assert by_worker(here.render().decode(), "festival_room_events_total")[str(os.getppid())] == 5.0


def test_a_worker_that_is_gone_is_left_out_and_its_file_removed(tmp_path: Path) -> None:
    here = Metrics(share=tmp_path)
    dead = Metrics(share=tmp_path, worker=gone_pid())
    dead.events_delivered(7)
    dead.write_share()
    assert by_worker(here.render().decode(), "festival_room_events_total") == {
        str(os.getpid()): 0.0
    }
    assert list(tmp_path.iterdir()) == []  # the gone worker's file removed (this one's is
    # written by the app's sharing task, not by a scrape)


def test_a_file_not_rewritten_for_long_is_left_out(tmp_path: Path) -> None:
    here = Metrics(share=tmp_path)
    frozen = Metrics(share=tmp_path, worker=os.getppid())
    frozen.write_share()
    path = tmp_path / f"{os.getppid()}.prom"
    old = time.time() - STALE_SECONDS - 1
    os.utime(path, (old, old))
    assert set(by_worker(here.render().decode(), "festival_room_events_total")) == {
        str(os.getpid())
    }
    assert not path.exists()


def test_app_with_metrics_dir_shares_while_it_runs(settings: Settings, tmp_path: Path) -> None:
    share = tmp_path / "metrics"
    with TestClient(create_app(settings.with_(metrics_dir=share))) as client:
        assert (share / f"{os.getpid()}.prom").exists()
        found = by_worker(client.get("/metrics").text, "festival_ws_connections")
        assert found == {str(os.getpid()): 0.0}
    assert list(share.iterdir()) == []  # removed as the app stopped


METRICS_TOKEN = "scrape-token-for-tests-0123456789"


def test_metrics_token_is_required_when_set(settings: Settings) -> None:
    guarded = settings.with_(metrics_token=METRICS_TOKEN)

    with TestClient(create_app(guarded)) as client:
        missing = client.get("/metrics")
        wrong = client.get("/metrics", headers={"authorization": "Bearer not-the-token"})
        basic = client.get("/metrics", headers={"authorization": f"Basic {METRICS_TOKEN}"})
        right = client.get("/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"})

    for refused in (missing, wrong, basic):
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Bearer realm="metrics"'
        assert "festival_room_events_total" not in refused.text
    assert right.status_code == 200
    assert "festival_room_events_total" in samples(right.text)


def test_metrics_token_comes_from_the_environment() -> None:
    env = {"SECRET_KEY": "k", "METRICS_TOKEN": METRICS_TOKEN}

    assert Settings.from_env(env).metrics_token == METRICS_TOKEN
    assert Settings.from_env({"SECRET_KEY": "k", "METRICS_TOKEN": ""}).metrics_token is None
