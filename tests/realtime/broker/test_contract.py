"""The broker contract, run against every implementation (see realtime/broker/base.py).

Each test runs on the in-process broker and on Redis (a real server: TEST_REDIS_URL). ``a`` and
``b`` are the brokers of two processes on one bus; the in-process broker serves one process,
so there they are the same object.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from realtime.broker import Broker, BrokerState, MemoryBroker, RedisBroker, make_broker
from tests.realtime.broker.conftest import unique_prefix


@pytest.fixture
def broker(broker_pair: tuple[Broker, Broker]) -> Broker:
    """One process's broker (each implementation in turn, through ``broker_pair``)."""
    return broker_pair[0]


async def until(condition: Callable[[], bool], timeout_seconds: float = 5.0) -> None:
    """Wait (bounded) for a delivery over the network; in-process delivery is already done."""
    deadline = asyncio.get_running_loop().time() + timeout_seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return
        await asyncio.sleep(0.005)


async def settle(a: Broker) -> None:
    """Wait until everything published before now by ``a`` has been delivered (a fence)."""
    fence: list[bytes] = []
    channel = "fence:" + unique_prefix()
    await a.subscribe(channel, fence.append)
    await a.publish(channel, b"fence")
    await until(lambda: fence == [b"fence"])
    await a.unsubscribe(channel)


async def test_broker_delivers_in_publish_order(broker_pair: tuple[Broker, Broker]) -> None:
    a, b = broker_pair
    got: list[bytes] = []
    await b.subscribe("room:a", got.append)
    for n in range(200):
        await a.publish("room:a", b"%d" % n)
    await until(lambda: len(got) >= 200)
    assert got == [b"%d" % n for n in range(200)]


async def test_broker_keeps_order_of_concurrent_publishes(
    broker_pair: tuple[Broker, Broker],
) -> None:
    a, b = broker_pair
    got: list[bytes] = []
    await b.subscribe("room:a", got.append)
    await asyncio.gather(*(a.publish("room:a", b"%d" % n) for n in range(500)))
    await until(lambda: len(got) >= 500)
    assert got == [b"%d" % n for n in range(500)]


async def test_broker_delivers_to_every_process(broker_pair: tuple[Broker, Broker]) -> None:
    a, b = broker_pair
    at_a: list[bytes] = []
    at_b: list[bytes] = []
    await a.subscribe("room:a", at_a.append)
    await b.subscribe("room:a", at_b.append)
    await a.publish("room:a", b"from a")
    await b.publish("room:a", b"from b")
    expected = 1 if a is b else 2  # one process: one handler per channel (b's replaced a's)
    await until(lambda: len(at_b) >= expected)
    await settle(a)
    if a is b:
        assert (at_a, at_b) == ([], [b"from a", b"from b"])
    else:
        assert (at_a, at_b) == ([b"from a", b"from b"], [b"from a", b"from b"])


async def test_broker_channels_are_separate(broker: Broker) -> None:
    a: list[bytes] = []
    b: list[bytes] = []
    await broker.subscribe("room:a", a.append)
    await broker.subscribe("room:b", b.append)
    await broker.publish("room:a", b"for a")
    await broker.publish("room:b", b"for b")
    await until(lambda: len(a) + len(b) >= 2)
    await settle(broker)
    assert (a, b) == ([b"for a"], [b"for b"])


async def test_broker_unsubscribe_stops_delivery(broker_pair: tuple[Broker, Broker]) -> None:
    a, b = broker_pair
    got: list[bytes] = []
    await b.subscribe("room:a", got.append)
    await a.publish("room:a", b"1")
    await until(lambda: got == [b"1"])
    await b.unsubscribe("room:a")
    await a.publish("room:a", b"2")
    await b.unsubscribe("room:never")
    await settle(a)
    await settle(b)
    assert got == [b"1"]


async def test_broker_subscribe_after_unsubscribe_delivers_again(
    broker_pair: tuple[Broker, Broker],
) -> None:
    a, b = broker_pair
    got: list[bytes] = []
    await b.subscribe("room:a", got.append)
    await b.unsubscribe("room:a")
    await b.subscribe("room:a", got.append)
    await a.publish("room:a", b"back")
    await until(lambda: got == [b"back"])
    await settle(a)
    assert got == [b"back"]


async def test_broker_resubscribe_replaces_the_handler(broker_pair: tuple[Broker, Broker]) -> None:
    a, b = broker_pair
    first: list[bytes] = []
    second: list[bytes] = []
    await b.subscribe("room:a", first.append)
    await b.subscribe("room:a", second.append)
    await a.publish("room:a", b"x")
    await until(lambda: second == [b"x"])
    await settle(a)
    assert (first, second) == ([], [b"x"])


async def test_broker_publish_without_subscribers_is_dropped(
    broker_pair: tuple[Broker, Broker],
) -> None:
    a, b = broker_pair
    await a.publish("room:nobody", b"lost")
    await settle(a)
    got: list[bytes] = []
    await b.subscribe("room:nobody", got.append)
    await a.publish("room:nobody", b"kept")
    await until(lambda: got == [b"kept"])
    await settle(a)
    assert got == [b"kept"]


async def test_broker_close_drops_every_subscription(broker_pair: tuple[Broker, Broker]) -> None:
    a, b = broker_pair
    got: list[bytes] = []
    await b.subscribe("room:a", got.append)
    await b.subscribe("room:b", got.append)
    await b.close()
    await b.start()
    await b.publish("room:a", b"after close")
    await b.publish("room:b", b"after close")
    if a is not b:
        await a.publish("room:a", b"after close")
    await settle(b)
    assert got == []


async def test_broker_reports_connected_once_started(broker: Broker) -> None:
    assert (broker.status.state, broker.status.connected) == (BrokerState.CONNECTED, True)


async def test_broker_shared_lease_is_granted_to_a_single_worker(broker: Broker) -> None:
    claim = await broker.shared.claim("session-contract")
    assert claim.granted
    await broker.shared.release("session-contract", 3)


def test_broker_is_chosen_from_configuration() -> None:
    assert isinstance(make_broker(None), MemoryBroker)
    chosen = make_broker("redis://127.0.0.1:6379/0")
    assert isinstance(chosen, RedisBroker)
    assert chosen.prefix == b"festival:"
