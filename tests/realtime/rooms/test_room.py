from __future__ import annotations

from datetime import UTC, datetime

import pytest

from realtime import protocol
from realtime.events import Context, Draft, Event, Outcome
from realtime.rooms import room

from .conftest import ALICE, BOB, HOST, START, Driver


def test_room_every_command_type_has_a_handler_or_query() -> None:
    session_types = {"join", "ping", "react"}
    handled = set(room.COMMANDS) | set(room.QUERIES) | session_types
    assert handled == set(protocol.CLIENT_TYPES)


def test_room_commit_numbers_events_in_one_order(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="a")
    driver.do(BOB, "qa.ask", text="b")
    driver.do(HOST, "poll.create", question="c", options=["x", "y"])
    assert [(e.seq, e.kind, e.actor) for e in driver.events] == [
        (1, "chat.message", "g:alice"),
        (2, "qa.asked", "g:bob"),
        (3, "poll.opened", "u:host"),
    ]


def test_room_apply_ignores_events_already_applied(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="a")
    assert room.apply(driver.state, driver.events[0]) is False
    assert driver.state.seq == 1


def test_room_apply_refuses_a_gap(driver: Driver) -> None:
    later = Event(
        3, "chat.message", START, "g:x", {"author": {"id": "g:x", "name": "X"}, "text": "t"}
    )
    with pytest.raises(room.GapError):
        room.apply(driver.state, later)


def test_room_replaying_the_log_rebuilds_the_same_state(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="a")
    driver.do(ALICE, "qa.ask", text="q")
    driver.do(BOB, "qa.upvote", id=2)
    driver.do(HOST, "poll.create", question="p", options=["x", "y"], results="after_vote")
    driver.do(BOB, "poll.vote", choices=[1])
    driver.do(HOST, "mod.mute", id=ALICE.id, minutes=3)
    rebuilt = Driver()
    for event in driver.events:
        room.apply(rebuilt.state, event)
    for viewer in (ALICE, BOB, HOST):
        assert rebuilt.snapshot(viewer) == driver.snapshot(viewer)


def test_room_commit_uses_the_context_time_and_actor() -> None:
    state = room.RoomState(Driver().state.info)
    at = datetime(2027, 1, 24, 8, 30, tzinfo=UTC)
    events = room.commit(state, Context(ALICE, at), Outcome([Draft("room.ended", {})]))
    assert (events[0].seq, events[0].at_utc, events[0].actor) == (1, at, "g:alice")


def test_room_event_kinds_have_descriptions() -> None:
    assert all(room.EVENT_KINDS.values())
    assert "chat.message" in room.EVENT_KINDS and "quiz.revealed" in room.EVENT_KINDS


def test_room_snapshot_tells_you_who_you_are(driver: Driver) -> None:
    snap = driver.snapshot(HOST)
    assert snap["you"] == {"id": "u:host", "name": "Host", "moderator": True, "muted_until": None}
    assert (snap["seq"], snap["reactions"][0]) == (0, "👏")
