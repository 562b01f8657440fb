"""Every event kind of every room feature survives the event store, on SQLite and PostgreSQL.

The events are generated from the features' descriptors (tests/realtime/rooms/shaped.py), so a
new feature's events are stored and read back here without a test written for them.
"""

from __future__ import annotations

import pytest

from festival.db import make_engine, make_sessionmaker
from festival.stores.rooms import SqlEventStore
from realtime.events import Event
from realtime.rooms import room
from tests.realtime.rooms.conftest import ALICE, BOB, HOST, Driver
from tests.realtime.rooms.shaped import Run, seeded_run

ALL_KINDS = frozenset(room.EVENT_KINDS)


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    """Generated rooms that hold, between them, events of every kind (by room name)."""
    found: dict[str, Run] = {}
    seen: set[str] = set()
    for seed in range(5):
        run = seeded_run(seed, 3000, until_kinds=set(ALL_KINDS))
        found[f"lobby-generated-{seed}"] = run
        seen |= run.kinds()
        if seen >= ALL_KINDS:
            break
    return found


def test_room_events_generated_cover_every_kind(runs: dict[str, Run]) -> None:
    seen = {kind for run in runs.values() for kind in run.kinds()}
    assert sorted(ALL_KINDS - seen) == []


async def test_room_events_of_every_kind_round_trip_through_the_store(
    database_url: str, runs: dict[str, Run]
) -> None:
    engine = make_engine(database_url)
    store = SqlEventStore(make_sessionmaker(engine))
    await store.start()
    failed: dict[str, str] = {}
    try:
        for name, run in runs.items():
            for event in run.driver.events:  # one by one: a refused kind does not hide others
                try:
                    await store.append(name, [event])
                except Exception as exc:  # noqa: BLE001 - reported by kind below
                    failed.setdefault(event.kind, f"{type(exc).__name__}: {exc}"[:200])
            stored = {e.seq: e for e in await store.read(name, 0)}
            for event in run.driver.events:
                if event.kind not in failed and stored.get(event.seq) != event:
                    failed.setdefault(event.kind, f"read back as {stored.get(event.seq)!r}"[:200])
    finally:
        await store.close()
        await engine.dispose()
    assert failed == {}


async def test_room_state_rebuilt_from_the_store_is_the_same(
    database_url: str, runs: dict[str, Run]
) -> None:
    engine = make_engine(database_url)
    store = SqlEventStore(make_sessionmaker(engine))
    await store.start()
    try:
        name, run = next(iter(runs.items()))
        await store.append(name, run.driver.events)
        stored: list[Event] = await store.read(name, 0)
    finally:
        await store.close()
        await engine.dispose()
    rebuilt = Driver(now=run.driver.now)
    for event in stored:
        room.apply(rebuilt.state, event)
    for viewer in (ALICE, BOB, HOST):
        assert rebuilt.snapshot(viewer) == run.driver.snapshot(viewer)
