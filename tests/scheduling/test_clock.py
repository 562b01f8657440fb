"""scheduling.clock: the injected clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scheduling.clock import FixedClock, SystemClock


def test_system_clock_reads_aware_utc_now() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    after = datetime.now(UTC)
    assert now.tzinfo is UTC
    assert before <= now <= after


def test_fixed_clock_keeps_its_instant_in_utc_and_advances() -> None:
    paris_noon = datetime(2027, 1, 24, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    clock = FixedClock(paris_noon)
    assert clock.now() == datetime(2027, 1, 24, 12, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    clock.advance(90.5)
    assert clock.now() == datetime(2027, 1, 24, 12, 1, 30, 500_000, tzinfo=UTC)


def test_fixed_clock_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2027, 1, 24, 12, 0))  # noqa: DTZ001 - the refused case
