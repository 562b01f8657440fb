"""One room served by two workers (two runtimes, each with its own Redis broker) in one test
process, sharing one store and one real Redis: one order, shared presence, limits, reactions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from realtime.broker.choice import make_broker
from realtime.broker.redis import RedisBroker
from realtime.errors import ForbiddenError, RateLimitedError
from realtime.events import Event
from realtime.fanout import Member
from realtime.identity import Identity
from realtime.limits import Limits
from realtime.outbox import Outbox
from realtime.rooms.lifecycle import RoomInfo
from realtime.runtime import RoomRuntime
from realtime.storage import MemoryEventStore
from scheduling.clock import FixedClock
from tests.realtime.broker.conftest import unique_prefix
from tests.redis_server import RedisServer, require_redis

from .frames import decode_all, seqs

INFO = RoomInfo("lobby-test", "Test lobby", "lobby")
CLOCK = FixedClock(datetime(2027, 1, 24, 12, tzinfo=UTC))


class Pair:
    """Workers' runtimes for one room (two of one deployment, or one per deployment); closes
    them all."""

    def __init__(self) -> None:
        self.runtimes: list[RoomRuntime] = []
        self.brokers: list[RedisBroker] = []

    async def start(
        self, url: str, limits: Limits, store: MemoryEventStore | None = None, **broker: Any
    ) -> tuple[RoomRuntime, RoomRuntime]:
        store = store or MemoryEventStore()
        prefix = unique_prefix()
        for _ in range(2):
            await self.add(RedisBroker(url, prefix=prefix, **broker), store, limits)
        return self.runtimes[0], self.runtimes[1]

    async def add(self, redis: RedisBroker, store: MemoryEventStore, limits: Limits) -> RoomRuntime:
        """One more worker, on ``redis`` and ``store``, serving the room."""
        await redis.start()
        assert await redis.wait_connected(5.0)
        runtime = RoomRuntime(INFO, store, redis, CLOCK, limits)
        redis.on_state_change = runtime.broker_changed
        await runtime.start()
        self.brokers.append(redis)
        self.runtimes.append(runtime)
        return runtime

    async def close(self) -> None:
        for runtime in self.runtimes:
            await runtime.stop()
        for redis in self.brokers:
            await redis.close()


@pytest.fixture
async def pair() -> AsyncIterator[Pair]:
    made = Pair()
    yield made
    await made.close()


def person(name: str, moderator: bool = False) -> Member:
    return Member(Identity(f"g:{name}", name, moderator), Outbox(max_frames=100_000))


class Inbox:
    """Everything a member was sent, decoded, accumulated across reads."""

    def __init__(self, member: Member) -> None:
        self.member = member
        self.frames: list[dict[str, Any]] = []

    def read(self) -> list[dict[str, Any]]:
        self.frames += decode_all(self.member.outbox.take())
        return self.frames

    async def until(
        self, condition: Callable[[list[dict[str, Any]]], bool], seconds: float = 10
    ) -> list[dict[str, Any]]:
        """Every frame so far, once ``condition`` holds for them; fails the test after
        ``seconds`` (a wait that gives up quietly would let the assertions after it pass)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while not condition(self.read()):
            if asyncio.get_running_loop().time() > deadline:
                kinds = [f["type"] for f in self.frames]
                raise AssertionError(
                    f"{self.member.identity.name}: waited {seconds} s; got {kinds}"
                )
            await asyncio.sleep(0.01)
        return self.frames


async def send(runtime: RoomRuntime, member: Member, ref: object, kind: str, **data: Any) -> None:
    await runtime.take_shared(member.identity, kind)
    runtime.submit(member, ref, kind, data, asyncio.get_running_loop().time())  # type: ignore[arg-type]


def replies(frames: list[dict[str, Any]]) -> dict[object, dict[str, Any]]:
    return {f["ref"]: f for f in frames if f["type"] in ("ok", "error") and f["ref"] != "j"}


async def test_scaleout_two_workers_decide_one_order(pair: Pair) -> None:
    one, two = await pair.start(require_redis(), Limits.unlimited())
    ana, ben = person("ana"), person("ben")
    await one.join(ana, "j", None)
    await two.join(ben, "j", None)
    inbox_a, inbox_b = Inbox(ana), Inbox(ben)

    async def talk(runtime: RoomRuntime, member: Member, who: str) -> None:
        for n in range(40):
            await send(runtime, member, f"{who}{n}", "chat.send", text=f"{who} {n}")
            if n % 7 == 0:
                await asyncio.sleep(0.005)

    await asyncio.gather(talk(one, ana, "a"), talk(two, ben, "b"))
    # Every event, and every ack: an ack follows Redis's reply to the publish, which may come
    # after the event itself is back through the subscription.
    full = lambda frames: len(seqs(frames)) >= 80 and len(replies(frames)) >= 40  # noqa: E731
    frames_a, frames_b = await inbox_a.until(full), await inbox_b.until(full)
    texts_a = [(f["seq"], f["data"]["text"]) for f in frames_a if f["type"] == "chat.message"]
    texts_b = [(f["seq"], f["data"]["text"]) for f in frames_b if f["type"] == "chat.message"]
    assert [seq for seq, _ in texts_a] == list(range(1, 81))
    assert texts_a == texts_b
    assert [t for _, t in texts_a if t[0] == "a"] == [f"a {n}" for n in range(40)]
    acks_a, acks_b = replies(frames_a), replies(frames_b)
    assert sorted(acks_a) == sorted(f"a{n}" for n in range(40))
    assert sorted(acks_b) == sorted(f"b{n}" for n in range(40))
    assert {f["type"] for f in [*acks_a.values(), *acks_b.values()]} == {"ok"}
    stored = await one.store.read(INFO.name, 0)
    assert [e.seq for e in stored] == list(range(1, 81))


class CountingStore(MemoryEventStore):
    """The in-memory store, counting reads."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    async def read(self, room: str, after_seq: int, limit: int | None = None) -> list[Event]:
        self.reads += 1
        return await super().read(room, after_seq, limit)


async def test_scaleout_busy_room_extends_its_lease_without_reading_the_store(
    pair: Pair,
) -> None:
    """The holder renews its lease every lease_seconds / 2 while busy; renewing what it held
    needs no catch-up, so no store read per renewal (the first claim reads: no head yet)."""
    store = CountingStore()
    one, _ = await pair.start(require_redis(), Limits.unlimited(), store=store)
    ana = person("ana")
    await one.join(ana, "j", None)
    await send(one, ana, "first", "chat.send", text="first")
    inbox = Inbox(ana)
    await inbox.until(lambda frames: "first" in replies(frames))
    reads = store.reads
    renewals = int(one.shared.lease_seconds / 2 / 0.05) * 2  # two renewals' worth at 20/s
    for n in range(renewals):
        await send(one, ana, n, "chat.send", text=f"m {n}")
        await asyncio.sleep(0.05)
    frames = await inbox.until(lambda frames: len(replies(frames)) == renewals + 1)
    assert {f["type"] for f in replies(frames).values()} == {"ok"}
    assert store.reads == reads


async def test_scaleout_rejoin_on_the_other_worker_replays_exactly(pair: Pair) -> None:
    one, two = await pair.start(require_redis(), Limits.unlimited())
    ana, ben = person("ana"), person("ben")
    await one.join(ana, "j", None)
    await two.join(ben, "j", None)
    for n in range(5):
        await send(one, ana, n, "chat.send", text=f"before {n}")
    inbox_b = Inbox(ben)
    await inbox_b.until(lambda f: len(seqs(f)) >= 5)
    two.leave(ben)  # ben's worker is gone; he comes back on the other one
    for n in range(5, 12):
        await send(one, ana, n, "chat.send", text=f"while away {n}")
    await Inbox(ana).until(lambda f: len(replies(f)) >= 12)
    again = person("ben")
    await one.join(again, "j", 5)
    frames = await Inbox(again).until(lambda f: len(seqs(f)) >= 7)
    assert frames[0]["data"]["mode"] == "replay"
    assert seqs(frames) == list(range(6, 13))


async def test_scaleout_presence_counts_people_once_across_workers(pair: Pair) -> None:
    one, two = await pair.start(require_redis(), Limits.unlimited())
    host = person("host", moderator=True)
    await one.join(host, None, None)
    await one.join(person("ana"), None, None)
    await two.join(person("ben"), None, None)
    await two.join(person("ana"), None, None)  # ana's second tab, on the other worker
    inbox = Inbox(host)

    def presence(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [f["data"] for f in frames if f["type"] == "presence"]

    await inbox.until(lambda f: any(p["count"] == 3 for p in presence(f)), seconds=5)
    latest = presence(inbox.frames)[-1]
    assert latest["count"] == 3
    assert sorted(p["name"] for p in latest["who"]) == ["ana", "ben", "host"]
    # Both workers' rooms tick on the same second: the one whose report reached Redis first
    # learns the full count at its next tick (the documented bound: one second).
    deadline = asyncio.get_running_loop().time() + 2.5
    while (one.presence.count, two.presence.count) != (3, 3):
        if asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.05)
    assert (one.presence.count, two.presence.count) == (3, 3)


async def test_scaleout_rate_limit_is_one_bucket_across_workers(pair: Pair) -> None:
    one, two = await pair.start(require_redis(), Limits())
    tab_one, tab_two = person("ana"), person("ana")  # one identity, two workers
    await one.join(tab_one, None, None)
    await two.join(tab_two, None, None)
    accepted = refused = 0
    for n in range(12):  # alternating: six on each worker; the chat burst is 8
        runtime, member = (one, tab_one) if n % 2 == 0 else (two, tab_two)
        try:
            await send(runtime, member, n, "chat.send", text=f"flood {n}")
        except RateLimitedError:
            refused += 1
        else:
            accepted += 1
    assert (accepted, refused) == (Limits().chat.burst, 12 - Limits().chat.burst)


async def test_scaleout_reactions_are_counted_across_workers(pair: Pair) -> None:
    one, two = await pair.start(require_redis(), Limits.unlimited())
    ana, ben = person("ana"), person("ben")
    await one.join(ana, None, None)
    await two.join(ben, None, None)
    for _ in range(3):
        await send(one, ana, None, "react", emoji="🎉")
    for _ in range(2):
        await send(two, ben, None, "react", emoji="🎉")

    def total(frames: list[dict[str, Any]]) -> int:
        return sum(f["data"]["counts"].get("🎉", 0) for f in frames if f["type"] == "reactions")

    inbox_a, inbox_b = Inbox(ana), Inbox(ben)
    await inbox_a.until(lambda f: total(f) >= 5, seconds=5)
    await inbox_b.until(lambda f: total(f) >= 5, seconds=5)
    assert (total(inbox_a.frames), total(inbox_b.frames)) == (5, 5)


DEGRADED = {
    "type": "room.degraded",
    "data": {
        "message": "The servers cannot reach each other right now: the room is read-only until "
        "they can.",
        "since": "2027-01-24T12:00:00Z",  # CLOCK
    },
}
RESTORED = {"type": "room.restored", "data": {}}


def story(frames: list[dict[str, Any]]) -> list[str]:
    """What a person saw of the outage: chat, refusals and the room's status, in order."""
    seen = []
    for frame in frames:
        if frame["type"] in ("room.degraded", "room.restored"):
            seen.append(frame["type"])
        elif frame["type"] == "chat.message":
            seen.append(f"chat {frame['data']['text']}")
        elif frame["type"] == "error":
            seen.append(f"error {frame['data']['code']}")
    return seen


async def test_scaleout_broker_down_makes_the_room_read_only_until_it_returns(
    pair: Pair, private_redis: RedisServer
) -> None:
    fast = {"heartbeat_seconds": 0.1, "dead_after_seconds": 0.5, "backoff_cap_seconds": 0.2}
    one, two = await pair.start(private_redis.url, Limits.unlimited(), **fast)
    ana, ben = person("ana"), person("ben")
    await one.join(ana, "j", None)
    await two.join(ben, "j", None)
    inbox_a, inbox_b = Inbox(ana), Inbox(ben)
    await send(one, ana, "before", "chat.send", text="before")
    await inbox_b.until(lambda f: len(seqs(f)) == 1)
    private_redis.stop()
    await inbox_a.until(lambda f: any(x["type"] == "room.degraded" for x in f))
    await inbox_b.until(lambda f: any(x["type"] == "room.degraded" for x in f))
    carl = person("carl")  # joins during the outage: told at once, after his join reply
    await one.join(carl, "j", None)
    inbox_c = Inbox(carl)
    await inbox_c.until(lambda f: any(x["type"] == "room.degraded" for x in f))
    await send(one, ana, "during", "chat.send", text="during")
    frames = await inbox_a.until(lambda f: "during" in replies(f))
    assert replies(frames)["during"]["data"]["code"] == "server.unavailable"
    private_redis.start()
    for inbox in (inbox_a, inbox_b, inbox_c):
        await inbox.until(lambda f: any(x["type"] == "room.restored" for x in f))
    await send(two, ben, "after", "chat.send", text="after")
    for inbox in (inbox_a, inbox_b):
        await inbox.until(lambda f: len(seqs(f)) == 2)
    await inbox_c.until(lambda f: seqs(f) == [2])  # "before" came in carl's snapshot
    assert [f["data"]["text"] for f in inbox_a.frames if f["type"] == "chat.message"] == [
        "before",
        "after",
    ]
    assert seqs(inbox_a.frames) == seqs(inbox_b.frames) == [1, 2]
    # Each person hears the outage exactly once each way, in order, with the exact frames.
    for inbox in (inbox_a, inbox_b, inbox_c):
        status = [f for f in inbox.frames if f["type"] in ("room.degraded", "room.restored")]
        assert status == [DEGRADED, RESTORED]
    assert story(inbox_a.frames) == [
        "chat before",
        "room.degraded",
        "error server.unavailable",
        "room.restored",
        "chat after",
    ]
    assert story(inbox_b.frames) == ["chat before", "room.degraded", "room.restored", "chat after"]
    joined = [f["type"] for f in inbox_c.frames]
    assert joined.index("ok") < joined.index("room.degraded")
    assert story(inbox_c.frames) == ["room.degraded", "room.restored", "chat after"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param((1, None), (2, None), id="two-databases"),
        pytest.param((0, "blue"), (0, "green"), id="one-database-two-namespaces"),
    ],
)
async def test_scaleout_deployments_sharing_a_redis_keep_their_rooms_apart(
    pair: Pair,
    private_redis: RedisServer,
    first: tuple[int, str | None],
    second: tuple[int, str | None],
) -> None:
    """Two festivals on one Redis, each with its own database and a room of the same name:
    neither hears the other's chat (Redis pub/sub ignores the database number)."""
    base = private_redis.url.rsplit("/", 1)[0]
    deployments = []
    for database, namespace in (first, second):
        broker = make_broker(f"{base}/{database}", namespace)
        assert isinstance(broker, RedisBroker)
        deployments.append(await pair.add(broker, MemoryEventStore(), Limits.unlimited()))
    one, two = deployments
    ana, ben = person("ana"), person("ben")
    await one.join(ana, "j", None)
    await two.join(ben, "j", None)
    inbox_a, inbox_b = Inbox(ana), Inbox(ben)
    # Each message is acknowledged after Redis took it, before the next is sent; a subscriber
    # hears in that order, so hearing its own last message means hearing all it was going to.
    await send(one, ana, "a1", "chat.send", text="ana 1")
    await inbox_a.until(lambda f: "a1" in replies(f))
    await send(two, ben, "b1", "chat.send", text="ben 1")
    await inbox_b.until(lambda f: "b1" in replies(f) and len(seqs(f)) >= 1)
    await send(one, ana, "a2", "chat.send", text="ana 2")
    await inbox_a.until(lambda f: "a2" in replies(f) and len(seqs(f)) >= 2)

    def chat(frames: list[dict[str, Any]]) -> list[tuple[int, str]]:
        return [(f["seq"], f["data"]["text"]) for f in frames if f["type"] == "chat.message"]

    assert chat(inbox_a.frames) == [(1, "ana 1"), (2, "ana 2")]
    assert chat(inbox_b.frames) == [(1, "ben 1")]
    assert {
        f["type"] for f in [*replies(inbox_a.frames).values(), *replies(inbox_b.frames).values()]
    } == {"ok"}


async def test_scaleout_a_ban_covers_the_address_on_every_worker(pair: Pair) -> None:
    """The troll is on worker one, the host bans it from worker two: a new identity from the
    troll's address is refused on both workers (the address comes through the log)."""
    one, two = await pair.start(require_redis(), Limits())
    troll = Member(Identity("g:troll", "troll"), Outbox(max_frames=100_000), "addr-troll")
    host = person("host", moderator=True)
    await one.join(troll, "j", None)
    await two.join(host, "j", None)
    await send(one, troll, "t", "chat.send", text="rude")
    inbox = Inbox(host)
    await inbox.until(lambda frames: any(f["type"] == "chat.message" for f in frames))
    await send(two, host, "b", "mod.ban", id="g:troll")
    frames = await inbox.until(
        lambda frames: any(f["type"] == "mod.addresses_banned" for f in frames)
    )
    covered = [f["data"] for f in frames if f["type"] == "mod.addresses_banned"]
    await Inbox(troll).until(lambda frames: troll.outbox.close_code is not None)
    refused = []
    for runtime in (one, two):
        again = Member(Identity("g:new-cookie", "troll"), Outbox(), "addr-troll")
        with pytest.raises(ForbiddenError) as banned:
            await runtime.join(again, "j", None)
        refused.append(banned.value.code)
    await two.join(Member(Identity("g:other", "other"), Outbox(), "addr-other"), "j", None)
    assert covered == [{"target": {"id": "g:troll", "name": "troll"}, "addresses": ["addr-troll"]}]
    assert troll.outbox.close_code == 4003
    assert refused == ["user.banned", "user.banned"]
