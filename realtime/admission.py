"""Limits per network address: connections, joins, new guests and commands from one address.

A guest identity costs nothing (a connection without a cookie gets a new one), so limits per
identity alone let one machine act as many people. These limits sit above them and count
everything that comes from one address (an opaque key: festival/addresses.py), whichever
identity it claims: 50 identities from one address share one budget. The defaults are sized
for a school or a conference venue behind one NAT (hundreds of people on one address).

Only guests are counted: a signed-in person is accountable through the account and limited
per identity (realtime/limits.py).

:class:`AddressLedger` holds the rules (pure; every call takes ``now``); :class:`Admission`
applies them in one worker and, when the broker's ``shared`` is distributed (Redis), across
every worker: the rate buckets with ``shared.take`` (the mechanism the per-identity limits
use), the connection count with ``shared.hold`` (slots that a dead worker stops holding).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from realtime.broker.shared import Shared
from realtime.broker.status import BrokerUnavailableError
from realtime.errors import RateLimitedError
from realtime.limits import Rate, TokenBucket
from realtime.metrics import MetricsSink, NoMetrics
from realtime.tasks import cancel_and_wait

log = logging.getLogger("realtime.admission")

#: How often a worker restates the connection slots it holds (they lapse after
#: ``shared.hold_seconds`` unless restated).
RENEW_SECONDS = 20.0
#: What a client refused for too many connections is told to wait (someone must leave first).
CONNECTIONS_RETRY_SECONDS = 10.0

#: The rate-limited actions: the error code and the sentence each refusal carries.
ACTIONS: dict[str, tuple[str, str]] = {
    "joins": ("address.joins", "Too many joins from your network address; try again soon."),
    "new_guests": (
        "address.guests",
        "Too many new guests from your network address; try again soon.",
    ),
    "commands": ("rate.address", "Too many actions from your network address; slow down."),
}


def per_window(count: int, seconds: float) -> Rate:
    """``count`` at once, and ``count`` more every ``seconds``."""
    return Rate(count, count / seconds)


@dataclass(frozen=True, slots=True)
class AddressLimits:
    """What one network address may do; generous enough for hundreds of people behind a NAT."""

    #: Open WebSocket connections at once (every tab of every guest).
    connections: int = 1000
    #: Room joins (a reconnect storm after a deploy rejoins every connection at once).
    joins: Rate = field(default_factory=lambda: per_window(1000, 60))
    #: Guest identities handed out (a class arriving at once, then a steady trickle).
    new_guests: Rate = field(default_factory=lambda: per_window(500, 600))
    #: Commands of every guest together (reactions excepted: see :func:`counted`).
    commands: Rate = field(default_factory=lambda: per_window(1000, 10))

    def for_action(self, action: str) -> Rate:
        rate: Rate = getattr(self, action)
        return rate


#: The defaults, for whoever builds a hub without saying.
DEFAULT_ADDRESS_LIMITS = AddressLimits()


def counted(message_type: str) -> bool:
    """Whether a command draws on its address's ``commands`` budget.

    Reactions do not: they are not stored, are counted per identity and per connection, and a
    cheering hall sends many at once.
    """
    return message_type != "react"


class AddressLimitedError(RateLimitedError):
    """Refused because of what the whole address did (codes ``address.*``, ``rate.address``)."""


def _refusal(action: str, wait: float) -> AddressLimitedError:
    code, message = ACTIONS[action]
    return AddressLimitedError(message, wait, code)


def connections_refusal() -> AddressLimitedError:
    return AddressLimitedError(
        "Too many connections from your network address; try again later.",
        CONNECTIONS_RETRY_SECONDS,
        "address.connections",
    )


@dataclass(slots=True)
class AddressLedger:
    """One worker's count of what each address is doing. Pure: ``now`` is passed in."""

    limits: AddressLimits = field(default_factory=AddressLimits)
    connections: dict[str, int] = field(default_factory=dict)
    buckets: dict[tuple[str, str], TokenBucket] = field(default_factory=dict)

    def connect(self, address: str) -> None:
        """Count one more connection, or raise ``address.connections``."""
        open_now = self.connections.get(address, 0)
        if open_now >= self.limits.connections:
            raise connections_refusal()
        self.connections[address] = open_now + 1

    def disconnect(self, address: str) -> None:
        left = self.connections.get(address, 0) - 1
        if left > 0:
            self.connections[address] = left
        else:
            self.connections.pop(address, None)

    def check(self, action: str, address: str, now: float) -> None:
        """Spend one of ``address``'s ``action`` tokens, or raise with the wait."""
        bucket = self.buckets.get((action, address))
        if bucket is None:
            bucket = TokenBucket.full(self.limits.for_action(action), now)
            self.buckets[(action, address)] = bucket
        wait = bucket.take(now)
        if wait > 0:
            raise _refusal(action, wait)

    def forget_idle(self, now: float) -> None:
        """Drop buckets that are full again (they hold no information)."""
        for key in [key for key, bucket in self.buckets.items() if bucket.is_full(now)]:
            del self.buckets[key]


class Admission:
    """The per-address limits of one worker, shared with the others through ``shared``.

    With ``limits=None`` nothing is limited (``ROOM_RATE_LIMITS=off``: load tests, benchmarks).
    When Redis cannot be reached the local limits still hold; the shared ones are skipped
    rather than refusing everyone.
    """

    def __init__(
        self,
        shared: Shared,
        limits: AddressLimits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        renew_seconds: float = RENEW_SECONDS,
        metrics: MetricsSink | None = None,
    ) -> None:
        self.shared = shared
        self.metrics: MetricsSink = metrics or NoMetrics()
        self.limits = limits
        self.ledger = AddressLedger(limits or AddressLimits())
        self.monotonic = monotonic
        self.renew_seconds = renew_seconds
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        if self.limits is not None:
            self._tasks = [asyncio.create_task(self._renew_forever(), name="admission renew")]

    async def close(self) -> None:
        """Stop renewing and give back every connection slot this worker holds."""
        await cancel_and_wait(self._tasks)
        if self.limits is not None and self.shared.distributed and self.ledger.connections:
            held = {_slots(address): 0 for address in self.ledger.connections}
            with contextlib.suppress(BrokerUnavailableError):
                await self.shared.renew(held)

    async def connect(self, address: str) -> None:
        """Take one of the address's connection slots; raises ``address.connections``."""
        try:
            await self._connect(address)
        except AddressLimitedError as exc:
            self.metrics.address_refused(exc.code)
            raise

    async def _connect(self, address: str) -> None:
        if self.limits is None:
            return
        self.ledger.connect(address)
        if not self.shared.distributed:
            return
        try:
            granted = await self.shared.hold(_slots(address), self.limits.connections)
        except BrokerUnavailableError:
            return  # the local count holds
        if not granted:
            self.ledger.disconnect(address)
            raise connections_refusal()

    async def disconnect(self, address: str) -> None:
        """Give back a slot taken by :meth:`connect`."""
        if self.limits is None:
            return
        self.ledger.disconnect(address)
        if self.shared.distributed:
            # If Redis is away the slot stays counted until the next renewal restates it.
            with contextlib.suppress(BrokerUnavailableError):
                await self.shared.let_go(_slots(address))

    async def check(self, action: str, address: str) -> None:
        """Spend from the address's ``action`` budget (``joins``, ``new_guests``,
        ``commands``) here and across workers; raises :class:`AddressLimitedError`."""
        try:
            await self._check(action, address)
        except AddressLimitedError as exc:
            self.metrics.address_refused(exc.code)
            raise

    async def _check(self, action: str, address: str) -> None:
        if self.limits is None:
            return
        self.ledger.check(action, address, self.monotonic())
        if not self.shared.distributed:
            return
        rate = self.limits.for_action(action)
        try:
            wait = await self.shared.take(
                f"address:{address}:{action}", rate.burst, rate.per_second
            )
        except BrokerUnavailableError:
            return
        if wait > 0:
            raise _refusal(action, wait)

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.renew_seconds)
            self.ledger.forget_idle(self.monotonic())
            if not self.shared.distributed or not self.ledger.connections:
                continue
            held = {_slots(address): n for address, n in self.ledger.connections.items()}
            try:
                await self.shared.renew(held)
            except BrokerUnavailableError:
                continue  # the next renewal restates them
            except Exception:
                log.exception("renewing connection slots failed")


def _slots(address: str) -> str:
    return f"address:{address}:connections"
