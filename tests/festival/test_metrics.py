"""GET /metrics: this worker's figures in the Prometheus text format."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from festival.metrics import Metrics
from realtime.broker.status import BrokerState, BrokerStatus
from realtime.metrics import HubSnapshot


def samples(text: str) -> dict[str, float]:
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if not sample.name.endswith("_created")
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
