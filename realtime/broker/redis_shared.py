"""Write leases, presence and rate limits shared through Redis (see realtime/broker/shared.py).

Every operation is one Lua script, so each is atomic. Leases and rate limits take a round trip
each; presence reports made in the same event-loop iteration (every room ticks on the same
second, realtime/runtime.py) share one pipelined round trip, which costs the worker ~45 µs of
CPU per room instead of ~300 µs (docs/benchmarks.md, "Scale-out"). Times come from the
Redis server (``TIME``), never from the workers' clocks, so hosts whose clocks disagree still
agree on expiry. A room's keys share the hash tag ``{room:<name>}``, so under Redis Cluster
they live on one shard and the scripts stay valid.

Keys (``<p>`` is the deployment's prefix, realtime/broker/namespace.py):

| key | type | what | lifetime |
|---|---|---|---|
| ``<p>{room:R}:lease`` | string | worker id holding R's write lease | ``lease_ms`` |
| ``<p>{room:R}:head`` | string | R's last committed seq | 7 days after the last write |
| ``<p>{room:R}:workers`` | zset | worker id -> expiry (server time) | refreshed by live workers |
| ``<p>{room:R}:w:<worker>`` | hash | id -> info of the people one worker holds | ``presence_ttl`` |
| ``<p>{rate:K}`` | hash | a token bucket | until full again |
| ``<p>{hold:K}`` | hash | worker id -> ``count:expiry ms``: the slots each holds | ``hold_ms`` |
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from realtime.broker.shared import Claim
from realtime.broker.status import BrokerUnavailableError
from realtime.tasks import cancel_and_wait

HEAD_TTL_SECONDS = 7 * 24 * 3600

_CLAIM = """
local granted = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
local extended = false
if not granted and redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  granted = true
  extended = true
end
local head = redis.call('GET', KEYS[2])
return {granted and 1 or 0, head or '-1', extended and 1 or 0}
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local known = tonumber(redis.call('GET', KEYS[2]) or '-1')
if tonumber(ARGV[2]) > known then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
else
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return 1
"""

# KEYS: workers zset, this worker's hash. ARGV: ttl seconds, worker id, hash prefix,
# number of joins, then (id, info) per join, then the ids that left.
_PRESENCE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local ttl = tonumber(ARGV[1])
local joins = tonumber(ARGV[4])
local i = 5
for _ = 1, joins do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
if redis.call('HLEN', KEYS[2]) > 0 then
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
else
  redis.call('ZREM', KEYS[1], ARGV[2])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local workers = redis.call('ZRANGE', KEYS[1], 0, -1)
if #workers == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ttl * 2)
if #workers == 1 then return redis.call('HLEN', ARGV[3] .. workers[1]) end
local seen = {}
local count = 0
for _, worker in ipairs(workers) do
  for _, id in ipairs(redis.call('HKEYS', ARGV[3] .. worker)) do
    if not seen[id] then
      seen[id] = true
      count = count + 1
    end
  end
end
return count
"""

# KEYS: workers zset. ARGV: hash prefix, limit.
_WHO = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local workers = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
local limit = tonumber(ARGV[2])
local seen = {}
local found = {}
local count = 0
for _, worker in ipairs(workers) do
  local entries = redis.call('HGETALL', ARGV[1] .. worker)
  for j = 1, #entries, 2 do
    if count >= limit then return found end
    if not seen[entries[j]] then
      seen[entries[j]] = true
      count = count + 1
      found[#found + 1] = entries[j]
      found[#found + 1] = entries[j + 1]
    end
  end
end
return found
"""

# KEYS: bucket. ARGV: burst, per second. Returns the wait in seconds as a string.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1)
return tostring(wait)
"""


# KEYS: the slots hash. ARGV: worker id, limit, hold ms. Returns 1 when a slot is taken.
# Entries of workers that stopped renewing (dead) are dropped as they are met.
_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local entries = redis.call('HGETALL', KEYS[1])
local others = 0
local mine = 0
for i = 1, #entries, 2 do
  local count, expiry = string.match(entries[i + 1], '^(%d+):(%d+)$')
  if count == nil or tonumber(expiry) <= now then
    redis.call('HDEL', KEYS[1], entries[i])
  elseif entries[i] == ARGV[1] then
    mine = tonumber(count)
  else
    others = others + tonumber(count)
  end
end
if others + mine >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], (mine + 1) .. ':' .. (now + tonumber(ARGV[3])))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
return 1
"""

# KEYS: the slots hash. ARGV: worker id.
_LET_GO = """
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return 0 end
local count, expiry = string.match(entry, '^(%d+):(%d+)$')
if count == nil or tonumber(count) <= 1 then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], (tonumber(count) - 1) .. ':' .. expiry)
end
return 1
"""

# KEYS: the slots hash. ARGV: worker id, count held, hold ms.
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(ARGV[2]) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. (now + tonumber(ARGV[3])))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
return 1
"""


def _unavailable(exc: BaseException) -> BrokerUnavailableError:
    return BrokerUnavailableError(f"Redis: {type(exc).__name__}: {exc}")


def worker_id() -> str:
    """Unique among the deployment's live and past processes."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class RedisShared:
    """:class:`~realtime.broker.shared.Shared` over Redis, for one worker process."""

    distributed = True

    def __init__(
        self,
        client: Redis,
        prefix: str = "",
        worker: str | None = None,
        lease_ms: int = 3000,
        presence_ttl_seconds: int = 10,
        hold_ms: int = 60_000,
        available: Callable[[], bool] = lambda: True,
        timeout_seconds: float = 5.0,
    ) -> None:
        self.client = client
        self.available = available
        self.timeout_seconds = timeout_seconds
        self.prefix = prefix
        self.worker = worker or worker_id()
        self.lease_ms = lease_ms
        self.lease_seconds = lease_ms / 1000
        self.presence_ttl_seconds = float(presence_ttl_seconds)
        self.hold_ms = hold_ms
        self.hold_seconds = hold_ms / 1000
        self._claim = client.register_script(_CLAIM)
        self._release = client.register_script(_RELEASE)
        self._presence = client.register_script(_PRESENCE)
        self._who = client.register_script(_WHO)
        self._take = client.register_script(_TAKE)
        self._hold = client.register_script(_HOLD)
        self._let_go = client.register_script(_LET_GO)
        self._renew = client.register_script(_RENEW)
        #: Presence reports waiting for the next pipeline: (keys, args, answer).
        self._batch: list[tuple[list[str], list[Any], asyncio.Future[Any]]] = []
        self._flushes: set[asyncio.Task[None]] = set()

    def _room(self, room: str) -> str:
        return f"{self.prefix}{{room:{room}}}"

    async def _run(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        if not self.available():
            raise BrokerUnavailableError("Redis is not connected")
        try:
            # asyncio.timeout, not a socket timeout: redis-py applies those with wait_for,
            # which on Python 3.11 can swallow the cancellation of a stopping room.
            async with asyncio.timeout(self.timeout_seconds):
                return await script(keys=keys, args=args)
        except (RedisError, OSError, TimeoutError) as exc:
            raise _unavailable(exc) from exc

    async def _batched(self, keys: list[str], args: list[Any]) -> Any:
        """The presence script in the next pipeline: the calls made in one event-loop iteration
        share one round trip."""
        if not self.available():
            raise BrokerUnavailableError("Redis is not connected")
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Any] = loop.create_future()
        self._batch.append((keys, args, answer))
        if len(self._batch) == 1:
            loop.call_soon(self._flush_batch)
        return await answer

    def _flush_batch(self) -> None:
        batch, self._batch = self._batch, []
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def _send(self, batch: list[tuple[list[str], list[Any], asyncio.Future[Any]]]) -> None:
        try:
            # ``async with``: the pipeline gives its connection back to the pool even when the
            # broker closes (cancels) it halfway.
            async with (
                asyncio.timeout(self.timeout_seconds),
                self.client.pipeline(transaction=False) as pipe,
            ):
                for keys, args, _ in batch:
                    await self._presence(keys=keys, args=args, client=pipe)
                results = await pipe.execute(raise_on_error=False)
        except (RedisError, OSError, TimeoutError) as exc:
            results = [_unavailable(exc)] * len(batch)
        except asyncio.CancelledError:  # the broker is closing
            results = [BrokerUnavailableError("the broker is closed")] * len(batch)
        for (_, _, answer), result in zip(batch, results, strict=True):
            if answer.done():  # its room stopped waiting
                continue
            if isinstance(result, BrokerUnavailableError):
                answer.set_exception(result)
            elif isinstance(result, Exception):  # that script's error, in the pipeline's replies
                answer.set_exception(_unavailable(result))
            else:
                answer.set_result(result)

    async def close(self) -> None:
        """Stop the pipelines in flight (their callers get BrokerUnavailableError)."""
        await cancel_and_wait(self._flushes)

    async def claim(self, room: str) -> Claim:
        base = self._room(room)
        granted, head, extended = await self._run(
            self._claim, [f"{base}:lease", f"{base}:head"], [self.worker, self.lease_ms]
        )
        known = int(head)
        return Claim(
            granted=bool(granted), head=None if known < 0 else known, extended=bool(extended)
        )

    async def release(self, room: str, head: int) -> None:
        base = self._room(room)
        await self._run(
            self._release,
            [f"{base}:lease", f"{base}:head"],
            [self.worker, head, HEAD_TTL_SECONDS],
        )

    async def presence(
        self, room: str, joined: Mapping[str, str], left: Iterable[str], local_count: int
    ) -> int:
        base = self._room(room)
        args: list[Any] = [
            int(self.presence_ttl_seconds),
            self.worker,
            f"{base}:w:",
            len(joined),
        ]
        for identity, info in joined.items():
            args += [identity, info]
        args += list(left)
        count = await self._batched([f"{base}:workers", f"{base}:w:{self.worker}"], args)
        return int(count)

    async def who(self, room: str, limit: int) -> dict[str, str]:
        base = self._room(room)
        flat = await self._run(self._who, [f"{base}:workers"], [f"{base}:w:", limit])
        return {flat[i].decode(): flat[i + 1].decode() for i in range(0, len(flat), 2)}

    async def take(self, key: str, burst: float, per_second: float) -> float:
        wait = await self._run(
            self._take, [f"{self.prefix}{{rate:{key}}}"], [repr(burst), repr(per_second)]
        )
        return float(wait)

    def _slots(self, key: str) -> str:
        return f"{self.prefix}{{hold:{key}}}"

    async def hold(self, key: str, limit: int) -> bool:
        granted = await self._run(
            self._hold, [self._slots(key)], [self.worker, limit, self.hold_ms]
        )
        return bool(granted)

    async def let_go(self, key: str) -> None:
        await self._run(self._let_go, [self._slots(key)], [self.worker])

    async def renew(self, held: Mapping[str, int]) -> None:
        """One pipelined round trip for every key (a worker may hold slots of thousands)."""
        if not held:
            return
        if not self.available():
            raise BrokerUnavailableError("Redis is not connected")
        try:
            async with (
                asyncio.timeout(self.timeout_seconds),
                self.client.pipeline(transaction=False) as pipe,
            ):
                for key, count in held.items():
                    args: list[Any] = [self.worker, count, self.hold_ms]
                    await self._renew(keys=[self._slots(key)], args=args, client=pipe)
                await pipe.execute()
        except (RedisError, OSError, TimeoutError) as exc:
            raise _unavailable(exc) from exc
