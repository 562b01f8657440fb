"""Brokers for the contract tests: every implementation, over a real Redis where one is needed."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from realtime.broker.base import Broker
from realtime.broker.memory import MemoryBroker
from realtime.broker.redis import RedisBroker
from tests.redis_server import require_redis

IMPLEMENTATIONS = ["memory", "redis"]


def unique_prefix() -> str:
    """A channel prefix of its own per test, so tests sharing one Redis never see each other."""
    return f"test-{uuid.uuid4().hex[:12]}:"


async def started(broker: Broker) -> Broker:
    await broker.start()
    if isinstance(broker, RedisBroker):
        assert await broker.wait_connected(5.0), broker.status
    return broker


@pytest.fixture(params=IMPLEMENTATIONS)
async def broker_pair(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Broker, Broker]]:
    """Two processes' brokers on one bus; the in-process broker has one process, so a is b."""
    if request.param == "memory":
        only = await started(MemoryBroker())
        yield only, only
        await only.close()
        return
    url = require_redis()
    prefix = unique_prefix()
    a = await started(RedisBroker(url, prefix=prefix, client_name="test-a"))
    b = await started(RedisBroker(url, prefix=prefix, client_name="test-b"))
    yield a, b
    await a.close()
    await b.close()
