from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realtime import backplane, protocol
from realtime.errors import RoomError
from realtime.events import Context, Draft, Event, Outcome
from realtime.identity import Identity
from realtime.rooms import room

from . import shaped
from .conftest import ALICE, BOB, CAROL, HOST, SIGNED_IN, START, Driver


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


def test_room_you_tells_who_you_are(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="hi")
    driver.do(HOST, "mod.mute", id=ALICE.id, minutes=2)
    assert room.you(driver.state, HOST, driver.now) == {
        "id": "u:host",
        "name": "Host",
        "moderator": True,
        "signed_in": False,
        "muted_until": None,
    }
    assert room.you(driver.state, ALICE, driver.now)["muted_until"] == "2027-01-24T12:02:00Z"
    assert (driver.snapshot(HOST)["seq"], driver.snapshot(HOST)["reactions"][0]) == (2, "👏")


def test_room_fresh_viewers_share_the_public_snapshot(driver: Driver) -> None:
    driver.do(ALICE, "qa.ask", text="q")
    driver.do(HOST, "poll.create", question="p", options=["a", "b"], results="after_vote")
    assert room.is_fresh(driver.state, BOB) is True
    assert driver.snapshot(BOB) == driver.snapshot(room.ANYONE)
    driver.do(BOB, "poll.vote", choices=[0])
    assert room.is_fresh(driver.state, BOB) is False
    assert driver.snapshot(BOB) != driver.snapshot(room.ANYONE)
    assert room.is_fresh(driver.state, HOST) is False


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 2**60)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
field_names = st.sampled_from(
    [
        "text",
        "id",
        "choices",
        "choice",
        "options",
        "question",
        "correct",
        "time_limit_seconds",
        "multiple",
        "results",
        "pinned",
        "minutes",
        "features",
        "qa_moderation",
        "slow_mode_seconds",
        "nonce",
        "emoji",
    ]
)
commands = st.tuples(
    st.sampled_from(sorted(room.COMMANDS)),
    st.dictionaries(field_names, json_values | st.integers(0, 12), max_size=5),
    st.sampled_from([ALICE, BOB, HOST]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(commands, max_size=25))
def test_room_fuzzed_commands_only_ever_raise_room_errors(
    steps: list[tuple[str, dict[str, object], Identity]],
) -> None:
    driver = Driver()
    driver.do(ALICE, "chat.send", text="seed")
    driver.do(ALICE, "qa.ask", text="seed?")
    for message_type, data, who in steps:
        try:
            driver.do(who, message_type, **data)
        except RoomError:
            pass
        driver.advance(1)
    rebuilt = Driver()
    for event in driver.events:
        room.apply(rebuilt.state, event)
    assert rebuilt.snapshot(HOST) == driver.snapshot(HOST)


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(1, 40))
def test_room_shaped_commands_only_ever_raise_room_errors(data: st.DataObject, count: int) -> None:
    run = shaped.Run()
    pick = shaped.DrawChooser(data)
    for _ in range(count):
        run.do(pick)
    assert {e.kind for e in run.driver.events} <= set(room.EVENT_KINDS)
    rebuilt = Driver()
    for event in run.driver.events:
        room.apply(rebuilt.state, event)
    for viewer in (ALICE, BOB, HOST):
        assert rebuilt.snapshot(viewer) == run.driver.snapshot(viewer)


def test_room_shaped_commands_reach_every_command_and_event_kind() -> None:
    runs = [shaped.seeded_run(seed, 1000) for seed in range(3)]
    accepted = {name for run in runs for name in run.accepted}
    assert sorted(set(room.COMMANDS) - accepted) == []
    assert sorted(set(room.EVENT_KINDS) - {k for run in runs for k in run.kinds()}) == []


def _plain_json(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_json(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


def test_room_generated_events_hold_plain_json_and_survive_the_broker_codec() -> None:
    events = [e for seed in range(3) for e in shaped.seeded_run(seed, 1000).driver.events]
    assert sorted({e.kind for e in events if not _plain_json(e.data)}) == []
    for seed in range(3):
        run = shaped.seeded_run(seed, 1000)
        message = backplane.encode(backplane.Events("lobby-test", run.driver.events))
        assert backplane.decode(message) == backplane.Events("lobby-test", run.driver.events)


# -- only signed-in people vote (issue #14: one person, many free guest identities) ----------


def outcome(driver: Driver, who: Identity, message_type: str, **data: object) -> str:
    try:
        driver.do(who, message_type, **data)
    except RoomError as exc:
        return exc.code
    return "ok"


def test_room_votes_require_sign_in_refuses_guests_votes(driver: Driver) -> None:
    driver.do(ALICE, "qa.ask", text="Why?")
    question = driver.last().seq
    driver.do(BOB, "qa.upvote", id=question)  # before the host turns it on
    driver.do(HOST, "poll.create", question="Which?", options=["x", "y"])
    driver.do(HOST, "quiz.add", text="2+2?", options=["3", "4"], correct=1)
    driver.do(HOST, "quiz.ask")
    driver.do(HOST, "room.configure", votes_require_sign_in=True)
    votes = [
        ("poll.vote", {"choices": [0]}),
        ("qa.upvote", {"id": question}),
        ("quiz.answer", {"choice": 1}),
    ]
    assert [outcome(driver, CAROL, kind, **data) for kind, data in votes] == [
        "vote.sign_in_required"
    ] * 3
    assert [outcome(driver, SIGNED_IN, kind, **data) for kind, data in votes] == ["ok"] * 3
    assert outcome(driver, BOB, "qa.unvote", id=question) == "ok"  # taking back still works
    assert outcome(driver, CAROL, "chat.send", text="and talking too") == "ok"


def test_room_votes_require_sign_in_is_a_host_setting_everyone_sees(driver: Driver) -> None:
    assert driver.snapshot(ALICE)["room"]["votes_require_sign_in"] is False
    assert outcome(driver, ALICE, "room.configure", votes_require_sign_in=True) == (
        "auth.forbidden"
    )
    driver.do(HOST, "room.configure", votes_require_sign_in=True)
    assert driver.last().data == {"votes_require_sign_in": True}
    assert driver.snapshot(ALICE)["room"]["votes_require_sign_in"] is True
    driver.do(HOST, "room.configure", votes_require_sign_in=False)
    driver.do(HOST, "poll.create", question="Which?", options=["x", "y"])
    assert outcome(driver, CAROL, "poll.vote", choices=[1]) == "ok"


def test_room_you_says_whether_you_are_signed_in(driver: Driver) -> None:
    assert room.you(driver.state, SIGNED_IN, driver.now)["signed_in"] is True
    assert room.you(driver.state, ALICE, driver.now)["signed_in"] is False
