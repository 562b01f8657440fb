"""Fixtures for the realtime tests that need Redis servers of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.redis_server import RedisServer, require_redis_server


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own on a free loopback port (stopped at the end)."""
    server = RedisServer(tmp_path, require_redis_server())
    server.start()
    yield server
    server.stop()
