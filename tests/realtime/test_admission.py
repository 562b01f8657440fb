"""Limits per network address: the rules with an injected clock, then one worker and two
workers sharing a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from realtime.admission import (
    CONNECTIONS_RETRY_SECONDS,
    AddressLedger,
    AddressLimitedError,
    AddressLimits,
    Admission,
    counted,
    per_window,
)
from realtime.broker.redis_shared import RedisShared
from realtime.broker.shared import LocalShared
from realtime.limits import Rate
from tests.realtime.broker.conftest import unique_prefix
from tests.redis_server import require_redis

SMALL = AddressLimits(
    connections=3,
    joins=Rate(4, 1.0),
    new_guests=Rate(2, 0.5),
    commands=Rate(5, 2.0),
)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def refusals(ledger: AddressLedger, action: str, address: str, times: list[float]) -> list[str]:
    """For each attempt at ``times``: "ok" or the refusal's code."""
    out = []
    for now in times:
        try:
            ledger.check(action, address, now)
            out.append("ok")
        except AddressLimitedError as exc:
            out.append(exc.code)
    return out


# -- the rules ----------------------------------------------------------------------------------


def test_admission_defaults_fit_hundreds_of_people_behind_one_address() -> None:
    limits = AddressLimits()
    assert limits.connections == 1000
    assert limits.joins == Rate(1000, 1000 / 60)  # a reconnect storm of a whole venue
    assert limits.new_guests == Rate(500, 500 / 600)  # a class arriving at once
    assert limits.commands == Rate(1000, 100)


def test_admission_per_window_is_a_burst_refilled_over_the_window() -> None:
    assert per_window(120, 60) == Rate(120, 2.0)


def test_admission_connections_are_counted_per_address_until_they_close() -> None:
    ledger = AddressLedger(SMALL)
    for _ in range(3):
        ledger.connect("A")
    with pytest.raises(AddressLimitedError) as refused:
        ledger.connect("A")
    ledger.connect("B")  # another address has its own count
    ledger.disconnect("A")
    ledger.connect("A")  # a slot came free
    assert refused.value.code == "address.connections"
    assert refused.value.retry_after_seconds == CONNECTIONS_RETRY_SECONDS
    assert ledger.connections == {"A": 3, "B": 1}


def test_admission_last_disconnect_forgets_the_address() -> None:
    ledger = AddressLedger(SMALL)
    ledger.connect("A")
    ledger.disconnect("A")
    ledger.disconnect("A")  # a second close of the same connection changes nothing
    assert ledger.connections == {}


def test_admission_joins_allow_a_burst_then_refill_at_their_rate() -> None:
    ledger = AddressLedger(SMALL)
    got = refusals(ledger, "joins", "A", [0.0] * 5 + [0.5, 1.0, 1.0])
    assert got == ["ok"] * 4 + ["address.joins", "address.joins", "ok", "address.joins"]


def test_admission_refusal_says_how_long_to_wait() -> None:
    ledger = AddressLedger(SMALL)
    refusals(ledger, "new_guests", "A", [0.0, 0.0])
    with pytest.raises(AddressLimitedError) as refused:
        ledger.check("new_guests", "A", 0.5)
    assert (refused.value.code, refused.value.retry_after_seconds) == ("address.guests", 1.5)


def test_admission_actions_and_addresses_have_separate_budgets() -> None:
    ledger = AddressLedger(SMALL)
    assert refusals(ledger, "commands", "A", [0.0] * 6) == ["ok"] * 5 + ["rate.address"]
    assert refusals(ledger, "commands", "B", [0.0]) == ["ok"]
    assert refusals(ledger, "joins", "A", [0.0]) == ["ok"]


def test_admission_forget_idle_keeps_only_buckets_that_still_count() -> None:
    ledger = AddressLedger(SMALL)
    refusals(ledger, "commands", "A", [0.0])
    refusals(ledger, "joins", "B", [0.0])
    ledger.forget_idle(0.5)  # commands refill at 2/s: full again; joins at 1/s: not yet
    assert sorted(ledger.buckets) == [("joins", "B")]
    ledger.forget_idle(1.0)
    assert ledger.buckets == {}


def test_admission_reactions_do_not_draw_on_the_address_budget() -> None:
    assert [counted(t) for t in ("chat.send", "poll.vote", "quiz.standing", "react")] == [
        True,
        True,
        True,
        False,
    ]


# -- one worker ---------------------------------------------------------------------------------


async def test_admission_one_worker_limits_with_its_own_clock() -> None:
    clock = Clock()
    admission = Admission(LocalShared(), SMALL, monotonic=clock)
    outcomes = []
    for _ in range(6):
        try:
            await admission.check("commands", "A")
            outcomes.append("ok")
        except AddressLimitedError as exc:
            outcomes.append(exc.code)
    clock.now += 0.5  # one token back
    await admission.check("commands", "A")
    assert outcomes == ["ok"] * 5 + ["rate.address"]


async def test_admission_without_limits_lets_everything_through() -> None:
    admission = Admission(LocalShared(), None)
    for _ in range(2000):
        await admission.connect("A")
        await admission.check("new_guests", "A")
    assert admission.ledger.connections == {}


# -- two workers, one Redis ---------------------------------------------------------------------


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    connection = Redis.from_url(require_redis(), protocol=2)
    yield connection
    await connection.aclose()


def two_workers(client: Redis, limits: AddressLimits, **options: int) -> list[Admission]:
    prefix = unique_prefix()
    return [
        Admission(RedisShared(client, prefix=prefix, worker=name, **options), limits)
        for name in ("one", "two")
    ]


async def test_admission_connections_are_limited_across_workers(redis_client: Redis) -> None:
    one, two = two_workers(redis_client, SMALL)
    await one.connect("A")
    await two.connect("A")
    await one.connect("A")
    with pytest.raises(AddressLimitedError) as refused:
        await two.connect("A")  # two has one of its own, but the address has three in all
    await one.disconnect("A")
    await two.connect("A")
    assert refused.value.code == "address.connections"
    assert (one.ledger.connections, two.ledger.connections) == ({"A": 1}, {"A": 2})


async def test_admission_rates_are_shared_across_workers(redis_client: Redis) -> None:
    one, two = two_workers(redis_client, SMALL)
    outcomes = []
    for n in range(5):  # four joins in the burst, alternating workers: each has spent only two
        try:
            await (one if n % 2 else two).check("joins", "A")
            outcomes.append("ok")
        except AddressLimitedError as exc:
            outcomes.append(exc.code)
    assert outcomes == ["ok"] * 4 + ["address.joins"]


async def test_admission_dead_workers_slots_lapse(redis_client: Redis) -> None:
    limits = AddressLimits(connections=3)
    one, two = two_workers(redis_client, limits, hold_ms=1000)
    two.renew_seconds = 0.2  # two stays alive, and so does the address's key in Redis
    await two.start()
    try:
        await two.connect("A")
        await one.connect("A")
        await one.connect("A")  # then "one" dies: it never lets go nor renews
        with pytest.raises(AddressLimitedError):
            await two.connect("A")
        for _ in range(50):  # one's slots lapse after a second
            await asyncio.sleep(0.1)
            try:
                await two.connect("A")
                break
            except AddressLimitedError:
                continue
        assert two.ledger.connections == {"A": 2}
    finally:
        await two.close()


async def test_admission_renewal_restates_the_slots_held(redis_client: Redis) -> None:
    limits = AddressLimits(connections=2)
    one, two = two_workers(redis_client, limits, hold_ms=1000)
    one.renew_seconds = 0.3
    await one.start()
    try:
        await one.connect("A")
        await one.connect("A")
        await asyncio.sleep(2.0)  # twice the hold time: only renewal keeps them
        with pytest.raises(AddressLimitedError):
            await two.connect("A")
    finally:
        await one.close()  # gives its slots back
    await two.connect("A")
    await two.connect("A")
    assert two.ledger.connections == {"A": 2}
