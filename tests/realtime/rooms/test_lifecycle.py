from __future__ import annotations

from datetime import timedelta

import pytest

from realtime.errors import ConflictError, ForbiddenError, InvalidError
from realtime.rooms import lifecycle
from realtime.rooms.lifecycle import LifecycleState, RoomInfo, Status

from .conftest import ALICE, HOST, START, Driver

SESSION = RoomInfo(
    "session-abc",
    "Workshop",
    "session",
    starts_at_utc=START + timedelta(hours=1),
    ends_at_utc=START + timedelta(hours=2),
)


def test_lifecycle_status_follows_the_session_times() -> None:
    state = LifecycleState()
    assert lifecycle.status(state, SESSION, START) == Status.LOBBY
    assert lifecycle.status(state, SESSION, START + timedelta(hours=1)) == Status.LIVE
    assert lifecycle.status(state, SESSION, START + timedelta(hours=2)) == Status.ENDED


def test_lifecycle_lobby_room_is_always_live() -> None:
    info = RoomInfo("lobby-x", "Lobby", "lobby")
    assert lifecycle.status(LifecycleState(), info, START + timedelta(days=400)) == Status.LIVE


def test_lifecycle_chat_open_in_lobby_and_read_only_after_end() -> None:
    driver = Driver(SESSION)
    driver.do(ALICE, "chat.send", text="early bird")
    driver.now = START + timedelta(hours=2)
    with pytest.raises(ForbiddenError) as ended:
        driver.do(ALICE, "chat.send", text="late")
    assert ended.value.code == "room.ended"
    assert [m["text"] for m in driver.snapshot(ALICE)["chat"]] == ["early bird"]
    assert driver.snapshot(ALICE)["room"]["status"] == "ended"


def test_lifecycle_host_opens_early_and_ends_and_reopens() -> None:
    driver = Driver(SESSION)
    driver.do(HOST, "room.open")
    assert driver.state.status(driver.now) == Status.LIVE
    driver.do(HOST, "room.end")
    assert driver.state.status(driver.now) == Status.ENDED
    with pytest.raises(ForbiddenError):
        driver.do(ALICE, "qa.ask", text="still there?")
    driver.do(HOST, "room.open")
    assert [e.kind for e in driver.events] == ["room.opened", "room.ended", "room.opened"]
    assert driver.state.status(driver.now) == Status.LIVE


def test_lifecycle_cannot_reopen_after_the_scheduled_end() -> None:
    driver = Driver(SESSION, now=START + timedelta(hours=3))
    with pytest.raises(ConflictError) as over:
        driver.do(HOST, "room.open")
    assert over.value.code == "room.ended"


def test_lifecycle_features_can_be_switched_off() -> None:
    driver = Driver(SESSION)
    driver.do(HOST, "room.configure", features={"chat": False})
    with pytest.raises(ForbiddenError) as off:
        driver.do(ALICE, "chat.send", text="hi")
    assert off.value.code == "feature.disabled"
    assert driver.snapshot(ALICE)["room"]["features"]["chat"] is False
    driver.do(ALICE, "qa.ask", text="Q&A still on")


def test_lifecycle_configure_validates_its_fields() -> None:
    driver = Driver(SESSION)
    for data in ({}, {"features": {"dance": True}}, {"slow_mode_seconds": 601}):
        with pytest.raises(InvalidError):
            driver.do(HOST, "room.configure", **data)


def test_lifecycle_view_names_times_and_status() -> None:
    view = lifecycle.view(LifecycleState(), SESSION, START)
    assert (view["status"], view["starts_at"], view["title"]) == (
        "lobby",
        START + timedelta(hours=1),
        "Workshop",
    )


def test_lifecycle_room_times_must_be_aware() -> None:
    naive = START.replace(tzinfo=None)
    with pytest.raises(ValueError, match="timezone-aware"):
        RoomInfo("session-x", "X", "session", starts_at_utc=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        RoomInfo("session-x", "X", "session", starts_at_utc=START, ends_at_utc=naive)
