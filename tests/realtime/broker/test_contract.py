"""The broker contract, run against every implementation (see realtime/broker/base.py).

Each test runs on the in-process broker and on Redis (a real server: TEST_REDIS_URL). ``a`` and
``b`` are the brokers of two processes on one bus; the in-process broker serves one process,
so there they are the same object.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from realtime.broker import Broker, BrokerState, MemoryBroker
from realtime.broker.choice import make_broker
from realtime.broker.redis import RedisBroker
from realtime.broker.shared import Claim
from tests.realtime.broker.conftest import unique_prefix


@pytest.fixture
def broker(broker_pair: tuple[Broker, Broker]) -> Broker:
    """One process's broker (each implementation in turn, through ``broker_pair``)."""
    return broker_pair[0]


async def until(condition: Callable[[], bool], what: str, timeout_seconds: float = 5.0) -> None:
    """Wait (bounded) for a delivery over the network; in-process delivery is already done.

    Fails the test when ``what`` has not arrived in time: a broker that delivers nothing must
    not pass a test that only asserts that something was *not* delivered.
    """
    deadline = asyncio.get_running_loop().time() + timeout_seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} did not arrive within {timeout_seconds} s")
        await asyncio.sleep(0.005)


async def settle(a: Broker) -> None:
    """Wait until everything published before now by ``a`` has been delivered (a fence).

    ``a``'s fence goes through the same server and subscription as anything published before
    it, so once the fence is back, whatever was going to arrive has arrived.
    """
    fence: list[bytes] = []
    channel = "fence:" + unique_prefix()
    await a.subscribe(channel, fence.append)
    await a.publish(channel, b"fence")
    await until(lambda: fence == [b"fence"], "the fence")
    await a.unsubscribe(channel)


async def test_broker_delivers_in_publish_order(broker_pair: tuple[Broker, Broker]) -> None:
    a, b = broker_pair
    got: list[bytes] = []
    await b.subscribe("room:a", got.append)
    for n in range(200):
        await a.publish("room:a", b"%d" % n)
    await until(lambda: len(got) >= 200, "200 messages")
    assert got == [b"%d" % n for n in range(200)]


async def test_broker_keeps_order_of_concurrent_publishes(
    broker_pair: tuple[Broker, Broker],
) -> None:
    a, b = broker_pair
    got: list[bytes] = []
    await b.subscribe("room:a", got.append)
    await asyncio.gather(*(a.publish("room:a", b"%d" % n) for n in range(500)))
    await until(lambda: len(got) >= 500, "500 messages")
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
    await until(lambda: len(at_b) >= expected, "both messages at b")
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
    await until(lambda: len(a) + len(b) >= 2, "both messages")
    await settle(broker)
    assert (a, b) == ([b"for a"], [b"for b"])


async def test_broker_unsubscribe_stops_delivery(broker_pair: tuple[Broker, Broker]) -> None:
    a, b = broker_pair
    got: list[bytes] = []
    await b.subscribe("room:a", got.append)
    await a.publish("room:a", b"1")
    await until(lambda: got == [b"1"], "the first message")
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
    await until(lambda: got == [b"back"], "the message after resubscribing")
    await settle(a)
    assert got == [b"back"]


async def test_broker_resubscribe_replaces_the_handler(broker_pair: tuple[Broker, Broker]) -> None:
    a, b = broker_pair
    first: list[bytes] = []
    second: list[bytes] = []
    await b.subscribe("room:a", first.append)
    await b.subscribe("room:a", second.append)
    await a.publish("room:a", b"x")
    await until(lambda: second == [b"x"], "the message at the new handler")
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
    await until(lambda: got == [b"kept"], "the message with a subscriber")
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


async def test_broker_delivers_again_after_close_and_start(
    broker_pair: tuple[Broker, Broker],
) -> None:
    a, b = broker_pair
    await b.subscribe("room:a", [].append)
    await b.close()
    await b.start()
    got: list[bytes] = []
    await b.subscribe("room:a", got.append)
    await a.publish("room:a", b"from a")
    await b.publish("room:a", b"from b")
    await until(lambda: len(got) >= 2, "both messages after the restart")
    assert got == [b"from a", b"from b"]


async def test_broker_reports_connected_once_started(broker: Broker) -> None:
    assert (broker.status.state, broker.status.connected) == (BrokerState.CONNECTED, True)


async def test_broker_shared_lease_is_held_by_one_worker_until_released(
    broker_pair: tuple[Broker, Broker],
) -> None:
    a, b = broker_pair
    room = "session-" + unique_prefix().strip(":")
    if not a.shared.distributed:  # one process: the only writer there can be, every time
        assert await a.shared.claim(room) == Claim(granted=True, exclusive=True)
        await a.shared.release(room, 3)
        assert await b.shared.claim(room) == Claim(granted=True, exclusive=True)
        return
    assert await a.shared.claim(room) == Claim(granted=True, head=None)
    assert await b.shared.claim(room) == Claim(granted=False, head=None)
    assert await a.shared.claim(room) == Claim(granted=True, head=None, extended=True)
    await a.shared.release(room, 3)
    assert await b.shared.claim(room) == Claim(granted=True, head=3)
    assert await a.shared.claim(room) == Claim(granted=False, head=3)


def test_broker_is_chosen_from_configuration() -> None:
    assert isinstance(make_broker(None), MemoryBroker)
    chosen = make_broker("redis://127.0.0.1:6379/0")
    assert isinstance(chosen, RedisBroker)
    assert chosen.prefix == b"festival:"
