"""The feature registry: every table derived from it is whole and unambiguous."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields

import pytest

from realtime import errors, limits, protocol
from realtime.rooms import lifecycle, room
from realtime.rooms.feature import Feature

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
