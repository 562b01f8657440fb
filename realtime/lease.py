"""A room's write lease as one worker sees it: claim (or extend), ask to release, release with
the room's head.

Only the lease holder decides, stores and publishes a room's next events, so every worker
receives them in ``seq`` order (docs/architecture.md, "Scale-out"). The lease itself lives in
the shared store (``Broker.shared``: Redis, or this process alone); this module keeps what the
worker believes about it, over an injected clock and an injected ``sleep``, so that its tests
run without waiting:

- **free** (``until == 0``): the next batch must ``claim`` it; when another worker holds it,
  wait with backoff, asking that worker (``ask``) to let go, for at most ``wait_seconds``;
- **held** (``until > 0``): surely ours until ``until``, half the store's lease time after the
  claim (the other half covers the round trip and a pause of this worker). Past that the next
  claim asks the store again, which extends the lease when it is still ours;
- **wanted** (held, and another worker asked): the actor releases it between two batches, with
  the room's head, then holds off claiming for ``yield_seconds`` so the other one gets its turn.

A lease can also be **lost** behind the worker's back (Redis restarted empty, the key evicted):
the store's unique ``(room, seq)`` is then the guard, and a worker that learns of it (the broker
went down, a write conflicted) forgets what it believed and claims again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Protocol

from realtime.broker.shared import Claim, Shared
from realtime.broker.status import BrokerUnavailableError
from realtime.errors import UnavailableError

UNREACHABLE = (
    "The servers cannot reach each other right now; nothing was kept. Try again in a moment."
)
BUSY = "The room is busy; try again."


@dataclass(frozen=True, slots=True)
class LeasePolicy:
    """How long to wait for, keep and give back a lease (seconds)."""

    #: A batch waits this long for the lease (held by another worker), then gets server.busy.
    wait_seconds: float = 2.0
    #: Retries while another worker holds it start this far apart and double up to the cap.
    first_retry_seconds: float = 0.002
    max_retry_seconds: float = 0.025
    #: Ask the holder to let go at most this often.
    ask_every_seconds: float = 0.1
    #: A holder gives the lease back after the room has been quiet this long.
    idle_seconds: float = 0.2
    #: After giving the lease to a worker that asked, wait this long before claiming again.
    yield_seconds: float = 0.05


class Timer(Protocol):
    def cancel(self) -> None: ...


Sleep = Callable[[float], Awaitable[None]]
#: Call a function after a delay in seconds (``loop.call_later``).
CallLater = Callable[[float, Callable[[], None]], Timer]
Ask = Callable[[], Awaitable[None]]


class Lease:
    """This worker's view of one room's write lease."""

    def __init__(
        self,
        shared: Shared,
        room: str,
        clock: Callable[[], float],
        sleep: Sleep,
        call_later: CallLater,
        policy: LeasePolicy | None = None,
    ) -> None:
        self.shared = shared
        self.room = room
        self.clock = clock
        self.sleep = sleep
        self.call_later = call_later
        self.policy = policy or LeasePolicy()
        #: Clock time until which this worker surely holds the lease (0: not held).
        self.until = 0.0
        #: Another worker asked for the lease while this one held it.
        self.wanted = False
        self._yield_until = 0.0
        self._asked_at = float("-inf")
        self._idle: Timer | None = None

    @property
    def held(self) -> bool:
        """Whether this worker took the lease and has not given it back yet."""
        return self.until != 0.0

    async def claim(self, ask: Ask) -> Claim:
        """Hold the lease, waiting for it if another worker holds it (``ask`` asks that one to
        let go). Unless the answer is ``exclusive`` or ``extended``, another worker may have
        written since this one last decided: bring the room up to ``head`` before deciding.

        Raises :class:`UnavailableError`: ``server.unavailable`` when the shared store cannot be
        reached, ``server.busy`` when the lease stays taken for ``wait_seconds``.
        """
        policy = self.policy
        self._quiet()
        if self.until > self.clock():
            return Claim(granted=True, extended=True)  # surely still ours: no round trip
        if (pause := self._yield_until - self.clock()) > 0:
            await self.sleep(pause)
        deadline = self.clock() + policy.wait_seconds
        delay = policy.first_retry_seconds
        while True:
            claimed_at = self.clock()
            try:
                claim = await self.shared.claim(self.room)
            except BrokerUnavailableError:
                raise UnavailableError(UNREACHABLE) from None
            if claim.granted:
                break
            if self.clock() >= deadline:
                raise UnavailableError(BUSY, "server.busy")
            if self.clock() - self._asked_at > policy.ask_every_seconds:
                self._asked_at = self.clock()
                await ask()
            await self.sleep(delay)
            delay = min(2 * delay, policy.max_retry_seconds)
        if not claim.exclusive:
            self.until = claimed_at + self.shared.lease_seconds / 2
        return claim

    def keep(self, when_idle: Callable[[], None]) -> None:
        """After a batch: keep the lease while the room is busy (no round trip per batch), and
        call ``when_idle`` once it has been quiet for ``idle_seconds``."""
        self._quiet()

        def idle() -> None:
            self._idle = None
            when_idle()

        self._idle = self.call_later(self.policy.idle_seconds, idle)

    def _quiet(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    def asked(self) -> bool:
        """Another worker waits for the lease: True when this one holds it and should give it
        back between two batches."""
        if not self.held:
            return False
        self.wanted = True
        return True

    async def release(self, head: int) -> None:
        """Give the lease back (if held), recording ``head``, the room's last committed seq, for
        the next holder. After another worker asked for it, hold off claiming for a moment."""
        if self.wanted:
            self.wanted = False
            self._yield_until = self.clock() + self.policy.yield_seconds
        self._quiet()
        if not self.held:
            return
        self.until = 0.0
        with suppress(BrokerUnavailableError):
            await self.shared.release(self.room, head)

    def lost(self) -> None:
        """The shared store may have forgotten the lease: claim it again before deciding."""
        self.until = 0.0
