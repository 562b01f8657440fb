"""Rate limits as token buckets, and the abuse meter that decides when to give up on a client.

Pure: every call takes ``now`` in seconds (any monotonic origin), nothing reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from realtime.errors import RateLimitedError
from realtime.rooms.room import FEATURES


@dataclass(frozen=True, slots=True)
class Rate:
    """``burst`` actions at once, refilled at ``per_second``."""

    burst: float
    per_second: float


@dataclass(frozen=True, slots=True)
class Limits:
    """Defaults that stop a flood but never bother a person typing, voting or cheering."""

    frames: Rate = Rate(40, 10.0)  # every frame on one connection
    chat: Rate = Rate(8, 0.5)  # 8 at once, then one every 2 s
    ask: Rate = Rate(5, 1 / 20)  # 5 at once, then one every 20 s
    vote: Rate = Rate(20, 2.0)  # upvotes, poll votes, quiz answers
    react: Rate = Rate(15, 5.0)
    moderate: Rate = Rate(60, 5.0)
    #: strikes (refused frames) a connection may collect before it is closed with 1008.
    strikes: Rate = Rate(10, 0.5)

    @classmethod
    def unlimited(cls) -> Limits:
        """No rate limits (load tests and benchmarks); refused frames still count as strikes."""
        free = Rate(1e9, 1e9)
        return cls(frames=free, chat=free, ask=free, vote=free, react=free, moderate=free)

    def for_action(self, action: str) -> Rate:
        rate: Rate = getattr(self, action)
        return rate


#: Which bucket each client message type draws from (types absent here draw only on `frames`),
#: as each room feature declares it.
ACTION_OF_TYPE: dict[str, str] = {
    name: bucket for feature in FEATURES for name, bucket in feature.buckets().items()
}


@dataclass(slots=True)
class TokenBucket:
    rate: Rate
    tokens: float
    updated: float

    @classmethod
    def full(cls, rate: Rate, now: float) -> TokenBucket:
        return cls(rate, rate.burst, now)

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.rate.burst, self.tokens + elapsed * self.rate.per_second)
        self.updated = now

    def take(self, now: float) -> float:
        """0.0 when allowed (a token is spent), else the seconds until one is available."""
        self._refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate.per_second

    def is_full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.rate.burst


@dataclass(slots=True)
class RateLimiter:
    """Per-key buckets for one class of action (e.g. per identity for chat)."""

    rate: Rate
    buckets: dict[str, TokenBucket] = field(default_factory=dict)

    def check(self, key: str, now: float) -> None:
        """Spend a token for ``key`` or raise ``rate.limited`` with the wait."""
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = TokenBucket.full(self.rate, now)
        wait = bucket.take(now)
        if wait > 0:
            raise RateLimitedError("Slow down a little.", wait)

    def forget_idle(self, now: float) -> None:
        """Drop buckets that are full again (they hold no information)."""
        for key in [k for k, b in self.buckets.items() if b.is_full(now)]:
            del self.buckets[key]


@dataclass(slots=True)
class IdentityLimits:
    """All action buckets of one room, keyed by identity (shared by a person's tabs)."""

    limits: Limits = field(default_factory=Limits)
    limiters: dict[str, RateLimiter] = field(default_factory=dict)

    def check(self, message_type: str, identity_id: str, moderator: bool, now: float) -> None:
        action = "moderate" if moderator else ACTION_OF_TYPE.get(message_type)
        if action is None:
            return
        limiter = self.limiters.get(action)
        if limiter is None:
            limiter = self.limiters[action] = RateLimiter(self.limits.for_action(action))
        limiter.check(identity_id, now)

    def forget_idle(self, now: float) -> None:
        for limiter in self.limiters.values():
            limiter.forget_idle(now)
