from __future__ import annotations

import pytest

from realtime.errors import RateLimitedError
from realtime.limits import IdentityLimits, Limits, Rate, RateLimiter, TokenBucket


def test_limits_bucket_allows_a_burst_then_refills() -> None:
    bucket = TokenBucket.full(Rate(2, 1.0), now=0.0)
    assert [bucket.take(0.0), bucket.take(0.0)] == [0.0, 0.0]
    assert bucket.take(0.0) == 1.0
    assert bucket.take(0.5) == 0.5
    assert bucket.take(1.0) == 0.0


def test_limits_limiter_keys_are_independent() -> None:
    limiter = RateLimiter(Rate(1, 0.1))
    limiter.check("a", 0.0)
    limiter.check("b", 0.0)
    with pytest.raises(RateLimitedError) as limited:
        limiter.check("a", 0.0)
    assert (limited.value.code, limited.value.retry_after_seconds) == ("rate.limited", 10.0)


def test_limits_forget_idle_drops_full_buckets() -> None:
    limiter = RateLimiter(Rate(1, 1.0))
    limiter.check("a", 0.0)
    limiter.forget_idle(0.5)
    assert list(limiter.buckets) == ["a"]
    limiter.forget_idle(1.0)
    assert limiter.buckets == {}


def test_limits_normal_chatting_is_never_limited() -> None:
    limits = IdentityLimits()
    for n in range(30):  # a message every 3 seconds for a minute and a half
        limits.check("chat.send", "g:a", False, n * 3.0)


def test_limits_chat_flood_is_stopped() -> None:
    limits = IdentityLimits()
    allowed = 0
    for n in range(100):  # 100 messages in 10 seconds
        try:
            limits.check("chat.send", "g:a", False, n * 0.1)
            allowed += 1
        except RateLimitedError:
            pass
    assert allowed == Limits().chat.burst + 4  # the burst, then one every 2 s


def test_limits_types_without_an_action_are_not_limited_here() -> None:
    limits = IdentityLimits()
    for _ in range(1000):
        limits.check("quiz.standing", "g:a", False, 0.0)


def test_limits_identity_limits_forget_full_buckets_of_every_action() -> None:
    limits = IdentityLimits()
    limits.check("chat.send", "g:a", False, 0.0)
    limits.check("qa.upvote", "g:b", False, 0.0)
    limits.forget_idle(1.0)  # chat refills in 2 s, votes in 0.5 s
    assert {a: list(r.buckets) for a, r in limits.limiters.items()} == {"chat": ["g:a"], "vote": []}
