from __future__ import annotations

import pytest

from realtime.snapshots import REPLAY_LIMIT, snapshot_reason


@pytest.mark.parametrize(
    ("last_seq", "head", "reason"),
    [
        (None, 0, "first_join"),
        (None, 50, "first_join"),
        (0, 0, None),
        (10, 50, None),
        (50, 50, None),
        (0, REPLAY_LIMIT, None),
        (0, REPLAY_LIMIT + 1, "too_far_behind"),
        (51, 50, "unknown_seq"),
    ],
)
def test_snapshots_reason_replays_when_it_can(
    last_seq: int | None, head: int, reason: str | None
) -> None:
    assert snapshot_reason(last_seq, head) == reason
