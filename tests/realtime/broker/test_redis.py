"""The Redis broker under faults, against a private redis-server each test stops and starts."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable

import pytest
import redis

from realtime.broker.redis import RedisBroker
from realtime.broker.status import BrokerState, BrokerStatus, BrokerUnavailableError
from tests.redis_server import RedisServer, require_redis, require_redis_server

FAST = {
    "heartbeat_seconds": 0.1,
    "dead_after_seconds": 0.5,
    "connect_timeout_seconds": 0.5,
    "command_timeout_seconds": 1.0,
    "backoff_base_seconds": 0.02,
    "backoff_cap_seconds": 0.2,
}


async def until(condition: Callable[[], bool], timeout_seconds: float = 10.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout_seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


class Recorder:
    """Collects a broker's state changes, as the application's callback would."""

    def __init__(self) -> None:
        self.states: list[BrokerState] = []

    def __call__(self, status: BrokerStatus) -> None:
        self.states.append(status.state)


@pytest.fixture
async def watched(private_redis: RedisServer) -> AsyncIterator[tuple[RedisBroker, Recorder]]:
    recorder = Recorder()
    broker = RedisBroker(private_redis.url, on_state_change=recorder, **FAST)  # type: ignore[arg-type]
    await broker.start()
    assert await broker.wait_connected(5.0)
    yield broker, recorder
    await broker.close()


def test_redis_broker_backoff_doubles_to_the_cap_with_jitter() -> None:
    low = RedisBroker("redis://127.0.0.1:1/0", backoff_base_seconds=0.1, backoff_cap_seconds=1.0,
                      jitter=lambda: 0.0)  # fmt: skip
    high = RedisBroker("redis://127.0.0.1:1/0", backoff_base_seconds=0.1, backoff_cap_seconds=1.0,
                       jitter=lambda: 1.0)  # fmt: skip
    assert [low.backoff_seconds(n) for n in range(6)] == [0.05, 0.1, 0.2, 0.4, 0.5, 0.5]
    assert [high.backoff_seconds(n) for n in range(6)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]


async def test_redis_broker_reports_disconnect_and_refuses_to_publish(
    private_redis: RedisServer, watched: tuple[RedisBroker, Recorder]
) -> None:
    broker, recorder = watched
    private_redis.stop()
    assert await until(lambda: broker.status.state is BrokerState.RECONNECTING)
    with pytest.raises(BrokerUnavailableError, match="Redis is reconnecting"):
        await broker.publish("room:a", b"not carried")
    assert recorder.states == [
        BrokerState.CONNECTING,
        BrokerState.CONNECTED,
        BrokerState.RECONNECTING,
    ]
    assert broker.status.error is not None


async def test_redis_broker_reconnects_resubscribes_and_delivers_again(
    private_redis: RedisServer, watched: tuple[RedisBroker, Recorder]
) -> None:
    broker, recorder = watched
    got: list[bytes] = []
    await broker.subscribe("room:a", got.append)
    await broker.subscribe("room:b", got.append)
    await broker.publish("room:a", b"before")
    assert await until(lambda: got == [b"before"])
    private_redis.stop()
    assert await until(lambda: broker.status.state is BrokerState.RECONNECTING)
    await asyncio.sleep(0.5)  # several failed attempts, backing off
    private_redis.start()
    assert await until(lambda: broker.status.connected)
    await broker.publish("room:a", b"after a")
    await broker.publish("room:b", b"after b")
    assert await until(lambda: len(got) == 3)
    assert got == [b"before", b"after a", b"after b"]
    assert broker.status.reconnects == 1
    assert recorder.states == [
        BrokerState.CONNECTING,
        BrokerState.CONNECTED,
        BrokerState.RECONNECTING,
        BrokerState.CONNECTED,
    ]


async def test_redis_broker_detects_a_frozen_server_by_heartbeat(
    private_redis: RedisServer, watched: tuple[RedisBroker, Recorder]
) -> None:
    broker, _ = watched
    got: list[bytes] = []
    await broker.subscribe("room:a", got.append)
    private_redis.pause()  # the TCP connection stays up; only the heartbeat can tell
    try:
        assert await until(lambda: not broker.status.connected, timeout_seconds=5.0)
        assert broker.status.error == (
            "BrokerUnavailableError: no heartbeat reply from Redis in 0.5 s"
        )
    finally:
        private_redis.resume()
    assert await until(lambda: broker.status.connected)
    await broker.publish("room:a", b"thawed")
    assert await until(lambda: got == [b"thawed"])


async def test_redis_broker_starts_while_redis_is_down(tmp_path: object) -> None:
    require_redis_server()
    server = RedisServer(tmp_path, require_redis_server())  # type: ignore[arg-type]
    broker = RedisBroker(server.url, **FAST)  # type: ignore[arg-type]
    try:
        await broker.start()
        assert broker.status.state is BrokerState.CONNECTING
        got: list[bytes] = []
        await broker.subscribe("room:a", got.append)
        with pytest.raises(BrokerUnavailableError, match="Redis is connecting"):
            await broker.publish("room:a", b"no")
        assert not await broker.wait_connected(0.05)
        server.start()
        assert await until(lambda: broker.status.connected)
        await broker.publish("room:a", b"yes")
        assert await until(lambda: got == [b"yes"])
        assert broker.status.reconnects == 0
    finally:
        await broker.close()
        server.stop()


async def test_redis_broker_refuses_publishes_beyond_its_backlog() -> None:
    url = require_redis()
    broker = RedisBroker(url, prefix="test-backlog:", max_pending_publishes=1)
    await broker.start()
    try:
        results = await asyncio.gather(
            *(broker.publish("room:a", b"%d" % n) for n in range(3)), return_exceptions=True
        )
        assert [type(r).__name__ for r in results] == [
            "NoneType",
            "BrokerUnavailableError",
            "BrokerUnavailableError",
        ]
    finally:
        await broker.close()


async def test_redis_broker_keeps_delivering_after_a_handler_fails() -> None:
    url = require_redis()
    broker = RedisBroker(url, prefix="test-handler:")
    await broker.start()
    got: list[bytes] = []

    def fussy(message: bytes) -> None:
        if message == b"bad":
            raise ValueError("handler bug")
        got.append(message)

    try:
        await broker.subscribe("room:a", fussy)
        await broker.publish("room:a", b"bad")
        await broker.publish("room:a", b"good")
        assert await until(lambda: got == [b"good"])
    finally:
        await broker.close()


async def test_redis_broker_slow_consumer_is_cut_off_by_redis_not_buffered(
    private_redis: RedisServer,
) -> None:
    # A patient heartbeat, so that only Redis's output-buffer limit can cut the subscriber off.
    patient = FAST | {"dead_after_seconds": 60.0}
    errors: list[str | None] = []
    broker = RedisBroker(
        private_redis.url,
        on_state_change=lambda status: errors.append(status.error),
        **patient,  # type: ignore[arg-type]
    )
    await broker.start()
    sync = redis.Redis.from_url(private_redis.url)
    sync.config_set("client-output-buffer-limit", "pubsub 1048576 524288 1")
    got: list[int] = []
    blocked = threading.Event()

    def slow(message: bytes) -> None:
        got.append(len(message))
        if len(got) == 1:
            blocked.set()
            threading.Event().wait(3.0)  # a stalled process: the loop reads nothing for 3 s

    payload = b"x" * 1024
    flood = 32 * 1024  # 32 MiB while the subscriber is stalled: past the socket buffers too

    def publish() -> None:
        sync.publish("room:a", payload)
        blocked.wait(5.0)
        pipe = sync.pipeline(transaction=False)
        for _ in range(flood):
            pipe.publish("room:a", payload)
        pipe.execute()

    try:
        await broker.subscribe("room:a", slow)
        publisher = threading.Thread(target=publish)
        publisher.start()
        await asyncio.to_thread(publisher.join, 20.0)
        assert await until(lambda: broker.status.reconnects == 1, timeout_seconds=10.0)
        assert errors[2] is not None and errors[2].startswith("ConnectionError: ")  # cut off
        assert 1 <= len(got) < 1 + flood  # Redis dropped the backlog instead of us holding it
    finally:
        sync.close()
        await broker.close()


async def test_redis_broker_heartbeat_works_without_any_subscription(
    watched: tuple[RedisBroker, Recorder],
) -> None:
    broker, recorder = watched
    await asyncio.sleep(1.0)  # ten heartbeats with no channel: PING gets +PONG, not a push
    got: list[bytes] = []
    await broker.subscribe("room:a", got.append)
    await broker.unsubscribe("room:a")  # back to no channel at all
    await asyncio.sleep(1.0)
    assert broker.status.reconnects == 0
    assert recorder.states == [BrokerState.CONNECTING, BrokerState.CONNECTED]
    assert broker.status.lag_seconds is not None and broker.status.lag_seconds < 0.5


async def test_redis_broker_start_again_is_no_second_start(
    watched: tuple[RedisBroker, Recorder],
) -> None:
    broker, recorder = watched
    await broker.start()
    assert recorder.states == [BrokerState.CONNECTING, BrokerState.CONNECTED]
    assert broker.status.connected


async def test_redis_broker_keeps_working_when_its_state_callback_fails(
    private_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[BrokerState] = []

    def broken(status: BrokerStatus) -> None:
        seen.append(status.state)
        raise RuntimeError("callback bug")

    broker = RedisBroker(private_redis.url, on_state_change=broken, **FAST)  # type: ignore[arg-type]
    try:
        await broker.start()
        assert await broker.wait_connected(5.0)
        got: list[bytes] = []
        await broker.subscribe("room:a", got.append)
        await broker.publish("room:a", b"still carried")
        assert await until(lambda: got == [b"still carried"])
    finally:
        await broker.close()
    assert seen == [BrokerState.CONNECTING, BrokerState.CONNECTED, BrokerState.CLOSED]
    failures = [r for r in caplog.records if r.getMessage() == "on_state_change failed"]
    assert len(failures) == 3


async def test_redis_broker_second_subscribe_of_a_channel_waits_for_its_confirmation(
    private_redis: RedisServer,
) -> None:
    """Two rooms' starts racing for one channel: neither returns before Redis confirmed it."""
    patient = FAST | {"dead_after_seconds": 5.0, "command_timeout_seconds": 5.0}
    broker = RedisBroker(private_redis.url, **patient)  # type: ignore[arg-type]
    await broker.start()
    try:
        assert await broker.wait_connected(5.0)
        first: list[bytes] = []
        second: list[bytes] = []
        private_redis.pause()  # SUBSCRIBE goes out; its confirmation waits for the thaw
        try:
            one = asyncio.ensure_future(broker.subscribe("room:a", first.append))
            await asyncio.sleep(0.05)
            two = asyncio.ensure_future(broker.subscribe("room:a", second.append))
            await asyncio.sleep(0.3)
            assert (one.done(), two.done()) == (False, False)
        finally:
            private_redis.resume()
        await asyncio.wait_for(asyncio.gather(one, two), 5.0)
        await broker.publish("room:a", b"x")
        assert await until(lambda: second == [b"x"])
        assert first == []  # one handler per channel: the later one
    finally:
        await broker.close()


async def test_redis_broker_subscribe_to_a_frozen_server_gives_up_waiting_then_delivers(
    private_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A confirmation that does not come within command_timeout_seconds does not hold up the
    room that subscribed; once Redis answers again, the channel delivers."""
    quick = FAST | {"command_timeout_seconds": 0.3, "dead_after_seconds": 5.0}
    broker = RedisBroker(private_redis.url, **quick)  # type: ignore[arg-type]
    await broker.start()
    try:
        assert await broker.wait_connected(5.0)
        got: list[bytes] = []
        loop = asyncio.get_running_loop()
        private_redis.pause()
        try:
            started = loop.time()
            await asyncio.wait_for(broker.subscribe("room:a", got.append), 5.0)
            waited = loop.time() - started
        finally:
            private_redis.resume()
        assert 0.3 <= waited < 1.5
        assert "Redis did not confirm the subscription to room:a in time" in caplog.messages
        assert await until(lambda: broker.status.connected)
        await broker.publish("room:a", b"thawed")
        assert await until(lambda: got == [b"thawed"])
    finally:
        await broker.close()


async def test_redis_broker_subscribe_waiting_when_the_connection_dies_returns_then_delivers(
    private_redis: RedisServer,
) -> None:
    """The heartbeat declares the connection dead (0.5 s) long before the confirmation would
    time out (10 s): the subscribe waiting for it returns then, and the channel is subscribed
    again on the next connection."""
    watchful = FAST | {"command_timeout_seconds": 10.0}
    broker = RedisBroker(private_redis.url, **watchful)  # type: ignore[arg-type]
    await broker.start()
    try:
        assert await broker.wait_connected(5.0)
        got: list[bytes] = []
        loop = asyncio.get_running_loop()
        private_redis.pause()
        try:
            started = loop.time()
            await asyncio.wait_for(broker.subscribe("room:a", got.append), 5.0)
            waited = loop.time() - started
            assert broker.status.state is BrokerState.RECONNECTING
        finally:
            private_redis.resume()
        assert 0.5 <= waited < 3.0
        assert await until(lambda: broker.status.connected)
        await broker.publish("room:a", b"on the new connection")
        assert await until(lambda: got == [b"on the new connection"])
        assert broker.status.reconnects == 1
    finally:
        await broker.close()


async def test_redis_broker_lost_publisher_connection_fails_only_the_publish_in_flight(
    private_redis: RedisServer, watched: tuple[RedisBroker, Recorder]
) -> None:
    broker, recorder = watched
    got: list[bytes] = []
    await broker.subscribe("room:a", got.append)
    await broker.publish("room:a", b"before")
    assert await until(lambda: got == [b"before"])
    admin = redis.Redis.from_url(private_redis.url)
    try:  # every plain connection but this one: the publisher's (the subscriber's is pub/sub)
        assert admin.client_kill_filter(_type="normal", skipme=True) >= 1
    finally:
        admin.close()
    with pytest.raises(BrokerUnavailableError, match="^publishing failed: "):
        await asyncio.wait_for(broker.publish("room:a", b"lost with its connection"), 5.0)
    await asyncio.wait_for(broker.publish("room:a", b"after"), 5.0)  # on a new connection
    assert await until(lambda: got == [b"before", b"after"])
    assert (broker.status.connected, broker.status.reconnects) == (True, 0)
    assert recorder.states == [BrokerState.CONNECTING, BrokerState.CONNECTED]


async def test_redis_broker_close_fails_every_publish_still_waiting(
    private_redis: RedisServer,
) -> None:
    """Neither the publish whose reply is awaited nor the one queued behind it waits for ever
    once the broker closes, nor counts as carried."""
    patient = FAST | {"dead_after_seconds": 30.0, "command_timeout_seconds": 30.0}
    broker = RedisBroker(private_redis.url, **patient)  # type: ignore[arg-type]
    await broker.start()
    try:
        assert await broker.wait_connected(5.0)
        await broker.publish("room:a", b"warm")  # the publisher connection exists
        private_redis.pause()
        in_flight = asyncio.ensure_future(broker.publish("room:a", b"in flight"))
        await asyncio.sleep(0.2)
        queued = asyncio.ensure_future(broker.publish("room:a", b"queued"))
        await asyncio.sleep(0.1)
        await broker.close()
        outcomes = await asyncio.wait_for(
            asyncio.gather(in_flight, queued, return_exceptions=True), 5.0
        )
    finally:
        private_redis.resume()
        await broker.close()
    assert [(type(o), str(o)) for o in outcomes] == [
        (BrokerUnavailableError, "the broker is closed"),
        (BrokerUnavailableError, "the broker is closed"),
    ]
