"""The sequence guard between workers, driven on SQLite and PostgreSQL: two workers write the
same seq of one room (its write lease was lost from Redis), the database's unique (room, seq)
refuses the second, and that worker reloads the room and decides again. Every member gets every
event once, in one order, and both writers get their ``ok``.

Gates in the stores (tests/realtime/gates.py) order the two writes, the first worker's publish
and the second's reload, so each run takes exactly the path that repeated events in production
(issue #14: "seq taken by another worker; deciding again").
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from festival.db import make_engine, make_sessionmaker
from festival.stores.rooms import SqlEventStore
from tests.realtime.gates import GatedStore
from tests.realtime.workers import INFO, Inbox, Workers, person, replies, send, texts
from tests.redis_server import require_redis


@pytest.fixture
async def sql_stores(database_url: str) -> AsyncIterator[tuple[GatedStore, GatedStore]]:
    """Two workers' event stores (each its own writer and connections) on one database."""
    engine = make_engine(database_url)
    stores = [SqlEventStore(make_sessionmaker(engine)) for _ in range(2)]
    for store in stores:
        await store.start()
    yield GatedStore(stores[0]), GatedStore(stores[1])
    for store in stores:
        await store.close()
    await engine.dispose()


@pytest.fixture
async def workers() -> AsyncIterator[Workers]:
    made = Workers(require_redis())
    yield made
    await made.close()


async def test_room_seq_guard_second_writer_reloads_and_decides_again(
    sql_stores: tuple[GatedStore, GatedStore], workers: Workers
) -> None:
    store_one, store_two = sql_stores
    one, two = await workers.add(store_one), await workers.add(store_two)
    ana, ben = person("ana"), person("ben")
    await one.join(ana, "j", None)
    await two.join(ben, "j", None)
    inbox_a, inbox_b = Inbox(ana), Inbox(ben)
    await send(one, ana, "first", "first")
    await inbox_b.until(lambda f: inbox_b.seqs() == [1])

    # Worker one decides seq 2 and is about to store it when Redis forgets the lease.
    store_one.before_append.closed = store_two.before_append.closed = True
    await send(one, ana, "a", "from one")
    await store_one.before_append.parked()
    assert await workers.forget_shared() > 0
    # Worker two takes the lease, reads the database (seq 1) and decides seq 2 too.
    await send(two, ben, "b", "from two")
    await store_two.before_append.parked()
    # One stores first; two's insert hits the unique key while one has not published yet.
    store_one.after_append.closed = True
    store_one.before_append.open()
    await store_one.after_append.parked()
    store_two.before_read.closed = True
    store_two.before_append.open()
    await store_two.before_read.parked()  # two reloads the room after the conflict...
    store_one.after_append.open()  # ...while one's publish of seq 2 reaches two's members
    await inbox_b.until(lambda f: 2 in inbox_b.seqs())
    store_two.before_read.open()

    frames_a = await inbox_a.until(lambda f: "a" in replies(f) and len(texts(f)) >= 3)
    frames_b = await inbox_b.until(lambda f: "b" in replies(f) and len(texts(f)) >= 3)
    expected = [(1, "first"), (2, "from one"), (3, "from two")]
    assert texts(frames_a) == texts(frames_b) == expected
    assert inbox_a.seqs() == inbox_b.seqs() == [1, 2, 3]  # nothing twice, nothing missing
    assert [(ref, r["type"], r["data"].get("seq")) for ref, r in replies(frames_a).items()] == [
        ("first", "ok", 1),
        ("a", "ok", 2),
    ]
    assert [(ref, r["type"], r["data"].get("seq")) for ref, r in replies(frames_b).items()] == [
        ("b", "ok", 3)
    ]
    assert (store_one.conflicts, store_two.conflicts) == (0, 1)
    stored = await store_one.read(INFO.name, 0)
    assert [(e.seq, e.data["text"]) for e in stored] == expected


#: The fault run ends after this many conflicts between the two workers' writes...
CONFLICTS = 3
#: ...or after this many messages per member, or this long, whichever comes first.
MAX_PER_MEMBER = 1500
MAX_SECONDS = 20.0


class Chaos:
    """Deletes every Redis key of the deployment over and over, as a Redis restarted empty or
    evicting would, until stopped."""

    def __init__(self, workers: Workers) -> None:
        self.workers = workers
        self.stop = asyncio.Event()
        self.forgotten = 0

    async def run(self) -> None:
        client = Redis.from_url(self.workers.url, protocol=2)
        try:
            while not self.stop.is_set():
                pattern = f"{self.workers.prefix}*"
                keys = [key async for key in client.scan_iter(match=pattern)]
                self.forgotten += int(await client.delete(*keys)) if keys else 0
                await asyncio.sleep(0.005)
        finally:
            await client.aclose()


def outcome(talkers: list[tuple[str, Inbox]]) -> tuple[Counter[str], Counter[str]]:
    """The texts acknowledged (how often each) and the error codes answered (how often each)."""
    acked, refused = Counter[str](), Counter[str]()
    for name, inbox in talkers:
        for ref, reply in replies(inbox.frames).items():
            if reply["type"] == "ok":
                acked[f"{name} {ref}"] += 1
            else:
                refused[reply["data"]["code"]] += 1
    return acked, refused


async def test_room_seq_guard_lease_lost_under_load_repeats_and_loses_nothing(
    sql_stores: tuple[GatedStore, GatedStore], workers: Workers
) -> None:
    """Fault: Redis forgets the room's lease again and again while both workers take a steady
    stream of chat for the room, so both write at once and the database refuses one of them,
    several times: every member still gets every event once and in one order, and every
    acknowledged message is in the log once."""
    stores = sql_stores
    one, two = await workers.add(stores[0]), await workers.add(stores[1])
    members = [
        (one, person("ana")),
        (one, person("bea")),
        (two, person("ben")),
        (two, person("cy")),
    ]
    for runtime, member in members:
        await runtime.join(member, "j", None)
    talkers = [(member.identity.name, Inbox(member)) for _, member in members]
    chaos = Chaos(workers)
    forgetting = asyncio.create_task(chaos.run())
    deadline = asyncio.get_running_loop().time() + MAX_SECONDS
    sent = [0] * len(members)

    async def talk(index: int) -> None:
        runtime, member = members[index]
        while sent[index] < MAX_PER_MEMBER and asyncio.get_running_loop().time() < deadline:
            if sum(store.conflicts for store in stores) >= CONFLICTS:
                break
            await send(runtime, member, sent[index], f"{member.identity.name} {sent[index]}")
            sent[index] += 1
            if sent[index] % 3 == 0:
                await asyncio.sleep(0.001)

    await asyncio.gather(*(talk(index) for index in range(len(members))))
    for (_, inbox), count in zip(talkers, sent, strict=True):
        await inbox.until(lambda f, count=count: len(replies(f)) == count, seconds=30)
    chaos.stop.set()
    await forgetting

    log = [(event.seq, event.data["text"]) for event in await stores[0].read(INFO.name, 0)]
    seqs = list(range(1, len(log) + 1))
    assert [seq for seq, _ in log] == seqs
    for _, inbox in talkers:
        await inbox.until(lambda f: len(texts(f)) >= len(log), seconds=30)
        assert inbox.seqs() == seqs  # every event once, in order, no gap
        assert texts(inbox.frames) == log
    acked, refused = outcome(talkers)
    in_log = Counter(text for _, text in log)
    assert max(in_log.values()) == 1
    assert set(acked) == set(in_log) and max(acked.values()) == 1  # ok exactly when stored
    assert set(refused) <= {"server.busy"}  # refused, not lost: the client may send again
    assert chaos.forgotten > 0
    assert sum(store.conflicts for store in stores) >= CONFLICTS  # the guard ran
