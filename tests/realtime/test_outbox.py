from __future__ import annotations

from realtime.outbox import Outbox


def test_outbox_keeps_order_and_drains_everything() -> None:
    outbox = Outbox()
    for frame in ("a", "b", "c"):
        assert outbox.put(frame) is True
    assert (outbox.take(), outbox.take()) == (["a", "b", "c"], [])


def test_outbox_refuses_beyond_its_frame_and_size_bounds() -> None:
    by_count = Outbox(max_frames=2)
    by_size = Outbox(max_chars=5)
    assert [by_count.put(f) for f in ("1", "2", "3")] == [True, True, False]
    assert [by_size.put(f) for f in ("abc", "de", "f")] == [True, True, False]


def test_outbox_empty_takes_one_frame_of_any_size() -> None:
    outbox = Outbox(max_chars=5)
    assert (outbox.put("x" * 100), outbox.put("y")) == (True, False)


def test_outbox_closed_refuses_and_can_drop_pending() -> None:
    outbox = Outbox()
    outbox.put("queued")
    outbox.close(4000, "too slow", drop_pending=True)
    assert (outbox.put("late"), outbox.take(), outbox.close_code) == (False, [], 4000)


def test_outbox_calls_on_ready_after_put_and_close() -> None:
    outbox = Outbox()
    calls: list[int] = []
    outbox.on_ready = lambda: calls.append(len(outbox))
    outbox.put("x")
    outbox.close(1000)
    assert (calls, outbox.close_code) == ([1, 1], 1000)


def test_outbox_put_all_queues_past_the_bounds_and_wakes_once() -> None:
    outbox = Outbox(max_frames=2, max_chars=5)
    calls: list[int] = []
    outbox.on_ready = lambda: calls.append(len(outbox))
    assert outbox.put_all(["ok", "snapshot", "more"]) is True
    assert calls == [3]  # one wake for the three: one write
    assert outbox.put("late") is False  # they count: the next frame is over the bounds
    assert outbox.take() == ["ok", "snapshot", "more"]
    outbox.close(4000)
    assert (outbox.put_all(["x"]), outbox.take()) == (False, [])
