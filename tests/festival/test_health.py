import logging
from pathlib import Path

import pytest
import tzdata  # type: ignore[import-untyped]
from starlette.testclient import TestClient

from festival import migrate
from festival.app import create_app
from festival.settings import Settings, normalise_database_url
from scheduling.clock import FixedClock
from tests.redis_server import free_port


def test_healthz_reports_ok_and_the_tz_database_version(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    # The version read from the package itself, not from the code under test.
    assert response.json() == {"status": "ok", "tzdata": tzdata.IANA_VERSION}


def test_readyz_reports_database_ready(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}


def test_readyz_reports_an_unreachable_redis(settings: Settings, clock: FixedClock) -> None:
    nobody = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with TestClient(create_app(settings.with_(redis_url=nobody), clock=clock)) as client:
        response = client.get("/readyz")
        healthz = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["checks"]["database"]) == ("unavailable", "ok")
    assert body["checks"]["broker"].startswith("connecting: ConnectionError: ")
    assert healthz.status_code == 200  # the worker stays up


def test_readyz_gives_a_generic_reason_and_logs_the_detail(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A database that cannot be opened: its driver's error text is for the operator's log only
    # (such texts can name hosts, users and paths).
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'festival.db'}",
        secret_key="test-secret-key-not-for-production",
        secret_key_generated=False,
        check_migrations=False,
    )
    with caplog.at_level(logging.WARNING, logger="festival"):
        with TestClient(create_app(settings)) as client:
            response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {
            "database": "error: the database does not answer (the server log says why)",
            "broker": "ok",
        },
    }
    details = [r.getMessage() for r in caplog.records if r.name == "festival.health"]
    assert len(details) == 1
    assert "OperationalError" in details[0] and "unable to open database file" in details[0]


def test_readyz_keeps_the_redis_address_to_the_log(
    settings: Settings, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    nobody = f"redis://127.0.0.1:{port}/0"  # nothing listens there
    with caplog.at_level(logging.WARNING):
        with TestClient(create_app(settings.with_(redis_url=nobody), clock=clock)) as client:
            response = client.get("/readyz")

    assert response.json()["checks"]["broker"] == (
        "connecting: ConnectionError: the server log says why"
    )
    assert str(port) not in response.text
    assert any(str(port) in record.getMessage() for record in caplog.records)


def test_readyz_logs_an_outage_once_then_once_a_minute_and_its_end(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    # Probes every 10 s: the first failure, one reminder a minute later, one line at recovery.
    folder = tmp_path / "later"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'festival.db'}",
        secret_key="test-secret-key-not-for-production",
        secret_key_generated=False,
        check_migrations=False,
    )
    statuses: list[int] = []
    with caplog.at_level(logging.INFO, logger="festival.health"):
        with TestClient(create_app(settings, clock=clock)) as client:
            for second in range(0, 90, 10):
                if second == 80:  # the database comes back
                    folder.mkdir()
                    migrate.upgrade(normalise_database_url(f"sqlite:///{folder / 'festival.db'}"))
                statuses.append(client.get("/readyz").status_code)
                clock.advance(10)

    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "festival.health"]
    assert statuses == [503] * 8 + [200]
    assert [level for level, _ in lines] == [logging.WARNING, logging.WARNING, logging.INFO]
    assert lines[0][1].startswith("readyz: the database is not ready: OperationalError: ")
    assert lines[1][1].endswith(" (still, for 60 s and 7 probes)")
    assert lines[2][1] == "readyz: the database is ready again after 80 s (8 failed probes)"


def test_readyz_logs_a_broker_outage_once_a_minute(
    settings: Settings, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    nobody = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="festival.health"):
        with TestClient(create_app(settings.with_(redis_url=nobody), clock=clock)) as client:
            for _ in range(13):  # 0 s to 120 s
                assert client.get("/readyz").status_code == 503
                clock.advance(10)

    lines = [r.getMessage() for r in caplog.records if r.name == "festival.health"]
    assert len(lines) == 3  # at 0 s, 60 s and 120 s
    assert all(line.startswith("readyz: the broker is ") for line in lines)
