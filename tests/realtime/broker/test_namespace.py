"""One Redis, several deployments: each hears only its own rooms (realtime/broker/namespace.py).

Redis pub/sub ignores the database number, so two deployments on ``redis://host/1`` and
``redis://host/2`` share every channel unless their names differ. These tests run brokers made
the way the application makes them (``make_broker``) against a private redis-server.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from realtime.broker import Broker
from realtime.broker.choice import make_broker
from realtime.broker.namespace import is_namespace, redis_prefix
from realtime.broker.redis import RedisBroker
from realtime.channels import channel_for
from tests.redis_server import RedisServer

ROOM = "lobby-samefest-2027"  # the same room name in every deployment


async def until(condition: Callable[[], bool], what: str, timeout_seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} did not arrive within {timeout_seconds} s")
        await asyncio.sleep(0.005)


def on_database(url: str, database: int) -> str:
    """``url`` (``redis://host:port/0``) pointed at another database number."""
    return url.rsplit("/", 1)[0] + f"/{database}"


@pytest.fixture
async def brokers() -> AsyncIterator[list[RedisBroker]]:
    made: list[RedisBroker] = []
    yield made
    for broker in made:
        await broker.close()


async def deployment(
    made: list[RedisBroker], url: str, namespace: str | None = None
) -> RedisBroker:
    broker = make_broker(url, namespace)
    assert isinstance(broker, RedisBroker)
    made.append(broker)
    await broker.start()
    assert await broker.wait_connected(5.0), broker.status
    return broker


def test_redis_prefix_without_namespace_is_unique_per_database() -> None:
    assert redis_prefix("redis://h:6379/0") == "festival:"  # the prefix from before namespaces
    assert redis_prefix("redis://h:6379") == "festival:"
    assert redis_prefix("redis://h:6379/1") == "festival:db1:"
    assert redis_prefix("rediss://u:p@h:6380/12") == "festival:db12:"
    assert redis_prefix("redis://h:6379?db=3") == "festival:db3:"
    assert redis_prefix("unix:///run/redis.sock?db=4") == "festival:db4:"


def test_redis_prefix_with_namespace_keeps_the_database_apart_too() -> None:
    assert redis_prefix("redis://h:6379/0", "blue") == "festival:blue:"
    assert redis_prefix("redis://h:6379/2", "blue") == "festival:blue:db2:"
    assert redis_prefix("redis://h:6379/0", "Team_2.staging-eu") == "festival:Team_2.staging-eu:"


@pytest.mark.parametrize(
    "namespace",
    ["", "a:b", "{x}", "a b", "-blue", ".blue", "é", "x" * 65, "db2", "db0", "DB7"],
)
def test_redis_prefix_refuses_a_namespace_that_could_collide(namespace: str) -> None:
    """Colons and braces would blur the key layout; ``db<N>`` is what another database's
    deployment uses by default."""
    assert not is_namespace(namespace)
    with pytest.raises(ValueError, match="REDIS_NAMESPACE"):
        redis_prefix("redis://h:6379/0", namespace)


@pytest.mark.parametrize("namespace", ["blue", "x" * 64, "db", "dbx", "db2a", "0"])
def test_redis_prefix_accepts_a_plain_namespace(namespace: str) -> None:
    assert is_namespace(namespace)
    assert redis_prefix("redis://h:6379/0", namespace) == f"festival:{namespace}:"


def test_make_broker_prefixes_every_channel_and_key_with_the_deployment() -> None:
    chosen = make_broker("redis://127.0.0.1:1/3", "blue")
    assert isinstance(chosen, RedisBroker)
    assert (chosen.prefix, chosen.shared.prefix) == (b"festival:blue:db3:", "festival:blue:db3:")


async def exchange(one: Broker, two: Broker) -> tuple[list[bytes], list[bytes]]:
    """Both subscribe to ROOM's channel and publish in turn. Returns what each has heard.

    Each publish is acknowledged (Redis has queued it for every subscriber) before the next is
    sent, and a subscription delivers in that order: once a broker has heard its own fence it
    has heard everything published before it that it was going to hear.
    """
    channel = channel_for(ROOM)
    heard_one: list[bytes] = []
    heard_two: list[bytes] = []
    await one.subscribe(channel, heard_one.append)
    await two.subscribe(channel, heard_two.append)
    turns = [(one, b"one hello"), (two, b"two hello"), (one, b"one fence"), (two, b"two fence")]
    for broker, message in turns:
        await broker.publish(channel, message)
    await until(lambda: b"one fence" in heard_one, "one's own fence")
    await until(lambda: b"two fence" in heard_two, "two's own fence")
    return heard_one, heard_two


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param((1, None), (2, None), id="two-databases"),
        pytest.param((0, "blue"), (0, "green"), id="one-database-two-namespaces"),
        pytest.param((5, "blue"), (6, "blue"), id="one-namespace-two-databases"),
    ],
)
async def test_deployments_sharing_a_redis_never_hear_each_other(
    private_redis: RedisServer,
    brokers: list[RedisBroker],
    first: tuple[int, str | None],
    second: tuple[int, str | None],
) -> None:
    one = await deployment(brokers, on_database(private_redis.url, first[0]), first[1])
    two = await deployment(brokers, on_database(private_redis.url, second[0]), second[1])
    heard_one, heard_two = await exchange(one, two)
    assert heard_one == [b"one hello", b"one fence"]
    assert heard_two == [b"two hello", b"two fence"]
    # Their keys are apart too: each deployment holds the room's write lease, and the one
    # connection slot of an address.
    assert (await one.shared.claim(ROOM)).granted
    assert (await two.shared.claim(ROOM)).granted
    slots = [await broker.shared.hold("address:a", 1) for broker in (one, two)]
    assert slots == [True, True]


async def test_workers_of_one_deployment_hear_each_other(
    private_redis: RedisServer, brokers: list[RedisBroker]
) -> None:
    """The control for the test above: same database and namespace, one deployment."""
    url = on_database(private_redis.url, 1)
    one = await deployment(brokers, url, "blue")
    two = await deployment(brokers, url, "blue")
    heard_one, heard_two = await exchange(one, two)
    await until(lambda: len(heard_one) == 4, "two's fence at one")
    everything = [b"one hello", b"two hello", b"one fence", b"two fence"]
    assert heard_one == heard_two == everything
    assert (await one.shared.claim(ROOM)).granted
    assert not (await two.shared.claim(ROOM)).granted
    slots = [await broker.shared.hold("address:a", 1) for broker in (one, two)]
    assert slots == [True, False]
