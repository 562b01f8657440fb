"""What every response says about itself: JSON with its charset (docs/api.md), 405 with Allow."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from festival.app import create_app
from festival.settings import Settings

EDITION = "learningplanet-2027"
JSON = "application/json; charset=utf-8"


def test_every_json_response_names_its_charset(demo_client: TestClient) -> None:
    uid = demo_client.get(f"/api/editions/{EDITION}/sessions").json()["sessions"][0]["uid"]
    responses = {
        "list": demo_client.get("/api/editions"),
        "detail": demo_client.get(f"/api/sessions/{uid}"),
        "400": demo_client.get(f"/api/editions/{EDITION}/sessions", params={"tz": "Mars/X"}),
        "404": demo_client.get("/api/no/such/thing"),
        "405": demo_client.delete("/api/editions"),
        "healthz": demo_client.get("/healthz"),
        "readyz": demo_client.get("/readyz"),
        "c3voc export": demo_client.get(f"/editions/{EDITION}/schedule.json"),
        "error asked as JSON": demo_client.get(
            "/no/such/page", headers={"accept": "application/json"}
        ),
    }

    assert {label: r.headers["content-type"] for label, r in responses.items()} == {
        label: JSON for label in responses
    }
    assert [r.status_code for r in responses.values()] == [
        200,
        200,
        400,
        404,
        405,
        200,
        200,
        200,
        404,
    ]


def test_a_json_server_error_names_its_charset(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'festival.db'}",
        secret_key="test-secret-key-not-for-production",
        secret_key_generated=False,
        check_migrations=False,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/api/editions")

    assert response.status_code == 500
    assert response.headers["content-type"] == JSON
    assert response.json()["error"]["code"] == "server.error"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/programme", "GET, HEAD"),
        ("DELETE", "/api/editions", "GET, HEAD"),
        # Two routes share this path (the form and the upload): both methods are allowed.
        ("PUT", "/admin/import", "GET, HEAD, POST"),
        ("GET", "/admin/logout", "POST"),
        ("GET", "/agenda/save", "POST"),
        ("POST", "/static/css/site.css", "GET, HEAD"),
    ],
)
def test_a_405_says_which_methods_are_allowed(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allow
