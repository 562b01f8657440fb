"""A room's runtime with the in-memory store and broker: no sockets, a real event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from realtime import backplane
from realtime.broker import MemoryBroker
from realtime.errors import ForbiddenError, RateLimitedError, UnavailableError
from realtime.events import Context, Event
from realtime.fanout import Member
from realtime.identity import Identity
from realtime.lease import LeasePolicy
from realtime.limits import Limits
from realtime.mailbox import QUEUE_LIMIT
from realtime.outbox import Outbox
from realtime.rooms import room
from realtime.rooms.lifecycle import RoomInfo
from realtime.runtime import RoomRuntime
from realtime.snapshots import REPLAY_LIMIT
from realtime.storage import MemoryEventStore
from scheduling.clock import FixedClock
from tests.redis_server import RedisServer, require_redis

from .frames import decode_all, seqs
from .gates import GatedStore
from .workers import Workers

INFO = RoomInfo("lobby-test", "Test lobby", "lobby")
HOST = Identity("u:host", "Host", moderator=True)


class Clocked:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


async def by_hand(seconds: float) -> None:
    """The ticker's sleep in these tests: it never wakes, they tick by hand (ticker.tick())."""
    await asyncio.Event().wait()


@pytest.fixture
async def runtime() -> AsyncIterator[RoomRuntime]:
    store = MemoryEventStore()
    clock = FixedClock(datetime(2027, 1, 24, 12, tzinfo=UTC))
    rt = RoomRuntime(INFO, store, MemoryBroker(), clock, tick_sleep=by_hand)
    await rt.start()
    yield rt
    await rt.stop()


def person(name: str, moderator: bool = False) -> Member:
    return Member(Identity(f"g:{name}", name, moderator), Outbox())


async def settle(runtime: RoomRuntime) -> None:
    for _ in range(20):
        await asyncio.sleep(0)
        if runtime.mailbox.empty():
            await asyncio.sleep(0)


def frames_of(member: Member) -> list[dict[str, Any]]:
    return decode_all(member.outbox.take())


async def test_runtime_first_join_gets_a_snapshot(runtime: RoomRuntime) -> None:
    ana = person("ana")
    await runtime.join(ana, "j", None)
    ok, snapshot = frames_of(ana)
    assert ok["data"]["mode"] == "snapshot" and ok["ref"] == "j"
    assert (snapshot["type"], snapshot["seq"], snapshot["data"]["reason"]) == (
        "snapshot",
        0,
        "first_join",
    )


async def test_runtime_two_members_see_the_same_order(runtime: RoomRuntime) -> None:
    ana, ben = person("ana"), person("ben")
    await runtime.join(ana, None, None)
    await runtime.join(ben, None, None)
    frames_of(ana), frames_of(ben)
    for n in range(10):
        runtime.submit(ana if n % 2 else ben, n, "chat.send", {"text": f"m{n}"}, 100.0 + n)
    await settle(runtime)
    seen_a = [f for f in frames_of(ana) if f["type"] == "chat.message"]
    seen_b = [f for f in frames_of(ben) if f["type"] == "chat.message"]
    assert seen_a == seen_b
    assert [f["seq"] for f in seen_a] == list(range(1, 11))


async def test_runtime_ok_comes_after_the_event_is_stored(runtime: RoomRuntime) -> None:
    ana = person("ana")
    await runtime.join(ana, None, None)
    frames_of(ana)
    runtime.submit(ana, "c1", "chat.send", {"text": "hi"}, 100.0)
    await settle(runtime)
    event, ok = frames_of(ana)
    assert (event["type"], ok) == ("chat.message", {"type": "ok", "ref": "c1", "data": {"seq": 1}})
    assert [e.seq for e in await runtime.store.read(INFO.name, 0)] == [1]


async def test_runtime_rejoin_replays_exactly_what_was_missed(runtime: RoomRuntime) -> None:
    ana, ben = person("ana"), person("ben")
    await runtime.join(ana, None, None)
    await runtime.join(ben, None, None)
    for n in range(3):
        runtime.submit(ana, None, "chat.send", {"text": f"before {n}"}, 100.0 + n)
    await settle(runtime)
    last_seen = max(seqs(frames_of(ben)))
    runtime.leave(ben)
    for n in range(4):
        runtime.submit(ana, None, "chat.send", {"text": f"missed {n}"}, 110.0 + n)
    await settle(runtime)
    back = person("ben")
    await runtime.join(back, "r", last_seen)
    runtime.submit(ana, None, "chat.send", {"text": "live"}, 120.0)
    await settle(runtime)
    frames = frames_of(back)
    assert frames[0]["data"]["mode"] == "replay"
    assert seqs(frames) == [4, 5, 6, 7, 8]
    assert [f["data"]["text"] for f in frames[1:]] == [f"missed {n}" for n in range(4)] + ["live"]


async def test_runtime_unknown_last_seq_gets_a_snapshot(runtime: RoomRuntime) -> None:
    back = person("ben")
    await runtime.join(back, None, 5)  # the room is at 0
    assert frames_of(back)[1]["data"]["reason"] == "unknown_seq"


async def test_runtime_far_behind_gets_a_snapshot_marked_as_such() -> None:
    store = MemoryEventStore()
    clock = FixedClock(datetime(2027, 1, 24, 12, tzinfo=UTC))
    seeded = room.RoomState(INFO)
    ctx = Context(HOST, clock.now())
    for n in range(REPLAY_LIMIT + 2):
        outcome = room.decide(seeded, ctx, "chat.send", {"text": f"m{n}"})
        await store.append(INFO.name, room.commit(seeded, ctx, outcome))
    rt = RoomRuntime(INFO, store, MemoryBroker(), clock, tick_sleep=by_hand)
    await rt.start()
    try:
        near, far = person("near"), person("far")
        await rt.join(near, None, 2)
        await rt.join(far, None, 1)
        near_frames, far_frames = frames_of(near), frames_of(far)
        assert near_frames[0]["data"]["mode"] == "replay"
        assert seqs(near_frames) == list(range(3, REPLAY_LIMIT + 3))
        assert far_frames[0]["data"]["mode"] == "snapshot"
        assert far_frames[1]["data"]["reason"] == "too_far_behind"
        assert far_frames[1]["seq"] == REPLAY_LIMIT + 2
    finally:
        await rt.stop()


async def test_runtime_refusals_are_error_replies(runtime: RoomRuntime) -> None:
    ana = person("ana")
    await runtime.join(ana, None, None)
    frames_of(ana)
    runtime.submit(ana, "p", "poll.create", {"question": "q", "options": ["a", "b"]}, 100.0)
    await settle(runtime)
    assert frames_of(ana) == [
        {
            "type": "error",
            "ref": "p",
            "data": {
                "code": "auth.forbidden",
                "message": "Only the room's moderators can do this.",
            },
        }
    ]


async def test_runtime_flood_is_rate_limited_per_identity(runtime: RoomRuntime) -> None:
    tab1, tab2 = person("ana"), person("ana")
    await runtime.join(tab1, None, None)
    await runtime.join(tab2, None, None)
    refused = 0
    for n in range(20):
        try:
            runtime.submit(tab1 if n % 2 else tab2, None, "chat.send", {"text": "x"}, 100.0)
        except RateLimitedError:
            refused += 1
    assert refused == 12


async def test_runtime_ban_closes_every_tab_and_refuses_rejoin(runtime: RoomRuntime) -> None:
    host, troll, troll2 = person("host", True), person("troll"), person("troll")
    for m in (host, troll, troll2):
        await runtime.join(m, None, None)
    runtime.submit(host, "b", "mod.ban", {"id": "g:troll"}, 100.0)
    await settle(runtime)
    assert (troll.outbox.close_code, troll2.outbox.close_code) == (4003, 4003)
    with pytest.raises(ForbiddenError) as banned:
        await runtime.join(person("troll"), None, None)
    assert banned.value.code == "user.banned"
    assert runtime.presence.count == 1


async def test_runtime_tick_broadcasts_reactions_and_presence(runtime: RoomRuntime) -> None:
    ana, host = person("ana"), person("host", True)
    await runtime.join(ana, None, None)
    await runtime.join(host, None, None)
    frames_of(ana), frames_of(host)
    for emoji in ("🎉", "🎉", "👏"):
        runtime.submit(ana, None, "react", {"emoji": emoji}, 100.0)
    runtime.ticker.tick()
    got = {f["type"]: f["data"] for f in frames_of(ana)}
    assert got == {"reactions": {"counts": {"👏": 1, "🎉": 2}}, "presence": {"count": 2}}
    host_presence = [f for f in frames_of(host) if f["type"] == "presence"][0]["data"]
    assert [p["name"] for p in host_presence["who"]] == ["ana", "host"]
    runtime.ticker.tick()
    assert frames_of(ana) == []


async def test_runtime_poll_tally_hidden_until_you_vote(runtime: RoomRuntime) -> None:
    host, voter, waiter = person("host", True), person("voter"), person("waiter")
    for m in (host, voter, waiter):
        await runtime.join(m, None, None)
    runtime.submit(
        host,
        None,
        "poll.create",
        {"question": "q", "options": ["a", "b"], "results": "after_vote"},
        100.0,
    )
    await settle(runtime)
    runtime.submit(voter, None, "poll.vote", {"choices": [1]}, 100.0)
    await settle(runtime)
    runtime.ticker.tick()

    def tally(member: Member) -> dict[str, Any]:
        return [f for f in frames_of(member) if f["type"] == "poll.tally"][0]["data"]

    assert tally(voter) == {"id": 1, "total": 1, "counts": [0, 1]}
    assert tally(host) == {"id": 1, "total": 1, "counts": [0, 1]}
    assert tally(waiter) == {"id": 1, "total": 1}


async def test_runtime_restart_rebuilds_state_from_the_store(runtime: RoomRuntime) -> None:
    ana = person("ana")
    await runtime.join(ana, None, None)
    runtime.submit(ana, None, "qa.ask", {"text": "kept?"}, 100.0)
    await settle(runtime)
    again = RoomRuntime(INFO, runtime.store, MemoryBroker(), runtime.clock, tick_sleep=by_hand)
    await again.start()
    try:
        ben = person("ben")
        await again.join(ben, None, None)
        snapshot = frames_of(ben)[1]["data"]
        assert [q["text"] for q in snapshot["qa"]["open"]] == ["kept?"]
        assert snapshot["seq"] == 1
    finally:
        await again.stop()


async def test_runtime_retried_send_with_a_nonce_is_stored_once(runtime: RoomRuntime) -> None:
    ana = person("ana")
    await runtime.join(ana, None, None)
    frames_of(ana)
    for ref in ("first", "retry"):
        runtime.submit(ana, ref, "chat.send", {"text": "once", "nonce": "n-1"}, 100.0)
        await settle(runtime)
    frames = frames_of(ana)
    assert seqs(frames) == [1]
    assert frames[-1] == {"type": "ok", "ref": "retry", "data": {"seq": 1, "duplicate": True}}


async def test_runtime_fresh_joiners_share_one_encoded_snapshot(runtime: RoomRuntime) -> None:
    ana, ben, host = person("ana"), person("ben"), person("host", True)
    for member in (ana, ben, host):
        await runtime.join(member, None, None)
    ana_snapshot, ben_snapshot = ana.outbox.take()[1], ben.outbox.take()[1]
    host_snapshot = decode_all(host.outbox.take())[1]
    assert ana_snapshot is ben_snapshot
    assert host_snapshot["data"]["presence"]["count"] == 3  # moderators get their own


# -- the write path when something fails: another worker's seq, the store, the room queue -------


class Heard:
    """A member whose frames the test awaits: its outbox wakes the test (no polling)."""

    def __init__(self, name: str, moderator: bool = False, outbox: Outbox | None = None) -> None:
        outbox = Outbox() if outbox is None else outbox
        self.member = Member(Identity(f"g:{name}", name, moderator), outbox)
        self.frames: list[dict[str, Any]] = []
        self._woken = asyncio.Event()
        self.member.outbox.on_ready = self._woken.set

    def read(self) -> list[dict[str, Any]]:
        self.frames += decode_all(self.member.outbox.take())
        return self.frames

    async def until(
        self, condition: Callable[[list[dict[str, Any]]], bool]
    ) -> list[dict[str, Any]]:
        async with asyncio.timeout(5):
            while not condition(self.read()):
                self._woken.clear()
                await self._woken.wait()
        return self.frames

    def reply(self, ref: str) -> dict[str, Any]:
        return next(f for f in self.frames if f["type"] in ("ok", "error") and f["ref"] == ref)

    def texts(self) -> list[tuple[int, str]]:
        return [(f["seq"], f["data"]["text"]) for f in self.frames if f["type"] == "chat.message"]


def replied(ref: str) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda frames: any(f["type"] in ("ok", "error") and f["ref"] == ref for f in frames)


NOON = datetime(2027, 1, 24, 12, tzinfo=UTC)
BEN = Identity("g:ben", "ben")


def elsewhere(seq: int, text: str) -> Event:
    """A chat message another worker decided and stored as ``seq``."""
    return Event(seq, "chat.message", NOON, BEN.id, {"author": BEN.public(), "text": text})


@pytest.fixture
async def gated() -> AsyncIterator[tuple[RoomRuntime, GatedStore]]:
    store = GatedStore(MemoryEventStore())
    rt = RoomRuntime(
        INFO, store, MemoryBroker(), FixedClock(NOON), Limits.unlimited(), tick_sleep=by_hand
    )
    await rt.start()
    yield rt, store
    await rt.stop()


async def joined(rt: RoomRuntime, name: str = "ana") -> Heard:
    member = Heard(name)
    await rt.join(member.member, "j", None)
    return member


async def test_runtime_seq_taken_elsewhere_reloads_and_decides_again(
    gated: tuple[RoomRuntime, GatedStore], caplog: pytest.LogCaptureFixture
) -> None:
    rt, store = gated
    ana = await joined(rt)
    await store.inner.append(INFO.name, [elsewhere(1, "from another worker")])
    rt.submit(ana.member, "c", "chat.send", {"text": "mine"}, 0.0)
    await ana.until(replied("c"))
    assert ana.reply("c") == {"type": "ok", "ref": "c", "data": {"seq": 2}}
    assert ana.texts() == [(1, "from another worker"), (2, "mine")]
    assert store.conflicts == 1
    assert [r.getMessage() for r in caplog.records] == [
        "room lobby-test: seq taken by another worker; deciding again"
    ]


async def test_runtime_seq_taken_again_after_reloading_answers_busy(
    gated: tuple[RoomRuntime, GatedStore],
) -> None:
    rt, store = gated
    ana = await joined(rt)
    store.before_append.closed = True
    rt.submit(ana.member, "c", "chat.send", {"text": "mine"}, 0.0)
    await store.before_append.parked()
    await store.inner.append(INFO.name, [elsewhere(1, "first elsewhere")])
    store.before_append.let_one()
    await store.before_append.parked()  # decided again, as seq 2...
    await store.inner.append(INFO.name, [elsewhere(2, "second elsewhere")])  # ...taken too
    store.before_append.open()
    await ana.until(replied("c"))
    busy = {"code": "server.busy", "message": "The room is busy; try again."}
    assert ana.reply("c") == {"type": "error", "ref": "c", "data": busy}
    assert ana.texts() == [(1, "first elsewhere"), (2, "second elsewhere")]
    assert (store.conflicts, rt.state.seq) == (2, 2)


async def test_runtime_unreadable_store_after_a_conflict_closes_the_room(
    gated: tuple[RoomRuntime, GatedStore],
) -> None:
    rt, store = gated
    ana = await joined(rt)
    closed: list[RoomRuntime] = []
    rt.on_broken = closed.append
    await store.inner.append(INFO.name, [elsewhere(1, "from another worker")])
    store.read_error = OSError("the database is gone")
    rt.submit(ana.member, "c", "chat.send", {"text": "mine"}, 0.0)
    await ana.until(lambda frames: ana.member.outbox.close_code is not None)
    assert (ana.member.outbox.close_code, ana.member.outbox.reason) == (1011, "room unavailable")
    assert closed == [rt]


async def test_runtime_store_failure_answers_and_keeps_nothing(
    gated: tuple[RoomRuntime, GatedStore],
) -> None:
    rt, store = gated
    ana = await joined(rt)
    store.append_error = OSError("disk full")
    rt.submit(ana.member, "lost", "chat.send", {"text": "not kept"}, 0.0)
    await ana.until(replied("lost"))
    store.append_error = None
    rt.submit(ana.member, "kept", "chat.send", {"text": "kept"}, 0.0)
    await ana.until(replied("kept"))
    failed = {
        "code": "server.unavailable",
        "message": "The server could not store this; try again.",
    }
    assert ana.reply("lost") == {"type": "error", "ref": "lost", "data": failed}
    assert ana.reply("kept") == {"type": "ok", "ref": "kept", "data": {"seq": 1}}
    assert ana.texts() == [(1, "kept")]


async def test_runtime_stopping_refuses_the_joins_still_waiting(
    gated: tuple[RoomRuntime, GatedStore],
) -> None:
    rt, store = gated
    ana = await joined(rt)
    store.before_append.closed = True
    rt.submit(ana.member, "c", "chat.send", {"text": "stuck"}, 0.0)
    await store.before_append.parked()  # the actor is busy
    waiting = asyncio.create_task(rt.join(person("ben"), "j", None))
    await asyncio.sleep(0)  # the join is queued behind the stuck write
    await rt.stop()
    with pytest.raises(UnavailableError, match="The room is closing; reconnect."):
        await waiting
    assert (ana.member.outbox.close_code, ana.member.outbox.reason) == (1012, "server going away")


async def test_runtime_full_queue_answers_busy(gated: tuple[RoomRuntime, GatedStore]) -> None:
    rt, store = gated
    ana = await joined(rt)
    store.before_append.closed = True
    rt.submit(ana.member, 0, "chat.send", {"text": "stuck"}, 0.0)
    await store.before_append.parked()
    for n in range(1, QUEUE_LIMIT + 1):
        rt.submit(ana.member, n, "chat.send", {"text": f"{n}"}, 0.0)
    with pytest.raises(UnavailableError) as full:
        rt.submit(ana.member, "one too many", "chat.send", {"text": "x"}, 0.0)
    assert (full.value.code, str(full.value)) == (
        "server.busy",
        "The room is overloaded; try again.",
    )
    store.before_append.open()


async def test_runtime_reactions_and_queries_are_answered_at_once(runtime: RoomRuntime) -> None:
    host = person("host", moderator=True)
    await runtime.join(host, None, None)
    frames_of(host)
    runtime.submit(host, "r", "react", {"emoji": "🎉"}, 100.0)
    runtime.submit(host, None, "react", {"emoji": "🎉"}, 100.0)
    runtime.submit(host, "q", "mod.audit", {}, 100.0)
    assert frames_of(host) == [
        {"type": "ok", "ref": "r", "data": {}},
        {"type": "ok", "ref": "q", "data": {"entries": []}},
    ]
    assert runtime.reactions.counts == {"🎉": 2}


class Counted:
    """A metrics sink that counts (what festival/metrics.py hands to Prometheus)."""

    def __init__(self) -> None:
        self.delivered = 0
        self.dropped = 0

    def events_delivered(self, count: int) -> None:
        self.delivered += count

    def slow_client_dropped(self) -> None:
        self.dropped += 1


async def test_runtime_cuts_off_a_member_too_slow_to_read_and_counts_it() -> None:
    metrics = Counted()
    rt = RoomRuntime(INFO, MemoryEventStore(), MemoryBroker(), FixedClock(NOON), metrics=metrics)
    await rt.start()
    try:
        slow, ana = Heard("slow", outbox=Outbox(max_frames=2)), await joined(rt)
        await rt.join(slow.member, "j", None)
        for n in range(3):
            rt.submit(ana.member, n, "chat.send", {"text": f"m{n}"}, 0.0)
            await ana.until(replied(n))  # type: ignore[arg-type]
        assert (slow.member.outbox.close_code, slow.member.outbox.reason) == (4000, "too slow")
        assert (metrics.dropped, metrics.delivered, rt.presence.count) == (1, 3, 1)
    finally:
        await rt.stop()


async def test_runtime_head_of_another_worker_makes_it_read_the_store(
    gated: tuple[RoomRuntime, GatedStore],
) -> None:
    rt, store = gated
    ana = await joined(rt)
    await store.inner.append(INFO.name, [elsewhere(1, "stored, never published")])
    await rt.broker.publish(rt.channel, backplane.encode(backplane.Head(INFO.name, 1)))
    await ana.until(lambda frames: ana.texts() != [])
    assert ana.texts() == [(1, "stored, never published")]
    await rt.broker.publish(rt.channel, backplane.encode(backplane.Head(INFO.name, 1)))
    assert store.reads == 2  # the load, and one catch-up: a head it holds asks for nothing


# -- with a Redis broker: a lease to take, a broker that can go away ----------------------------


async def test_runtime_unreadable_room_after_taking_the_lease_answers_and_lets_go() -> None:
    workers = Workers(require_redis())
    store = GatedStore(MemoryEventStore())
    try:
        rt = await workers.add(store)
        ana = await joined(rt)
        store.read_error = OSError("the database is gone")  # the new holder must read first
        rt.submit(ana.member, "c", "chat.send", {"text": "x"}, 0.0)
        await ana.until(replied("c"))
        unreadable = {
            "code": "server.unavailable",
            "message": "The server could not read the room; try again.",
        }
        assert ana.reply("c") == {"type": "error", "ref": "c", "data": unreadable}
        assert rt.lease.held is False
    finally:
        await workers.close()


async def test_runtime_stored_but_unpublished_events_are_delivered_here(
    private_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    workers = Workers(private_redis.url)
    store = GatedStore(MemoryEventStore())
    try:
        rt = await workers.add(store)
        ana = await joined(rt)
        store.after_append.closed = True
        rt.submit(ana.member, "c", "chat.send", {"text": "stored, then Redis went away"}, 0.0)
        await store.after_append.parked()
        private_redis.stop()
        await ana.until(lambda frames: any(f["type"] == "room.degraded" for f in frames))
        store.after_append.open()
        await ana.until(replied("c"))
        assert ana.reply("c") == {"type": "ok", "ref": "c", "data": {"seq": 1}}
        assert ana.texts() == [(1, "stored, then Redis went away")]
        assert any("publishing failed" in r.getMessage() for r in caplog.records)
    finally:
        await workers.close()


async def test_runtime_after_a_conflict_claims_the_lease_again_before_writing() -> None:
    """Redis forgot worker one's lease and worker two took it: one's next write conflicts. From
    then on one must not count on the lease it thought it held: it asks for it again (and two,
    which would otherwise keep it for a minute, lets go) instead of writing on its belief."""
    workers, inner = Workers(require_redis()), MemoryEventStore()
    store_one, store_two = GatedStore(inner), GatedStore(inner)
    try:
        one = await workers.add(store_one)
        two = await workers.add(store_two, LeasePolicy(idle_seconds=60))
        ana, ben = await joined(one), await joined(two, "ben")
        one.submit(ana.member, "first", "chat.send", {"text": "first"}, 0.0)
        await ben.until(lambda frames: ben.texts() == [(1, "first")])
        store_one.before_append.closed = True
        one.submit(ana.member, "a", "chat.send", {"text": "a"}, 0.0)
        await store_one.before_append.parked()
        await workers.forget_shared()
        two.submit(ben.member, "b", "chat.send", {"text": "b"}, 0.0)
        await ben.until(replied("b"))
        store_one.before_append.open()
        await ana.until(replied("a"))
        assert (ana.reply("a")["data"], store_one.conflicts, two.lease.held) == (
            {"seq": 3},
            1,
            True,
        )
        one.submit(ana.member, "a2", "chat.send", {"text": "a2"}, 0.0)
        await ana.until(replied("a2"))
        assert ana.reply("a2") == {"type": "ok", "ref": "a2", "data": {"seq": 4}}
        assert (one.lease.held, two.lease.held) == (True, False)
    finally:
        await workers.close()


def guest_at(name: str, address: str, token: str | None = None) -> Member:
    """A guest connection from a network address (``address``: its opaque key)."""
    return Member(Identity(f"g:{token or name}", name), Outbox(), address)


async def test_runtime_ban_covers_the_banned_guests_address(runtime: RoomRuntime) -> None:
    host, troll, neighbour = person("host", True), guest_at("troll", "A"), guest_at("nb", "A")
    for m in (host, troll, neighbour):
        await runtime.join(m, None, None)
    runtime.submit(host, "b", "mod.ban", {"id": "g:troll"}, 100.0)
    await settle(runtime)
    refused = []
    for again in (guest_at("troll", "A", "fresh-cookie"), guest_at("troll", "A", "another")):
        with pytest.raises(ForbiddenError) as banned:
            await runtime.join(again, None, None)
        refused.append(banned.value.code)
    await runtime.join(guest_at("elsewhere", "B"), None, None)  # another address: welcome
    events = await runtime.store.read(runtime.name, 0)
    assert [e.kind for e in events] == ["mod.banned", "mod.addresses_banned"]
    assert (events[-1].actor, events[-1].data["addresses"]) == ("", ["A"])
    assert refused == ["user.banned", "user.banned"]
    assert neighbour.outbox.close_code is None  # guests already in the room stay


async def test_runtime_ban_without_a_connection_here_covers_no_address(
    runtime: RoomRuntime,
) -> None:
    host, troll = person("host", True), guest_at("troll", "A")
    await runtime.join(host, None, None)
    await runtime.join(troll, None, None)
    runtime.leave(troll)  # gone before the ban: the room does not know where from
    runtime.submit(host, "b", "mod.ban", {"id": "g:troll"}, 100.0)
    await settle(runtime)
    await runtime.join(guest_at("troll", "A", "fresh-cookie"), None, None)
    assert [e.kind for e in await runtime.store.read(runtime.name, 0)] == ["mod.banned"]
