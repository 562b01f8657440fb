"""Write leases, presence and rate limits shared between workers through a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from realtime.broker.redis_shared import RedisShared
from realtime.broker.shared import Claim, LocalShared
from realtime.broker.status import BrokerUnavailableError
from tests.realtime.broker.conftest import unique_prefix
from tests.redis_server import RedisServer, require_redis


@pytest.fixture
async def client() -> AsyncIterator[Redis]:
    connection = Redis.from_url(require_redis(), protocol=2)
    yield connection
    await connection.aclose()


@pytest.fixture
def prefix() -> str:
    return unique_prefix()


def worker(client: Redis, prefix: str, name: str, **options: int) -> RedisShared:
    return RedisShared(client, prefix=prefix, worker=name, **options)


async def test_lease_is_held_by_one_worker_at_a_time(client: Redis, prefix: str) -> None:
    one, two = worker(client, prefix, "one"), worker(client, prefix, "two")
    assert await one.claim("session-a") == Claim(granted=True, head=None)
    assert await two.claim("session-a") == Claim(granted=False, head=None)
    assert await one.claim("session-a") == Claim(granted=True, head=None, extended=True)
    assert await two.claim("session-b") == Claim(granted=True, head=None)  # rooms are separate
    await one.release("session-a", 5)
    assert await two.claim("session-a") == Claim(granted=True, head=5)


async def test_lease_head_only_moves_forward(client: Redis, prefix: str) -> None:
    one = worker(client, prefix, "one")
    await one.release("session-a", 9)
    await one.release("session-a", 7)  # a late holder whose lease had expired
    assert await one.claim("session-a") == Claim(granted=True, head=9)


async def test_lease_expires_when_its_holder_stops(client: Redis, prefix: str) -> None:
    one = worker(client, prefix, "one", lease_ms=100)
    two = worker(client, prefix, "two", lease_ms=100)
    assert (await one.claim("session-a")).granted
    assert not (await two.claim("session-a")).granted
    await asyncio.sleep(0.25)
    assert (await two.claim("session-a")).granted


async def test_presence_counts_people_once_across_workers(client: Redis, prefix: str) -> None:
    one, two = worker(client, prefix, "one"), worker(client, prefix, "two")
    assert await one.presence("session-a", {"g:a": "Ana", "g:b": "Bo"}, [], 2) == 2
    assert await two.presence("session-a", {"g:b": "Bo", "g:c": "Cy"}, [], 2) == 3
    assert await one.presence("session-a", {}, ["g:a"], 1) == 2
    assert await two.presence("session-a", {}, ["g:b", "g:c"], 0) == 1
    assert await one.who("session-a", 10) == {"g:b": "Bo"}


async def test_presence_forgets_a_dead_worker_within_its_ttl(client: Redis, prefix: str) -> None:
    alive = worker(client, prefix, "alive", presence_ttl_seconds=1)
    dead = worker(client, prefix, "dead", presence_ttl_seconds=1)
    await alive.presence("session-a", {"g:a": "Ana"}, [], 1)
    assert await dead.presence("session-a", {"g:b": "Bo", "g:c": "Cy"}, [], 2) == 3
    # "dead" never reports again; "alive" keeps reporting once a second, as a room does.
    counts = []
    for _ in range(3):
        await asyncio.sleep(0.6)
        counts.append(await alive.presence("session-a", {}, [], 1))
    assert counts[-1] == 1
    assert await alive.who("session-a", 10) == {"g:a": "Ana"}


async def test_presence_who_is_limited(client: Redis, prefix: str) -> None:
    one = worker(client, prefix, "one")
    people = {f"g:{n}": f"Person {n}" for n in range(20)}
    assert await one.presence("session-a", people, [], 20) == 20
    found = await one.who("session-a", 5)
    assert len(found) == 5
    assert all(people[identity] == name for identity, name in found.items())


async def test_rate_bucket_is_shared_by_every_worker(client: Redis, prefix: str) -> None:
    one, two = worker(client, prefix, "one"), worker(client, prefix, "two")
    waits = []
    for shared in (one, two, one, two):
        waits.append(await shared.take("session-a:chat:g:ana", 3, 0.5))
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 1.5 < waits[3] <= 2.0  # a fourth message needs a token: ~2 s at 0.5 per second


#: Every shared operation, called once (name -> call).
OPERATIONS: dict[str, Callable[[RedisShared], Awaitable[object]]] = {
    "claim": lambda s: s.claim("session-a"),
    "release": lambda s: s.release("session-a", 1),
    "presence": lambda s: s.presence("session-a", {"g:a": "Ana"}, [], 1),
    "who": lambda s: s.who("session-a", 10),
    "take": lambda s: s.take("k", 1, 1),
    "hold": lambda s: s.hold("k", 1),
    "let_go": lambda s: s.let_go("k"),
    "renew": lambda s: s.renew({"k": 1}),
}


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_shared_refuses_while_redis_is_not_connected(
    client: Redis, prefix: str, operation: str
) -> None:
    down = RedisShared(client, prefix=prefix, worker="w", available=lambda: False)
    with pytest.raises(BrokerUnavailableError, match="Redis is not connected"):
        await OPERATIONS[operation](down)


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_shared_fails_as_unavailable_when_redis_is_unreachable(
    prefix: str, operation: str
) -> None:
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", protocol=2)  # nothing listens there
    try:
        shared = RedisShared(unreachable, prefix=prefix, worker="w", timeout_seconds=2)
        with pytest.raises(BrokerUnavailableError, match="^Redis: ConnectionError"):
            await OPERATIONS[operation](shared)
    finally:
        await unreachable.aclose()


async def test_shared_renewing_nothing_needs_no_redis(client: Redis, prefix: str) -> None:
    down = RedisShared(client, prefix=prefix, worker="w", available=lambda: False)
    assert await down.renew({}) is None


async def test_presence_report_waiting_when_the_broker_closes_fails_as_unavailable(
    private_redis: RedisServer,
) -> None:
    frozen = Redis.from_url(private_redis.url, protocol=2)
    shared = RedisShared(frozen, worker="w", timeout_seconds=30)
    private_redis.pause()
    try:
        waiting = asyncio.ensure_future(shared.presence("session-a", {"g:a": "Ana"}, [], 1))
        await asyncio.sleep(0.2)  # its pipeline is waiting for Redis's reply
        await shared.close()
        with pytest.raises(BrokerUnavailableError, match="^the broker is closed$"):
            await asyncio.wait_for(waiting, 5.0)
    finally:
        private_redis.resume()
        await frozen.aclose()


async def test_presence_script_error_fails_only_its_own_report(client: Redis, prefix: str) -> None:
    """A room whose key holds something else (an operator's mistake) fails its own report as
    unavailable; the other rooms' reports in the same pipeline are answered."""
    shared = worker(client, prefix, "one")
    await client.set(f"{prefix}{{room:session-broken}}:workers", "not a sorted set")
    broken, fine = await asyncio.gather(
        shared.presence("session-broken", {"g:a": "Ana"}, [], 1),
        shared.presence("session-fine", {"g:b": "Bo"}, [], 1),
        return_exceptions=True,
    )
    assert isinstance(broken, BrokerUnavailableError)
    assert str(broken).startswith("Redis: ResponseError: ")
    assert fine == 1


async def test_presence_reports_of_one_iteration_share_one_round_trip(
    client: Redis, prefix: str
) -> None:
    one, two = worker(client, prefix, "one"), worker(client, prefix, "two")
    rooms = [f"session-{n}" for n in range(50)]
    await asyncio.gather(*(two.presence(r, {"g:zed": "Zed"}, [], 1) for r in rooms))
    pipelines = 0
    make_pipeline = client.pipeline

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal pipelines
        pipelines += 1
        return make_pipeline(*args, **kwargs)

    client.pipeline = counting  # type: ignore[method-assign]
    people = [{f"g:{m}": f"P{m}" for m in range(n % 5)} for n in range(len(rooms))]
    counts = await asyncio.gather(
        *(one.presence(r, joined, [], len(joined)) for r, joined in zip(rooms, people, strict=True))
    )
    assert pipelines == 1
    assert counts == [len(joined) + 1 for joined in people]  # theirs, and Zed on worker two


async def test_presence_batch_fails_for_each_caller_when_redis_is_unreachable(
    prefix: str,
) -> None:
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", protocol=2)  # nothing listens there
    try:
        shared = RedisShared(unreachable, prefix=prefix, worker="w", timeout_seconds=2)
        outcomes = await asyncio.gather(
            *(shared.presence(f"session-{n}", {"g:a": "Ana"}, [], 1) for n in range(3)),
            return_exceptions=True,
        )
    finally:
        await unreachable.aclose()
    assert [type(o) for o in outcomes] == [BrokerUnavailableError] * 3
    assert all("Redis: ConnectionError" in str(o) for o in outcomes)


async def test_presence_caller_that_stops_waiting_leaves_the_others_answered(
    client: Redis, prefix: str
) -> None:
    shared = worker(client, prefix, "one")
    gone = asyncio.ensure_future(shared.presence("session-gone", {"g:a": "Ana"}, [], 1))
    kept = asyncio.ensure_future(shared.presence("session-kept", {"g:b": "Bo"}, [], 1))
    await asyncio.sleep(0)  # both queued for the same pipeline
    gone.cancel()
    assert await kept == 1
    assert gone.cancelled()


async def test_local_shared_is_exclusive_and_counts_locally() -> None:
    local = LocalShared()
    assert await local.claim("session-a") == Claim(granted=True, exclusive=True)
    assert await local.presence("session-a", {"g:a": "Ana"}, [], 4) == 4
    assert await local.take("k", 1, 1) == 0.0


async def test_local_shared_leaves_slots_and_people_to_the_one_process() -> None:
    """One process counts its own connection slots and knows its own people: nothing shared
    refuses, and nothing is reported back."""
    local = LocalShared()
    assert [await local.hold("address:a", 1) for _ in range(3)] == [True, True, True]
    assert await local.let_go("address:a") is None
    assert await local.renew({"address:a": 2}) is None
    assert await local.release("session-a", 7) is None
    assert await local.who("session-a", 10) == {}
    assert local.hold_seconds == local.lease_seconds == float("inf")


async def test_slots_are_counted_across_workers_up_to_the_limit(client: Redis, prefix: str) -> None:
    one, two = worker(client, prefix, "one"), worker(client, prefix, "two")
    held = [await shared.hold("address:a", 3) for shared in (one, two, one, two)]
    assert held == [True, True, True, False]
    await one.let_go("address:a")
    assert await two.hold("address:a", 3) is True
    assert await two.hold("address:a", 3) is False
    assert await one.hold("address:b", 3) is True  # keys are separate
