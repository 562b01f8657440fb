"""`festival serve` runs uvicorn with the rooms' WebSocket protocol, deflate and backlog
(festival/cli.py SERVER_OPTIONS; festival/transport.py), with one worker and with many."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from uvicorn.config import Config

from festival import cli
from festival.settings import Settings
from festival.transport import RoomWebSocketProtocol


@pytest.mark.parametrize("workers", [1, 3])
def test_serve_starts_uvicorn_with_the_rooms_protocol(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    monkeypatch.setattr(cli, "_check_port", lambda host, port: None)
    monkeypatch.setattr(cli, "_check_database", lambda settings: None)
    settings = Settings.from_env(
        {"SECRET_KEY": "s" * 32, "METRICS_DIR": "/tmp", "REDIS_URL": "redis://127.0.0.1:6379/5"}
    )
    # Many workers read DATABASE_URL from the environment: set here, undone after the test.
    monkeypatch.setenv("DATABASE_URL", settings.database_url)

    cli._serve(settings, "127.0.0.1", 8000, workers)

    [options] = calls
    assert options["ws"] == "festival.transport:RoomWebSocketProtocol"
    assert options["ws_per_message_deflate"] is True
    assert options["backlog"] == 4096
    config = Config("festival.app:asgi", ws=options["ws"])
    config.load()
    assert config.ws_protocol_class is RoomWebSocketProtocol
