"""Rate limits shared by the workers: one bucket per room, action and identity in a real Redis,
whichever worker the commands arrive on."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from realtime.broker.redis_shared import RedisShared
from realtime.broker.shared import LocalShared
from realtime.errors import RateLimitedError
from realtime.identity import Identity
from realtime.limits import Limits, Rate
from realtime.quota import take_shared
from tests.realtime.broker.conftest import unique_prefix
from tests.redis_server import require_redis

ANA = Identity("g:ana", "ana")
HOST = Identity("u:host", "Host", moderator=True)
TIGHT = Limits(chat=Rate(2, 0.001), moderate=Rate(1, 0.001))


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    connection = Redis.from_url(require_redis(), protocol=2)
    yield connection
    await connection.aclose()


async def spent(shared: RedisShared | LocalShared, who: Identity, kind: str, times: int) -> int:
    """How many of ``times`` commands got through before ``rate.limited``."""
    for n in range(times):
        try:
            await take_shared(shared, TIGHT, "lobby-test", who, kind)
        except RateLimitedError as limited:
            assert limited.code == "rate.limited" and limited.retry_after_seconds > 0
            return n
    return times


async def test_quota_one_bucket_for_an_identity_across_workers(redis_client: Redis) -> None:
    prefix = unique_prefix()
    one, two = RedisShared(redis_client, prefix, "one"), RedisShared(redis_client, prefix, "two")
    assert await spent(one, ANA, "chat.send", 1) == 1
    assert await spent(two, ANA, "chat.send", 5) == 1  # the burst of 2 is spent across both
    assert await spent(two, HOST, "chat.send", 5) == 1  # moderators: their own bucket, of 1
    assert await spent(one, ANA, "ping", 5) == 5  # no bucket for this type


async def test_quota_nothing_to_share_alone_unlimited_or_unreachable(redis_client: Redis) -> None:
    assert await spent(LocalShared(), ANA, "chat.send", 5) == 5
    unreachable = RedisShared(redis_client, unique_prefix(), "one", available=lambda: False)
    assert await spent(unreachable, ANA, "chat.send", 5) == 5  # the local buckets still hold
    shared = RedisShared(redis_client, unique_prefix(), "one")
    for _ in range(5):
        await take_shared(shared, Limits.unlimited(), "lobby-test", ANA, "chat.send")
