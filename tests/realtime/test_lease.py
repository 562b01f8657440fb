"""The write lease as one worker sees it, over a manual clock: sleeping advances the clock and
timers fire when the test advances it, so nothing here waits. Alone (the in-process shared
store) and against another worker on a real Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis

from realtime.broker.redis_shared import RedisShared
from realtime.broker.shared import Claim, LocalShared
from realtime.errors import UnavailableError
from realtime.lease import BUSY, UNREACHABLE, Lease, LeasePolicy
from tests.realtime.broker.conftest import unique_prefix
from tests.redis_server import require_redis

ROOM = "lobby-test"


@dataclass
class Timer:
    at: float
    call: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class Time:
    """A manual monotonic clock with the ``sleep`` and ``call_later`` of a lease."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []
        self.timers: list[Timer] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds

    def call_later(self, delay: float, call: Callable[[], None]) -> Timer:
        timer = Timer(self.now + delay, call)
        self.timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        """Move on, firing the timers that fall due."""
        self.now += seconds
        for timer in [t for t in self.timers if t.at <= self.now and not t.cancelled]:
            self.timers.remove(timer)
            timer.call()

    def pending(self) -> list[Timer]:
        return [timer for timer in self.timers if not timer.cancelled]


class Asks:
    """Records when the lease asked the holder to let go."""

    def __init__(self, time: Time) -> None:
        self.time = time
        self.at: list[float] = []

    async def __call__(self) -> None:
        self.at.append(round(self.time.now, 6))


def lease(shared: LocalShared | RedisShared, time: Time, **policy: float) -> Lease:
    return Lease(shared, ROOM, time, time.sleep, time.call_later, LeasePolicy(**policy))


# -- one process ------------------------------------------------------------------------------


async def test_lease_alone_is_exclusive_and_never_held() -> None:
    time = Time()
    mine = lease(LocalShared(), time)
    assert await mine.claim(Asks(time)) == Claim(granted=True, exclusive=True)
    assert (mine.held, mine.asked(), mine.wanted) == (False, False, False)
    await mine.release(7)
    assert (mine.held, time.sleeps) == (False, [])


# -- two workers, one Redis ---------------------------------------------------------------------


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    connection = Redis.from_url(require_redis(), protocol=2)
    yield connection
    await connection.aclose()


class Workers:
    """Two workers' shared stores on one Redis, and whether the first can reach it."""

    def __init__(self, client: Redis) -> None:
        self.reachable = True
        prefix = unique_prefix()
        self.one = RedisShared(client, prefix, "one", available=lambda: self.reachable)
        self.two = RedisShared(client, prefix, "two")
        self.lease_key = f"{prefix}{{room:{ROOM}}}:lease"


@pytest.fixture
def workers(redis_client: Redis) -> Workers:
    return Workers(redis_client)


async def test_lease_first_claim_is_fresh_then_held_without_a_round_trip(workers: Workers) -> None:
    time = Time()
    mine = lease(workers.one, time)
    first = await mine.claim(Asks(time))
    assert first == Claim(granted=True, head=None, exclusive=False, extended=False)
    assert (mine.held, mine.until) == (True, 100.0 + workers.one.lease_seconds / 2)
    workers.reachable = False  # a round trip would now fail
    time.advance(workers.one.lease_seconds / 2 - 0.01)
    assert await mine.claim(Asks(time)) == Claim(granted=True, extended=True)


async def test_lease_past_its_local_half_asks_redis_and_extends(workers: Workers) -> None:
    time = Time()
    mine = lease(workers.one, time)
    await mine.claim(Asks(time))
    time.advance(workers.one.lease_seconds / 2)
    again = await mine.claim(Asks(time))
    assert (again.granted, again.extended) == (True, True)
    assert mine.until == time.now + workers.one.lease_seconds / 2


async def test_lease_taken_elsewhere_waits_asks_and_gives_up_busy(workers: Workers) -> None:
    holder_time, time = Time(), Time()
    await lease(workers.two, holder_time).claim(Asks(holder_time))
    waiting = lease(workers.one, time, wait_seconds=0.3, ask_every_seconds=0.09)
    asks = Asks(time)
    with pytest.raises(UnavailableError) as refused:
        await waiting.claim(asks)
    assert (refused.value.code, str(refused.value)) == ("server.busy", BUSY)
    assert time.sleeps[:6] == [0.002, 0.004, 0.008, 0.016, 0.025, 0.025]
    assert set(time.sleeps[4:]) == {0.025}
    assert time.now == pytest.approx(100.305)  # the first try past the deadline
    assert asks.at == [100.0, 100.105, 100.205]  # no more often than every 0.09 s
    assert waiting.held is False


async def test_lease_released_with_head_goes_to_the_next_worker(workers: Workers) -> None:
    time_one, time_two = Time(), Time()
    one, two = lease(workers.one, time_one), lease(workers.two, time_two)
    await one.claim(Asks(time_one))
    await one.release(42)
    assert one.held is False
    claim = await two.claim(Asks(time_two))
    assert (claim.granted, claim.head, claim.extended) == (True, 42, False)
    assert time_two.sleeps == []


async def test_lease_asked_for_is_released_then_yielded_for_a_moment(workers: Workers) -> None:
    time = Time()
    mine = lease(workers.one, time, yield_seconds=0.05)
    assert mine.asked() is False  # not held: nothing to give back
    await mine.claim(Asks(time))
    assert (mine.asked(), mine.wanted) == (True, True)
    await mine.release(3)
    assert (mine.held, mine.wanted) == (False, False)
    await mine.claim(Asks(time))
    assert time.sleeps == [0.05]  # the worker that asked had its turn first


async def test_lease_keeps_while_busy_and_calls_when_idle(workers: Workers) -> None:
    time = Time()
    mine = lease(workers.one, time, idle_seconds=0.2)
    idle: list[float] = []
    await mine.claim(Asks(time))
    mine.keep(lambda: idle.append(time.now))
    time.advance(0.1)
    await mine.claim(Asks(time))  # busy again: the idle call is off
    mine.keep(lambda: idle.append(time.now))
    time.advance(0.15)
    assert idle == []
    time.advance(0.05)
    assert idle == [pytest.approx(100.3)]
    mine.keep(lambda: idle.append(time.now))
    await mine.release(1)  # given back: nothing left to call
    assert time.pending() == []


async def test_lease_unreachable_store_refuses_and_release_stays_quiet(workers: Workers) -> None:
    time = Time()
    mine = lease(workers.one, time)
    await mine.claim(Asks(time))
    workers.reachable = False
    await mine.release(5)  # the store will let the lease lapse
    assert mine.held is False
    with pytest.raises(UnavailableError) as refused:
        await mine.claim(Asks(time))
    assert (refused.value.code, str(refused.value)) == ("server.unavailable", UNREACHABLE)


async def test_lease_lost_claims_again_and_finds_it_taken(
    workers: Workers, redis_client: Redis
) -> None:
    time, other_time = Time(), Time()
    mine = lease(workers.one, time, wait_seconds=0.01)
    await mine.claim(Asks(time))
    await redis_client.delete(workers.lease_key)  # Redis forgot it (restarted empty, evicted)
    await lease(workers.two, other_time).claim(Asks(other_time))
    # Believed held until told otherwise: the store's unique (room, seq) guards meanwhile.
    assert await mine.claim(Asks(time)) == Claim(granted=True, extended=True)
    mine.lost()
    assert mine.held is False
    with pytest.raises(UnavailableError):
        await mine.claim(Asks(time))
