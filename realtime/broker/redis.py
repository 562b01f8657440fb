"""The Redis broker: room events between processes over Redis pub/sub (redis-py, asyncio).

One process holds two connections to Redis:

- a *subscriber* connection carrying every channel this process subscribes to: one
  ``SUBSCRIBE`` per channel, sent when the first local handler arrives and undone by
  ``UNSUBSCRIBE`` when it leaves (the hub keeps one channel per room it serves);
- a *publisher* connection on which every ``PUBLISH`` of the process is pipelined: whatever
  queued up while the previous batch was in flight goes out in one write, in publish order.

A supervisor task owns the subscriber connection. It sends a ``PING`` through the subscription
stream every ``heartbeat_seconds``; the reply comes back behind every message not yet read, so
its round trip is the broker's lag, and a reply missing for ``dead_after_seconds`` means the
connection is dead. When the connection is lost the broker says so (``status``,
``on_state_change``), refuses to publish (:class:`BrokerUnavailableError`: the caller must not
acknowledge what was not carried), and reconnects with exponential backoff and jitter
(``backoff_base_seconds`` doubling up to ``backoff_cap_seconds``, each delay drawn between half
and all of that), then subscribes every channel again. Messages published while the connection
was down are not replayed by the broker: the rooms read them back from their store.

Memory is bounded however slow this process reads or however bursty the publishers are:

- incoming: a message is handed to its handler as soon as it is parsed, never queued here, so
  what waits is in the socket buffer and in Redis's output buffer for this client, which Redis
  caps (``client-output-buffer-limit pubsub``, 32 MiB hard / 8 MiB for 60 s by default) by
  closing the connection; this broker then reconnects, and the rooms catch up from the store;
- outgoing: at most ``max_pending_publishes`` messages (default 10,000) wait for the publisher
  connection; beyond that ``publish`` raises :class:`BrokerUnavailableError` at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.connection import AbstractConnection, Connection, parse_url
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from realtime.broker.base import Broker, Handler
from realtime.broker.redis_shared import RedisShared
from realtime.broker.status import (
    BrokerState,
    BrokerStatus,
    BrokerUnavailableError,
    StatusCallback,
)
from realtime.tasks import cancel_and_wait

log = logging.getLogger("realtime.broker.redis")

#: Channels per SUBSCRIBE command when subscribing again after a reconnect.
RESUBSCRIBE_CHUNK = 500
#: PUBLISH commands per pipelined write.
PUBLISH_CHUNK = 1000
_FAILURES = (RedisError, OSError, BrokerUnavailableError)


class RedisBroker(Broker):
    """A :class:`Broker` over Redis pub/sub, reconnecting on its own."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "",
        client_name: str = "festival",
        heartbeat_seconds: float = 1.0,
        dead_after_seconds: float = 5.0,
        connect_timeout_seconds: float = 2.0,
        command_timeout_seconds: float = 5.0,
        backoff_base_seconds: float = 0.05,
        backoff_cap_seconds: float = 5.0,
        max_pending_publishes: int = 10_000,
        max_shared_connections: int = 32,
        on_state_change: StatusCallback | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.url = url
        #: Put before every channel name on the wire, so deployments (or tests) can share a Redis.
        self.prefix = prefix.encode()
        self.heartbeat_seconds = heartbeat_seconds
        self.dead_after_seconds = dead_after_seconds
        self.command_timeout_seconds = command_timeout_seconds
        self.backoff_base_seconds = backoff_base_seconds
        self.backoff_cap_seconds = backoff_cap_seconds
        self.max_pending_publishes = max_pending_publishes
        self.on_state_change = on_state_change
        self._jitter = jitter
        kwargs: dict[str, Any] = dict(parse_url(url))
        self._connection_class: type[AbstractConnection] = kwargs.pop(
            "connection_class", Connection
        )
        self._kwargs = kwargs | {
            # RESP2: pub/sub messages are plain replies to read (RESP3 sends them as pushes).
            "protocol": 2,
            "client_name": client_name,
            "socket_connect_timeout": connect_timeout_seconds,
            # No socket timeout on the subscriber: it waits for messages as long as there are
            # none, and the heartbeat finds a dead connection.
            "socket_timeout": None,
            "socket_keepalive": True,
        }
        self._status = BrokerStatus(BrokerState.CLOSED)
        self._handlers: dict[bytes, Handler] = {}
        self._on_server: set[bytes] = set()  # SUBSCRIBE sent on the current connection
        self._confirming: dict[bytes, deque[asyncio.Future[None]]] = {}
        self._subscriber: AbstractConnection | None = None
        self._pong: asyncio.Future[Any] | None = None
        self._suspect = asyncio.Event()
        self._publisher: AbstractConnection | None = None
        self._outgoing: deque[tuple[bytes, bytes, asyncio.Future[None]]] = deque()
        self._outgoing_ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        #: Commands other than pub/sub (leases, presence, rate limits): a small pool, one
        #: immediate retry on a broken connection, never a wait for Redis to come back.
        # A blocking pool: past max_shared_connections calls wait for a free connection
        # (bounded by RedisShared's timeout) rather than fail with "Too many connections".
        pool = BlockingConnectionPool.from_url(
            url,
            protocol=2,
            client_name=client_name,
            socket_timeout=None,  # RedisShared bounds each call itself (asyncio.timeout)
            socket_connect_timeout=connect_timeout_seconds,
            retry=Retry(NoBackoff(), 1),
            max_connections=max_shared_connections,
            timeout=None,
        )
        self.client = Redis(connection_pool=pool)
        self.shared: RedisShared = RedisShared(
            self.client,
            prefix=prefix,
            available=lambda: self._status.connected,
            timeout_seconds=command_timeout_seconds,
        )

    # -- the Broker interface -------------------------------------------------------------------

    @property
    def status(self) -> BrokerStatus:
        return self._status

    async def start(self) -> None:
        """Start connecting; returns once connected or after the first attempt failed.

        A broker that could not connect keeps trying in the background (``status`` says
        ``connecting``), so a worker starts while Redis is down and reports it.
        """
        if self._tasks:
            return
        self._set(state=BrokerState.CONNECTING)
        first_attempt: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tasks = [
            asyncio.create_task(self._supervise(first_attempt), name="redis broker supervisor"),
            asyncio.create_task(self._publish_forever(), name="redis broker publisher"),
        ]
        await first_attempt

    async def wait_connected(self, timeout_seconds: float) -> bool:
        """True once connected (and subscribed), False if ``timeout_seconds`` pass first."""
        deadline = asyncio.get_running_loop().time() + timeout_seconds
        while not self._status.connected:
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def close(self) -> None:
        self._set(state=BrokerState.CLOSED)
        tasks, self._tasks = self._tasks, []
        await cancel_and_wait(tasks)
        await self.shared.close()
        self._fail_outgoing("the broker is closed")
        self._handlers.clear()
        await self._drop_publisher()
        self._forget_subscriptions()
        await self.client.connection_pool.disconnect()

    async def publish(self, channel: str, message: bytes) -> None:
        """Hand ``message`` to Redis; raises :class:`BrokerUnavailableError` if it could not."""
        status = self._status
        if not status.connected:
            raise BrokerUnavailableError(
                f"Redis is {status.state.value}"
                + (f" ({status.error})" if status.error else "")
                + ": the message was not published"
            )
        if len(self._outgoing) >= self.max_pending_publishes:
            raise BrokerUnavailableError(
                f"{len(self._outgoing)} messages are waiting for Redis: the message was not "
                "published"
            )
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._outgoing.append((self.prefix + channel.encode(), message, done))
        self._outgoing_ready.set()
        await done

    async def subscribe(self, channel: str, handler: Handler) -> None:
        key = self.prefix + channel.encode()
        self._handlers[key] = handler
        conn = self._subscriber
        if conn is None:
            return  # subscribed when the connection is made again
        if key in self._on_server:
            pending = self._confirming.get(key)
            if pending:  # another subscribe of this channel is not yet confirmed: wait for it
                await self._await_confirmation(pending[-1], channel)
            return
        confirmed = self._expect_confirmation(key)
        self._on_server.add(key)
        try:
            await self._send(conn, "SUBSCRIBE", key)
        except _FAILURES as exc:
            # The supervisor notices the broken connection and subscribes everything again.
            log.warning("subscribing to %s failed: %s", channel, exc)
            self._suspect.set()
            return
        await self._await_confirmation(confirmed, channel)

    async def unsubscribe(self, channel: str) -> None:
        key = self.prefix + channel.encode()
        self._handlers.pop(key, None)
        conn = self._subscriber
        if key not in self._on_server or conn is None:
            return
        self._on_server.discard(key)
        try:
            await self._send(conn, "UNSUBSCRIBE", key)
        except _FAILURES as exc:
            log.warning("unsubscribing from %s failed: %s", channel, exc)
            self._suspect.set()

    # -- state ----------------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        before = self._status
        self._status = replace(before, **changes)
        if self._status.state is not before.state:
            log.log(
                logging.WARNING if self._status.state is BrokerState.RECONNECTING else logging.INFO,
                "redis broker %s%s",
                self._status.state.value,
                f" ({self._status.error})" if self._status.error else "",
            )
            if self.on_state_change is not None:
                try:
                    self.on_state_change(self._status)
                except Exception:
                    log.exception("on_state_change failed")

    def backoff_seconds(self, attempt: int) -> float:
        """Delay before reconnection attempt ``attempt`` (0, 1, ...): exponential, jittered."""
        ceiling = min(self.backoff_cap_seconds, self.backoff_base_seconds * 2.0 ** min(attempt, 30))
        return ceiling * (0.5 + 0.5 * self._jitter())

    # -- the subscriber connection --------------------------------------------------------------

    async def _supervise(self, first_attempt: asyncio.Future[None]) -> None:
        attempt = 0
        ever_connected = False
        while True:
            conn = self._connection_class(**self._kwargs)
            error: str
            try:
                await _connect(conn)
                self._subscriber = conn
                await self._serve(conn, first_attempt, ever_connected)
                error = "the connection closed"
            except _FAILURES as exc:
                error = f"{type(exc).__name__}: {exc}"
            finally:
                self._subscriber = None
                self._forget_subscriptions()
                with contextlib.suppress(*_FAILURES):
                    await conn.disconnect(nowait=True)
                # The publisher's connection went with it: make a new one for the next publish.
                await self._drop_publisher()
            if self._status.state is BrokerState.CONNECTED:
                ever_connected = True
                attempt = 0
            self._set(
                state=BrokerState.RECONNECTING if ever_connected else BrokerState.CONNECTING,
                error=error,
            )
            if not first_attempt.done():
                first_attempt.set_result(None)
            await asyncio.sleep(self.backoff_seconds(attempt))
            attempt += 1

    async def _serve(
        self, conn: AbstractConnection, first_attempt: asyncio.Future[None], reconnect: bool
    ) -> None:
        """Subscribe every channel, then read and heartbeat until the connection fails."""
        reader = asyncio.create_task(self._read(conn), name="redis broker reader")
        try:
            await self._subscribe_all(conn, reader)
            if reconnect:  # pooled connections to the old server are dead: make new ones
                await self.client.connection_pool.disconnect()
            self._set(
                state=BrokerState.CONNECTED,
                error=None,
                reconnects=self._status.reconnects + (1 if reconnect else 0),
            )
            if not first_attempt.done():
                first_attempt.set_result(None)
            await self._heartbeat(conn, reader)
        finally:
            await cancel_and_wait([reader])

    async def _subscribe_all(self, conn: AbstractConnection, reader: asyncio.Task[None]) -> None:
        keys = list(self._handlers)
        confirmations = [self._expect_confirmation(key) for key in keys]
        self._on_server.update(keys)
        for start in range(0, len(keys), RESUBSCRIBE_CHUNK):
            await self._send(conn, "SUBSCRIBE", *keys[start : start + RESUBSCRIBE_CHUNK])
        if confirmations:
            everything = asyncio.gather(*confirmations)
            waiting: set[asyncio.Future[Any]] = {everything, reader}
            done, _ = await asyncio.wait(
                waiting,
                timeout=self.command_timeout_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if reader in done:
                reader.result()
                raise BrokerUnavailableError("the connection closed while subscribing")
            if everything not in done:
                everything.cancel()
                raise BrokerUnavailableError(
                    f"Redis did not confirm {len(keys)} subscriptions in "
                    f"{self.command_timeout_seconds} s"
                )

    async def _heartbeat(self, conn: AbstractConnection, reader: asyncio.Task[None]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._suspect.clear()
            pong: asyncio.Future[Any] = loop.create_future()
            self._pong = pong
            sent_at = loop.time()
            await self._send(conn, "PING")
            first: set[asyncio.Future[Any]] = {pong, reader}
            done, _ = await asyncio.wait(
                first, timeout=self.dead_after_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            if reader in done:
                reader.result()
                return
            if pong not in done:
                raise BrokerUnavailableError(
                    f"no heartbeat reply from Redis in {self.dead_after_seconds} s"
                )
            self._set(lag_seconds=loop.time() - sent_at)
            suspect: asyncio.Future[Any] = asyncio.ensure_future(self._suspect.wait())
            second: set[asyncio.Future[Any]] = {reader, suspect}
            try:
                done, _ = await asyncio.wait(
                    second,
                    timeout=self.heartbeat_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                suspect.cancel()
            if reader in done:
                reader.result()
                return

    async def _read(self, conn: AbstractConnection) -> None:
        handlers = self._handlers
        while True:
            reply = await conn.read_response(timeout=math.inf, disconnect_on_error=False)
            if not isinstance(reply, list):
                # +PONG: a PING sent while no channel was subscribed (not in pub/sub mode).
                if reply == b"PONG" and self._pong is not None and not self._pong.done():
                    self._pong.set_result(None)
                continue
            kind = reply[0]
            if kind == b"message":
                handler = handlers.get(reply[1])
                if handler is not None:
                    try:
                        handler(reply[2])
                    except Exception:
                        log.exception("handler for %r failed", reply[1])
            elif kind == b"subscribe":
                pending = self._confirming.get(reply[1])
                if pending:
                    confirmed = pending.popleft()
                    if not confirmed.done():
                        confirmed.set_result(None)
            elif kind == b"pong":
                if self._pong is not None and not self._pong.done():
                    self._pong.set_result(None)

    def _expect_confirmation(self, key: bytes) -> asyncio.Future[None]:
        confirmed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._confirming.setdefault(key, deque()).append(confirmed)
        return confirmed

    async def _await_confirmation(self, confirmed: asyncio.Future[None], channel: str) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(confirmed), self.command_timeout_seconds)
        except TimeoutError:
            log.warning("Redis did not confirm the subscription to %s in time", channel)
            self._suspect.set()

    def _forget_subscriptions(self) -> None:
        """The connection is gone: every subscription will be made again on the next one."""
        self._on_server.clear()
        for pending in self._confirming.values():
            for confirmed in pending:
                if not confirmed.done():
                    confirmed.set_result(None)
        self._confirming.clear()

    async def _send(self, conn: AbstractConnection, *args: Any) -> None:
        if not conn.is_connected:  # send_command would silently connect again
            raise BrokerUnavailableError("the connection to Redis is closed")
        await conn.send_command(*args, check_health=False)

    # -- the publisher connection ---------------------------------------------------------------

    async def _publish_forever(self) -> None:
        while True:
            await self._outgoing_ready.wait()
            self._outgoing_ready.clear()
            while self._outgoing:
                count = min(PUBLISH_CHUNK, len(self._outgoing))
                batch = [self._outgoing.popleft() for _ in range(count)]
                try:
                    await self._publish_batch(batch)
                except _FAILURES as exc:
                    _fail(batch, f"publishing failed: {type(exc).__name__}: {exc}")
                    await self._drop_publisher()
                    self._suspect.set()  # let the supervisor check the subscriber connection now
                except asyncio.CancelledError:
                    # The broker is closing: nobody will read these replies, so their publishers
                    # must not wait for ever, nor count as carried what may not have been.
                    _fail(batch, "the broker is closed")
                    raise

    async def _publish_batch(self, batch: list[tuple[bytes, bytes, asyncio.Future[None]]]) -> None:
        conn = self._publisher
        if conn is None or not conn.is_connected:
            conn = self._connection_class(
                **(self._kwargs | {"socket_timeout": self.command_timeout_seconds})
            )
            await _connect(conn)
            self._publisher = conn
        commands = [("PUBLISH", channel, message) for channel, message, _ in batch]
        await conn.send_packed_command(conn.pack_commands(commands), check_health=False)
        for _, _, done in batch:
            await conn.read_response()
            if not done.done():
                done.set_result(None)

    async def _drop_publisher(self) -> None:
        conn, self._publisher = self._publisher, None
        if conn is not None:
            with contextlib.suppress(*_FAILURES):
                await conn.disconnect(nowait=True)

    def _fail_outgoing(self, reason: str) -> None:
        batch = list(self._outgoing)
        self._outgoing.clear()
        _fail(batch, reason)


def _fail(batch: list[tuple[bytes, bytes, asyncio.Future[None]]], reason: str) -> None:
    """Tell each publisher still waiting that its message was not carried."""
    for _, _, done in batch:
        if not done.done():
            done.set_exception(BrokerUnavailableError(reason))


async def _connect(conn: AbstractConnection) -> None:
    await conn.connect()  # type: ignore[no-untyped-call]
