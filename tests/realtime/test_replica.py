"""This process's copy of a room's log: every event delivered once, in order, whatever path it
takes (the broker, a catch-up read, a reload after a failed write, a join's replay). Gates in
the store order a read against a delivery exactly where each race lies."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from realtime.backplane import Head, Message
from realtime.events import Context, Event
from realtime.identity import Identity
from realtime.replica import Replica
from realtime.rooms import room
from realtime.rooms.lifecycle import RoomInfo
from realtime.snapshots import REPLAY_LIMIT
from realtime.storage import MemoryEventStore

from .gates import GatedStore

INFO = RoomInfo("lobby-test", "Test lobby", "lobby")
ANA = Identity("g:ana", "ana")
NOW = datetime(2027, 1, 24, 12, tzinfo=UTC)


def chat_log(count: int) -> list[Event]:
    """A room's first ``count`` events: chat messages m1, m2, ..."""
    state = room.RoomState(INFO)
    ctx = Context(ANA, NOW)
    events: list[Event] = []
    for n in range(1, count + 1):
        events += room.commit(state, ctx, room.decide(state, ctx, "chat.send", {"text": f"m{n}"}))
    return events


LOG = chat_log(12)


def upto(last: int, first: int = 1) -> list[Event]:
    return LOG[first - 1 : last]


class Members:
    """What the replica delivered to the members, batch by batch; waits for a seq to arrive."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self._arrived = asyncio.Event()

    def __call__(self, events: list[Event]) -> None:
        self.batches.append([event.seq for event in events])
        self._arrived.set()

    def seqs(self) -> list[int]:
        return [seq for batch in self.batches for seq in batch]

    async def reached(self, seq: int) -> None:
        async with asyncio.timeout(10):
            while seq not in self.seqs():
                self._arrived.clear()
                await self._arrived.wait()


async def replica_at(seq: int, **options: float) -> tuple[Replica, GatedStore, Members]:
    """A replica loaded from a store holding the first ``seq`` events."""
    memory = MemoryEventStore()
    if seq:
        await memory.append(INFO.name, upto(seq))
    store, members = GatedStore(memory), Members()
    replica = Replica(INFO, store, members, **options)
    await replica.load()
    return replica, store, members


async def stored(store: GatedStore, *events: Event) -> None:
    """Commit ``events`` as another worker would (before publishing them)."""
    await store.inner.append(INFO.name, list(events))


async def test_replica_delivers_each_event_once_in_order() -> None:
    replica, _, members = await replica_at(3)
    replica.receive(upto(3))
    replica.receive(upto(5, 4))
    replica.receive(upto(5, 4))
    replica.receive(upto(6, 5))
    assert members.batches == [[4, 5], [6]]
    assert (replica.delivered_seq, replica.state.seq) == (6, 6)
    assert replica.recent.between(0, 6) == upto(6)


async def test_replica_after_a_gap_reads_the_store_before_delivering() -> None:
    replica, store, members = await replica_at(3)
    await stored(store, *upto(5, 4))
    replica.receive([LOG[4]])  # seq 5 arrives; 4 never did
    assert members.batches == []
    await members.reached(5)
    assert members.batches == [[4, 5]]
    await replica.close()


async def test_replica_gap_seen_while_catching_up_is_caught_up_too() -> None:
    """A catch-up whose read was answered before seq 5 was stored must not leave 5 (seen
    meanwhile, after a gap) undelivered until some later event happens to arrive."""
    replica, store, members = await replica_at(2)
    await stored(store, LOG[2])
    store.after_read.closed = True
    replica.receive([LOG[3]])  # seq 4 arrives, 3 never did: catch up
    await store.after_read.parked()  # the read answered [3]; 4 and 5 not stored yet
    await stored(store, LOG[3], LOG[4])
    replica.receive([LOG[4]])  # seq 5: still a gap, a catch-up is already running
    store.after_read.open()
    await members.reached(5)
    assert members.seqs() == [3, 4, 5]
    await replica.close()


async def test_replica_reach_knows_when_it_holds_the_head() -> None:
    replica, store, _ = await replica_at(4)
    await replica.reach(4)
    await replica.reach(3)
    assert store.reads == 1  # the load only


async def test_replica_reach_waits_for_the_previous_holders_events() -> None:
    replica, store, members = await replica_at(4)
    await stored(store, LOG[4])
    asyncio.get_running_loop().call_soon(replica.receive, [LOG[4]])
    await replica.reach(5)
    assert (members.batches, store.reads) == ([[5]], 1)


async def test_replica_reach_reads_what_never_arrived() -> None:
    replica, store, members = await replica_at(4, reach_wait_seconds=0.0)
    await stored(store, *upto(6, 5))
    await replica.reach(6)
    assert (members.batches, store.reads) == ([[5, 6]], 2)


async def test_replica_reach_an_unknown_head_reads_the_store() -> None:
    replica, store, members = await replica_at(4)
    await stored(store, LOG[4])
    await replica.reach(None)
    assert (members.batches, replica.state.seq) == ([[5]], 5)


async def decided_here(replica: Replica, text: str) -> list[Event]:
    """Decide a chat message on the replica's state, as the runtime does before storing."""
    ctx = Context(ANA, NOW)
    return room.commit(
        replica.state, ctx, room.decide(replica.state, ctx, "chat.send", {"text": text})
    )


async def test_replica_reload_delivers_another_workers_events_once() -> None:
    """A write failed (seq 5 was taken): the reload delivers what the members lack, and nothing
    that reached them through the broker while the store was being read."""
    replica, store, members = await replica_at(4)
    await decided_here(replica, "mine, never stored")
    await stored(store, *upto(7, 5))
    store.before_read.closed = True
    reloading = asyncio.create_task(replica.reload())
    await store.before_read.parked()
    replica.receive(upto(6, 5))  # the other worker's publish arrives meanwhile
    store.before_read.open()
    await reloading
    assert members.batches == [[5, 6], [7]]
    assert (replica.delivered_seq, replica.state.seq) == (7, 7)
    assert replica.state.chat.messages[5].text == "m5"  # the store's word, not the local one


async def test_replica_reload_reads_on_past_an_answer_already_out_of_date() -> None:
    replica, store, members = await replica_at(4)
    await decided_here(replica, "mine, never stored")
    await stored(store, LOG[4])
    store.after_read.closed = True
    reloading = asyncio.create_task(replica.reload())
    await store.after_read.parked()  # the read answered up to 5
    await stored(store, LOG[5])
    replica.receive(upto(6, 5))  # 5 and 6 reach the members meanwhile
    store.after_read.open()
    await reloading
    assert (replica.delivered_seq, replica.state.seq) == (6, 6)
    replica.receive([LOG[6]])  # later events follow on, without a catch-up
    assert members.batches == [[5, 6], [7]]


async def test_replica_since_nothing_is_a_first_join() -> None:
    replica, _, _ = await replica_at(3)
    assert await replica.since(None) == (3, "first_join", [])
    assert await replica.since(2) == (3, None, upto(3, 3))
    assert await replica.since(3) == (3, None, [])


async def test_replica_since_a_seq_seen_on_another_worker_reads_it_first() -> None:
    replica, store, members = await replica_at(3)
    await stored(store, *upto(5, 4))
    assert await replica.since(5) == (5, None, [])
    assert members.batches == [[4, 5]]
    assert await replica.since(9) == (5, "unknown_seq", [])


async def test_replica_since_too_far_behind_gets_a_snapshot() -> None:
    many = chat_log(REPLAY_LIMIT + 2)
    memory = MemoryEventStore()
    await memory.append(INFO.name, many)
    replica = Replica(INFO, memory, Members())
    await replica.load()
    head = REPLAY_LIMIT + 2
    assert await replica.since(1) == (head, "too_far_behind", [])
    assert await replica.since(2) == (head, None, many[2:])


async def test_replica_since_replays_from_the_store_what_is_not_delivered_yet() -> None:
    replica, store, _ = await replica_at(4)
    mine = await decided_here(replica, "decided here, published, not back yet")
    await stored(store, *mine)
    assert await replica.since(3) == (5, None, [LOG[3], *mine])
    assert store.reads == 2


async def test_replica_since_includes_what_arrived_during_its_read() -> None:
    """A joiner's replay must reach as far as what the members were sent meanwhile: they get
    later events only, so anything delivered during the read would be missing."""
    replica, store, _ = await replica_at(4)
    mine = await decided_here(replica, "m5")
    await stored(store, *mine)
    store.before_read.closed = True
    joining = asyncio.create_task(replica.since(3))
    await store.before_read.parked()
    replica.receive(mine)
    await stored(store, LOG[5])
    replica.receive([LOG[5]])  # another worker's event, delivered before the joiner joins
    store.before_read.open()
    head, reason, replayed = await joining
    assert (head, reason) == (6, None)
    assert [e.seq for e in replayed] == [4, 5, 6]


async def test_replica_restored_catches_up_and_announces_its_head() -> None:
    replica, store, members = await replica_at(3)
    await stored(store, LOG[3])
    sent: list[Message] = []

    async def publish(message: Message) -> None:
        sent.append(message)

    replica.restored(publish)
    await members.reached(4)
    await replica.close()
    assert sent == [Head(INFO.name, 3)]  # its head when the broker came back
