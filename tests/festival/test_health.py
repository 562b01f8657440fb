import tzdata  # type: ignore[import-untyped]
from starlette.testclient import TestClient

from festival.app import create_app
from festival.settings import Settings
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
