from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from realtime.broker import MemoryBroker
from realtime.broker.status import CONNECTED, BrokerState, BrokerStatus
from realtime.errors import NotFoundError
from realtime.fanout import Member
from realtime.hub import Hub
from realtime.identity import Identity
from realtime.metrics import HubSnapshot
from realtime.outbox import Outbox
from realtime.rooms.lifecycle import RoomInfo
from realtime.storage import MemoryEventStore, StaticCatalog
from scheduling.clock import FixedClock

from .frames import decode_all

INFO = RoomInfo("lobby-test", "Test lobby", "lobby")


def make_hub(idle_seconds: float = 30.0) -> Hub:
    return Hub(
        MemoryBroker(),
        MemoryEventStore(),
        StaticCatalog([INFO]),
        FixedClock(datetime(2027, 1, 24, 12, tzinfo=UTC)),
        idle_seconds=idle_seconds,
    )


async def test_hub_one_runtime_per_room_even_when_asked_together() -> None:
    hub = make_hub()
    await hub.start()
    first, second = await asyncio.gather(hub.acquire("lobby-test"), hub.acquire("lobby-test"))
    assert first is second and first.users == 2
    await hub.close()


async def test_hub_unknown_room_is_refused() -> None:
    hub = make_hub()
    with pytest.raises(NotFoundError) as unknown:
        await hub.acquire("lobby-nowhere")
    assert unknown.value.code == "room.unknown"
    await hub.close()


async def test_hub_stops_an_idle_room_and_reopens_it_from_the_store() -> None:
    hub = make_hub(idle_seconds=0.01)
    runtime = await hub.acquire("lobby-test")
    member = Member(Identity("g:a", "A"), Outbox())
    await runtime.join(member, None, None)
    runtime.submit(member, None, "chat.send", {"text": "remember me"}, 1.0)
    for _ in range(5):
        await asyncio.sleep(0)
    runtime.leave(member)
    hub.release(runtime)
    await asyncio.sleep(0.05)
    assert hub.runtimes == {}
    again = await hub.acquire("lobby-test")
    assert again is not runtime and again.state.seq == 1
    await hub.close()


async def test_hub_close_closes_connections_with_service_restart() -> None:
    hub = make_hub()
    runtime = await hub.acquire("lobby-test")
    member = Member(Identity("g:a", "A"), Outbox())
    await runtime.join(member, None, None)
    await hub.close()
    assert member.outbox.close_code == 1012


async def test_hub_snapshot_counts_rooms_and_connections() -> None:
    hub = make_hub()
    runtime = await hub.acquire("lobby-test")
    await runtime.join(Member(Identity("g:a", "A"), Outbox()), None, None)
    assert hub.snapshot() == HubSnapshot(connections=1, rooms=1, broker=CONNECTED)
    await hub.close()


async def test_hub_tells_every_room_when_the_broker_goes_and_comes_back() -> None:
    hub = make_hub()
    runtime = await hub.acquire("lobby-test")
    member = Member(Identity("g:a", "A"), Outbox())
    await runtime.join(member, None, None)
    member.outbox.take()
    assert hub.broker.on_state_change is not None  # the broker reports to the hub
    hub.broker.on_state_change(BrokerStatus(BrokerState.RECONNECTING))
    hub.broker.on_state_change(CONNECTED)
    kinds = [frame["type"] for frame in decode_all(member.outbox.take())]
    assert kinds == ["room.degraded", "room.restored"]
    await hub.close()


async def test_hub_room_taken_again_before_it_idles_out_stays_open() -> None:
    hub = make_hub(idle_seconds=30)
    runtime = await hub.acquire("lobby-test")
    hub.release(runtime)
    again = await hub.acquire("lobby-test")
    hub.release(again)
    assert again is runtime and hub.runtimes == {"lobby-test": runtime}
    await hub.close()  # the room's idle countdown goes with it
    assert hub.runtimes == {}
