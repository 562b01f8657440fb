"""What the workers of one deployment share besides messages: room write leases, presence and
rate limits. The broker offers it (``Broker.shared``); in one process it is all local.

- **Write lease** (``claim`` / ``release``): one worker at a time decides, stores and publishes a
  room's next events, so every worker sees a room's events published in ``seq`` order. The
  lease also carries the room's head (the last ``seq`` committed) so the next holder knows
  whether it has seen everything before deciding. The database's unique ``(room, seq)`` stays
  the final guard: a holder whose lease expired under it fails to store, never forks the log.
- **Presence** (``presence``): each worker reports the people it holds in a room and learns
  the room's exact count across workers; a worker that dies stops being counted within
  ``presence_ttl_seconds``.
- **Rate limits** (``take``): token buckets keyed by identity, so a flood spread over several
  connections on several workers is still one identity.
- **Slots** (``hold`` / ``let_go`` / ``renew``): at most N of something at once across workers
  (connections per network address); a worker that dies stops holding its slots within
  ``hold_seconds``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Claim:
    """The answer to a lease request."""

    granted: bool
    #: The room's last committed seq as the deployment knows it; None when nobody knows (the
    #: holder must read the store before deciding).
    head: int | None = None
    #: True when this process is the only writer there can be (nothing to check).
    exclusive: bool = False
    #: True when this worker already held the lease and only extended it: nobody else can have
    #: written since it took it, so there is nothing to catch up on.
    extended: bool = False


class Shared(Protocol):
    #: True when other workers may exist (leases, presence and limits must be shared).
    distributed: bool
    #: A dead worker's people stop being counted within this many seconds.
    presence_ttl_seconds: float
    #: A write lease lapses this long after it was taken or extended.
    lease_seconds: float
    #: Slots a worker holds lapse this long after they were last taken or renewed.
    hold_seconds: float

    async def claim(self, room: str) -> Claim:
        """Try to take ``room``'s write lease (or extend it if this process holds it)."""
        ...

    async def release(self, room: str, head: int) -> None:
        """Give the lease back, recording ``head`` as the room's last committed seq."""
        ...

    async def presence(
        self, room: str, joined: Mapping[str, str], left: Iterable[str], local_count: int
    ) -> int:
        """Report who joined and left here (id -> info); the room's count across workers."""
        ...

    async def who(self, room: str, limit: int) -> dict[str, str]:
        """Up to ``limit`` people in the room across workers: id -> info."""
        ...

    async def take(self, key: str, burst: float, per_second: float) -> float:
        """Spend a token from bucket ``key``: 0.0 if allowed, else seconds to wait."""
        ...

    async def hold(self, key: str, limit: int) -> bool:
        """Take one of ``limit`` slots of ``key`` for this worker; False when all are held."""
        ...

    async def let_go(self, key: str) -> None:
        """Give back one slot of ``key`` taken by :meth:`hold`."""
        ...

    async def renew(self, held: Mapping[str, int]) -> None:
        """Restate how many slots of each key this worker holds (keeps them from lapsing)."""
        ...


class LocalShared:
    """One process: it is the only writer, its presence is all there is, its limits suffice."""

    distributed = False
    presence_ttl_seconds = 0.0
    lease_seconds = float("inf")
    hold_seconds = float("inf")

    async def claim(self, room: str) -> Claim:
        return Claim(granted=True, exclusive=True)

    async def release(self, room: str, head: int) -> None:
        return None

    async def presence(
        self, room: str, joined: Mapping[str, str], left: Iterable[str], local_count: int
    ) -> int:
        return local_count

    async def who(self, room: str, limit: int) -> dict[str, str]:
        return {}

    async def take(self, key: str, burst: float, per_second: float) -> float:
        return 0.0

    async def hold(self, key: str, limit: int) -> bool:
        return True

    async def let_go(self, key: str) -> None:
        return None

    async def renew(self, held: Mapping[str, int]) -> None:
        return None
