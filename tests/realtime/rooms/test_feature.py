"""The feature registry: every table derived from it is whole and unambiguous."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import fields, replace

import pytest

from realtime import errors, limits, protocol
from realtime.rooms import lifecycle, room
from realtime.rooms.feature import Feature

from .conftest import ALICE, BOB, HOST, Driver
from .shaped import seeded_run

BY_NAME = {feature.name: feature for feature in room.FEATURES}


def _claimed(names: list[str]) -> list[str]:
    """Names claimed more than once (a later feature would silently replace an earlier one)."""
    return sorted(name for name, count in Counter(names).items() if count > 1)


def test_feature_names_are_distinct() -> None:
    assert _claimed([f.name for f in room.FEATURES]) == []


def test_feature_client_types_are_claimed_once() -> None:
    names = [name for f in room.FEATURES for name in f.client_types()]
    assert _claimed([*names, "join", "ping"]) == []


def test_feature_event_kinds_error_codes_and_transients_are_claimed_once() -> None:
    assert _claimed([k for f in room.FEATURES for k in f.events]) == []
    assert _claimed([*errors.CORE_CODES, *(c for f in room.FEATURES for c in f.errors)]) == []
    core_server = {"ok", "error", "snapshot", "batch", "room.degraded", "room.restored"}
    assert _claimed([*core_server, *(t for f in room.FEATURES for t in f.transients)]) == []


def test_feature_snapshot_keys_are_distinct() -> None:
    keys = [f.snapshot.key for f in room.FEATURES if f.snapshot is not None]
    assert _claimed([*keys, "seq", "presence", "reason"]) == []


@pytest.mark.parametrize("feature", room.FEATURES, ids=lambda f: f.name)
def test_feature_tables_hold_everything_it_declares(feature: Feature[object]) -> None:
    assert set(feature.client_types()) <= set(protocol.CLIENT_TYPES)
    assert set(feature.commands) <= set(room.COMMANDS)
    assert set(feature.queries) <= set(room.QUERIES)
    assert set(feature.events) <= set(room.EVENT_KINDS)
    assert set(feature.errors) <= set(errors.CODES)
    assert set(feature.transients) <= set(protocol.SERVER_TYPES)
    assert feature.buckets().items() <= limits.ACTION_OF_TYPE.items()


@pytest.mark.parametrize("feature", room.FEATURES, ids=lambda f: f.name)
def test_feature_declarations_are_usable(feature: Feature[object]) -> None:
    buckets = {f.name for f in fields(limits.Limits)} - {"frames", "strikes"}
    assert set(feature.buckets().values()) <= buckets
    assert feature.switch is None or feature.switch in lifecycle.FEATURES
    # Events it cannot fold would be stored and then lost on the next load.
    assert not feature.events or (feature.apply is not None and feature.new_state is not None)
    docs = [*feature.client_types().values(), *feature.events.values(), *feature.errors.values()]
    assert all(doc.endswith(".") for doc in [*docs, *feature.transients.values()])


def test_feature_switches_cover_every_switchable_feature() -> None:
    assert {f.switch for f in room.FEATURES if f.switch} == set(lifecycle.FEATURES)


def test_feature_state_is_one_part_per_stateful_feature() -> None:
    state = room.RoomState(lifecycle.RoomInfo("lobby-x", "X", "lobby"))
    stateful = [f.name for f in room.FEATURES if f.new_state is not None]
    assert list(state.parts) == stateful
    assert BY_NAME["chat"].of(state) is state.chat


@pytest.fixture(scope="module")
def rich() -> room.RoomState:
    """A room in which every feature holds something (a generated run)."""
    return seeded_run(0, 600).driver.state


@pytest.mark.parametrize("feature", room.FEATURES, ids=lambda f: f.name)
def test_feature_ignores_event_kinds_it_does_not_have(
    feature: Feature[object], rich: room.RoomState
) -> None:
    own = [e for seed in range(2) for e in seeded_run(seed, 600).driver.events]
    own = [e for e in own if e.kind in feature.events]
    # A feature whose events are about something (an ``id``) reads it from any event it gets.
    about = [e for e in own if "id" in e.data] or own
    for event in about:
        foreign = replace(event, kind=event.kind.split(".")[0] + ".unheard_of")
        state = copy.deepcopy(rich)
        feature.fold(state, foreign)
        assert state == rich, event.kind


@pytest.mark.parametrize("feature", room.FEATURES, ids=lambda f: f.name)
def test_feature_ignores_events_about_what_it_does_not_hold(
    feature: Feature[object], rich: room.RoomState
) -> None:
    for event in [e for seed in range(2) for e in seeded_run(seed, 600).driver.events]:
        if event.kind in feature.events and isinstance(event.data.get("id"), int):
            dangling = replace(event, data={**event.data, "id": 10**9})
            state = copy.deepcopy(rich)
            feature.fold(state, dangling)
            assert state == rich, event.kind


def test_feature_without_events_folds_nothing(rich: room.RoomState) -> None:
    stateless = [f for f in room.FEATURES if f.apply is None]
    any_event = seeded_run(0, 50).driver.events[0]
    state = copy.deepcopy(rich)
    for feature in stateless:
        feature.fold(state, any_event)
    assert ([f.name for f in stateless], state) == (["reactions", "presence"], rich)


#: Transient frames the ticker counts itself: their figures live outside the room's state
#: (the reaction window of the second, presence across workers, the clock for the status).
TICKER_COUNTED = {"reactions", "presence", "room.status"}


def test_feature_transients_are_computed_by_their_feature_or_counted_by_the_ticker() -> None:
    for feature in room.FEATURES:
        computed = feature.changed is not None
        assert computed == bool(set(feature.transients) - TICKER_COUNTED), feature.name


def test_room_take_changes_gives_each_view_what_changed_once(driver: Driver) -> None:
    driver.do(HOST, "poll.create", question="Best?", options=["a", "b"], results="after_vote")
    poll_id = driver.last().seq
    driver.do(ALICE, "poll.vote", choices=[1])
    driver.do(ALICE, "qa.ask", text="Why?")
    question_id = driver.last().seq
    driver.do(BOB, "qa.upvote", id=question_id)
    votes = ("qa.votes", {"counts": {str(question_id): 1}})
    full = ("poll.tally", {"id": poll_id, "total": 1, "counts": [0, 1]})
    assert room.take_changes(driver.state) == {
        "public": [votes, ("poll.tally", {"id": poll_id, "total": 1})],
        "voter": [votes, full],
        "moderator": [votes, full],
    }
    assert room.take_changes(driver.state) == {"public": [], "voter": [], "moderator": []}
