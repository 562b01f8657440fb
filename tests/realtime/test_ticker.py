"""A room's once-a-second work: the transient frames of what changed, and what a worker shares
with the room's other workers (a real Redis). The room here is made of the real parts a
RoomRuntime holds; the ticker's loop runs on a manual clock, so nothing waits a second."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis.asyncio import Redis

from realtime.backplane import Message, Reactions
from realtime.broker.redis_shared import RedisShared
from realtime.broker.shared import LocalShared, Shared
from realtime.fanout import Audience, Member
from realtime.identity import Identity
from realtime.limits import IdentityLimits
from realtime.outbox import Outbox
from realtime.rooms.lifecycle import RoomInfo
from realtime.rooms.presence import Presence
from realtime.rooms.reactions import ReactionWindow
from realtime.rooms.room import RoomState
from realtime.ticker import BIG_ROOM, FORGET_TICKS, PRESENCE_TICKS_BIG, Ticker, transient_views
from scheduling.clock import FixedClock
from tests.realtime.broker.conftest import unique_prefix
from tests.redis_server import require_redis

from .frames import decode_all
from .rooms.conftest import ALICE, BOB, HOST, START, Driver

SESSION = RoomInfo(
    "session-x",
    "A session",
    "session",
    starts_at_utc=START + timedelta(minutes=5),
    ends_at_utc=START + timedelta(hours=1),
)


@dataclass
class Room:
    """The parts of a room a tick reads and sends through (as a RoomRuntime holds them)."""

    state: RoomState = field(default_factory=lambda: Driver().state)
    name: str = "lobby-test"
    origin: str = "here"
    presence: Presence = field(default_factory=Presence)
    reactions: ReactionWindow = field(default_factory=ReactionWindow)
    audience: Audience = field(default_factory=lambda: Audience(lambda member: None))
    limits: IdentityLimits = field(default_factory=IdentityLimits)
    shared: Shared = field(default_factory=LocalShared)
    degraded: str | None = None
    published: list[Message] = field(default_factory=list)

    async def publish(self, message: Message) -> None:
        self.published.append(message)

    def enter(self, who: Identity) -> Member:
        member = Member(who, Outbox())
        self.audience.add(member)
        self.presence.join(who)
        return member


def heard(member: Member) -> list[dict[str, Any]]:
    return decode_all(member.outbox.take())


def views_of(found: dict[str, str] | None) -> dict[str, list[dict[str, Any]]]:
    assert found is not None
    return {view: decode_all([frame]) for view, frame in found.items()}


def test_ticker_views_carry_votes_quiz_progress_and_the_status() -> None:
    driver = Driver(SESSION, now=START)
    driver.do(ALICE, "qa.ask", text="Why?")
    question = driver.last().seq
    driver.do(BOB, "qa.upvote", id=question)
    driver.do(HOST, "quiz.add", text="2+2?", options=["3", "4"], correct=1)
    quiz = driver.last().seq
    driver.do(HOST, "quiz.ask")
    driver.do(ALICE, "quiz.answer", choice=1)
    now = START + timedelta(minutes=5)
    views = views_of(transient_views(driver.state, Presence(), ReactionWindow(), True, now))
    expected = [
        {"type": "qa.votes", "data": {"counts": {str(question): 1}}},
        {"type": "quiz.progress", "data": {"id": quiz, "answers": 1}},
        {"type": "room.status", "data": {"status": "live"}},
    ]
    assert views == {"public": expected, "voter": expected, "moderator": expected}
    assert transient_views(driver.state, Presence(), ReactionWindow(), False, now) is None


def test_ticker_big_room_sends_presence_every_few_ticks() -> None:
    room = Room()
    members = [room.enter(Identity(f"g:{n}", f"n{n}")) for n in range(BIG_ROOM + 1)]
    ticker = Ticker(room, FixedClock(START), lambda: 0.0)
    sent = []
    for _ in range(PRESENCE_TICKS_BIG):
        ticker.tick()
        sent.append([frame["type"] for frame in heard(members[0])])
    assert sent == [[]] * (PRESENCE_TICKS_BIG - 1) + [["presence"]]


def test_ticker_forgets_idle_rate_limits_every_minute() -> None:
    room = Room()
    room.limits.check("chat.send", ALICE.id, False, 0.0)
    ticker = Ticker(room, FixedClock(START), lambda: 3600.0)
    for _ in range(FORGET_TICKS - 1):
        ticker.tick()
    assert list(room.limits.limiters["chat"].buckets) == [ALICE.id]
    ticker.tick()
    assert room.limits.limiters["chat"].buckets == {}


class Loop:
    """The ticker's loop clock, moved by its sleeps; ends the loop after ``ticks`` sleeps."""

    def __init__(self, at: float, ticks: int) -> None:
        self.at = at
        self.left = ticks
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.at

    async def sleep(self, seconds: float) -> None:
        if not self.left:
            raise asyncio.CancelledError
        self.left -= 1
        self.slept.append(round(seconds, 6))
        self.at += seconds


async def test_ticker_runs_on_whole_seconds_and_survives_a_failing_tick(
    redis_client: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    room = Room(shared=RedisShared(redis_client, unique_prefix(), "one"))
    ana = room.enter(ALICE)
    refusals = [RuntimeError("the broker refused")]

    async def publish(message: Message) -> None:
        if refusals:
            raise refusals.pop()

    room.publish = publish  # type: ignore[method-assign]
    room.reactions.add("🎉")
    loop = Loop(at=100.95, ticks=3)
    ticker = Ticker(room, FixedClock(START), lambda: 0.0, loop.sleep, loop)
    with caplog.at_level(logging.ERROR, "realtime.ticker"), pytest.raises(asyncio.CancelledError):
        await ticker.run()
    assert loop.slept == [1.05, 1.0, 1.0]  # 0.05 s is too close: the next whole second
    assert [r.getMessage() for r in caplog.records] == ["room lobby-test: tick failed"]
    assert ticker.ticks == 3 and room.presence.total == 1  # it went on, and shared
    assert [frame["type"] for frame in heard(ana)][:2] == ["reactions", "presence"]


# -- sharing with the other workers (a real Redis) ----------------------------------------------


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    connection = Redis.from_url(require_redis(), protocol=2)
    yield connection
    await connection.aclose()


def two_rooms(client: Redis, reachable: list[bool]) -> tuple[Room, Room]:
    prefix = unique_prefix()
    one = Room(origin="one", shared=RedisShared(client, prefix, "one"))
    two = Room(
        origin="two", shared=RedisShared(client, prefix, "two", available=lambda: reachable[0])
    )
    return one, two


async def test_ticker_shares_reactions_and_presence_across_workers(redis_client: Redis) -> None:
    one, two = two_rooms(redis_client, [True])
    host = one.enter(HOST)
    two.enter(ALICE)
    two.enter(BOB)
    clock = FixedClock(START)
    ticking = Ticker(one, clock, lambda: 0.0), Ticker(two, clock, lambda: 0.0)
    await ticking[1].share({"🎉": 2})
    await ticking[0].share({})
    assert (one.published, two.published) == ([], [Reactions("lobby-test", "two", {"🎉": 2})])
    assert (one.presence.count, two.presence.count) == (3, 2)  # two reported before one
    ticking[0].tick()
    (presence,) = [f["data"] for f in heard(host) if f["type"] == "presence"]
    assert presence["count"] == 3
    assert sorted(person["name"] for person in presence["who"]) == ["Alice", "Bob", "Host"]


async def test_ticker_reports_everyone_again_after_an_outage(redis_client: Redis) -> None:
    reachable = [True]
    one, two = two_rooms(redis_client, reachable)
    two.enter(ALICE)
    ticker = Ticker(two, FixedClock(START), lambda: 0.0)
    two.degraded = "room.degraded frame"
    await ticker.share({"🎉": 1})
    assert (two.published, two.presence.total) == ([], None)  # said nothing while degraded
    two.degraded = None
    reachable[0] = False
    await ticker.share({})
    assert two.presence.total is None  # Redis unreachable: nothing learnt, nothing lost
    reachable[0] = True
    await ticker.share({})
    await Ticker(one, FixedClock(START), lambda: 0.0).share({})
    assert (one.presence.count, two.presence.count) == (1, 1)  # Alice, reported after all


def test_ticker_status_change_is_sent_once() -> None:
    room = Room(state=Driver(SESSION).state)
    ana = room.enter(ALICE)
    clock = FixedClock(START)
    ticker = Ticker(room, clock, lambda: 0.0)
    ticker.tick()
    assert [f["type"] for f in heard(ana)] == ["presence"]
    clock.instant = START + timedelta(minutes=6)
    ticker.tick()
    ticker.tick()
    assert heard(ana) == [{"type": "room.status", "data": {"status": "live"}}]


def test_ticker_sends_the_poll_tally_by_view() -> None:
    driver = Driver()
    driver.do(HOST, "poll.create", question="q", options=["a", "b"], results="after_vote")
    driver.do(ALICE, "poll.vote", choices=[1])
    room = Room(state=driver.state)
    voter, waiter, host = room.enter(ALICE), room.enter(BOB), room.enter(HOST)
    for member in (voter, waiter, host):
        heard(member)
    room.presence.take_change()
    Ticker(room, FixedClock(datetime(2027, 1, 24, 12, tzinfo=UTC)), lambda: 0.0).tick()
    assert [f["data"] for f in heard(voter)] == [{"id": 1, "total": 1, "counts": [0, 1]}]
    assert [f["data"] for f in heard(waiter)] == [{"id": 1, "total": 1}]
    assert [f["data"] for f in heard(host)] == [{"id": 1, "total": 1, "counts": [0, 1]}]
