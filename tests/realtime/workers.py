"""Workers of one deployment inside one test process: a room runtime each, each on its own
Redis broker (one real Redis, one key prefix), each with the event store the test gives it;
and inboxes that read what a member was sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from realtime.broker.redis import RedisBroker
from realtime.fanout import Member
from realtime.identity import Identity
from realtime.lease import LeasePolicy
from realtime.limits import Limits
from realtime.outbox import Outbox
from realtime.rooms.lifecycle import RoomInfo
from realtime.runtime import RoomRuntime
from realtime.storage import EventStore
from scheduling.clock import FixedClock
from tests.realtime.broker.conftest import unique_prefix

from .frames import decode_all, seqs

INFO = RoomInfo("lobby-test", "Test lobby", "lobby")
CLOCK = FixedClock(datetime(2027, 1, 24, 12, tzinfo=UTC))

Frames = list[dict[str, Any]]


class Workers:
    """Runtimes of one room on several workers; ``close`` stops them all."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.prefix = unique_prefix()
        self.runtimes: list[RoomRuntime] = []
        self.brokers: list[RedisBroker] = []

    async def add(self, store: EventStore, lease: LeasePolicy | None = None) -> RoomRuntime:
        broker = RedisBroker(self.url, prefix=self.prefix)
        await broker.start()
        assert await broker.wait_connected(5.0)
        runtime = RoomRuntime(INFO, store, broker, CLOCK, Limits.unlimited(), lease=lease)
        broker.on_state_change = runtime.broker_changed
        await runtime.start()
        self.brokers.append(broker)
        self.runtimes.append(runtime)
        return runtime

    async def forget_shared(self) -> int:
        """Delete every key of the deployment from Redis (leases, heads, presence), as a Redis
        restarted empty or an eviction would; the number of keys deleted."""
        client = Redis.from_url(self.url, protocol=2)
        try:
            keys = [key async for key in client.scan_iter(match=f"{self.prefix}*")]
            return int(await client.delete(*keys)) if keys else 0
        finally:
            await client.aclose()

    async def close(self) -> None:
        for runtime in self.runtimes:
            await runtime.stop()
        for broker in self.brokers:
            await broker.close()


def person(name: str) -> Member:
    return Member(Identity(f"g:{name}", name), Outbox(max_frames=100_000))


async def send(runtime: RoomRuntime, member: Member, ref: object, text: str) -> None:
    await runtime.take_shared(member.identity, "chat.send")
    runtime.submit(member, ref, "chat.send", {"text": text}, 0.0)  # type: ignore[arg-type]


def replies(frames: Frames) -> dict[object, dict[str, Any]]:
    return {f["ref"]: f for f in frames if f["type"] in ("ok", "error") and f["ref"] != "j"}


def texts(frames: Frames) -> list[tuple[int, str]]:
    return [(f["seq"], f["data"]["text"]) for f in frames if f["type"] == "chat.message"]


class Inbox:
    """Everything a member was sent, decoded, accumulated across reads."""

    def __init__(self, member: Member) -> None:
        self.member = member
        self.frames: Frames = []

    def read(self) -> Frames:
        self.frames += decode_all(self.member.outbox.take())
        return self.frames

    async def until(self, condition: Callable[[Frames], bool], seconds: float = 10) -> Frames:
        """Every frame so far, once ``condition`` holds for them; fails after ``seconds``."""
        deadline = asyncio.get_running_loop().time() + seconds
        while not condition(self.read()):
            if asyncio.get_running_loop().time() > deadline:
                got = [(f["type"], f.get("seq", f.get("ref"))) for f in self.frames]
                raise AssertionError(f"{self.member.identity.name}: waited {seconds} s; got {got}")
            await asyncio.sleep(0.005)
        return self.frames

    def seqs(self) -> list[int]:
        return seqs(self.read())
