"""Live rooms against a real uvicorn server on a loopback port, with real ``websockets`` clients.

Each test runs over SQLite and over PostgreSQL (when reachable). The servers run without rate
limits (ROOM_RATE_LIMITS=off) except where the limits are the point.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import Frame, Opcode

from tests.festival.rooms_seed import LOBBY, seed_rooms

from .rooms_server import RoomClient, RoomServer, StalledClient

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded_url(database_url: str) -> str:
    asyncio.run(seed_rooms(database_url))
    return database_url


@pytest.fixture
def server(seeded_url: str) -> Iterator[RoomServer]:
    running = RoomServer(seeded_url, ROOM_RATE_LIMITS="off").start()
    yield running
    running.stop()


@pytest.fixture
def limited_server(seeded_url: str) -> Iterator[RoomServer]:
    running = RoomServer(seeded_url).start()
    yield running
    running.stop()


def texts(frames: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(f["seq"], f["data"]["text"]) for f in frames if f["type"] == "chat.message"]


async def test_rooms_server_two_clients_see_the_same_order(server: RoomServer) -> None:
    a = await RoomClient.open(server.ws_url(LOBBY))
    b = await RoomClient.open(server.ws_url(LOBBY))
    await a.join("Ana")
    await b.join("Ben")

    async def talk(client: RoomClient, who: str) -> None:
        for n in range(25):
            await client.send("chat.send", None, text=f"{who} {n}")

    await asyncio.gather(talk(a, "ana"), talk(b, "ben"))
    got_a = await a.until(lambda f: len(a.events) == 50)
    got_b = await b.until(lambda f: len(b.events) == 50)
    await a.close()
    await b.close()
    assert texts(got_a) == texts(got_b)
    assert [seq for seq, _ in texts(got_a)] == list(range(1, 51))
    assert [t for _, t in texts(got_a) if t.startswith("ana")] == [f"ana {n}" for n in range(25)]


async def test_rooms_server_drop_and_rejoin_gets_exactly_what_it_missed(
    server: RoomServer,
) -> None:
    a = await RoomClient.open(server.ws_url(LOBBY))
    b = await RoomClient.open(server.ws_url(LOBBY))
    await a.join("Ana")
    await b.join("Ben")
    for n in range(5):
        await a.send("chat.send", n, text=f"before {n}")
        await a.reply(n)
    await b.until(lambda f: len(b.events) == 5)
    last_seen = b.last_seq
    b.ws.transport.abort()  # the network goes away: no close handshake
    for n in range(7):
        await a.send("chat.send", f"m{n}", text=f"missed {n}")
        await a.reply(f"m{n}")
    back = await RoomClient.open(server.ws_url(LOBBY))
    joined = await back.join("Ben", last_seq=last_seen)
    await a.send("chat.send", "live", text="live")
    got = await back.until(lambda f: f.get("data", {}).get("text") == "live")
    await a.close()
    await back.close()
    assert (last_seen, joined["data"]["mode"]) == (5, "replay")
    assert texts(got) == [(6 + n, f"missed {n}") for n in range(7)] + [(13, "live")]


async def test_rooms_server_restart_loses_nothing_acknowledged(seeded_url: str) -> None:
    server = RoomServer(seeded_url, ROOM_RATE_LIMITS="off").start()
    acked: dict[int, str] = {}
    try:
        writer = await RoomClient.open(server.ws_url(LOBBY))
        await writer.join("Writer")
        for n in range(300):
            await writer.send("chat.send", n, text=f"message {n}")
        while len(acked) < 120:  # kill mid-stream: some are acknowledged, some in flight
            frame = await writer.next()
            if frame["type"] == "ok" and isinstance(frame["ref"], int):
                acked[frame["data"]["seq"]] = f"message {frame['ref']}"
        server.kill()
        with pytest.raises(ConnectionClosed):
            while True:
                frame = await writer.next()
                if frame["type"] == "ok" and isinstance(frame["ref"], int):
                    acked[frame["data"]["seq"]] = f"message {frame['ref']}"
        server.start()
        reader = await RoomClient.open(server.ws_url(LOBBY))
        joined = await reader.join("Reader", last_seq=0)
        head = joined["data"]["seq"]
        stored = await reader.until(lambda f: reader.last_seq == head) if head else []
        await reader.close()
    finally:
        server.stop()
    kept = dict(texts(stored))
    assert head >= max(acked)
    assert {seq: kept.get(seq) for seq in acked} == acked
    assert sorted(kept) == list(range(1, head + 1))


async def test_rooms_server_slow_reader_is_cut_off_without_delaying_others(
    seeded_url: str,
) -> None:
    server = RoomServer(seeded_url, ROOM_RATE_LIMITS="off", ROOM_OUTBOX_KIB="64").start()
    try:
        slow = StalledClient(server.ws_url(LOBBY), server.port)
        await slow.join("Slow")
        fast = await RoomClient.open(server.ws_url(LOBBY), max_queue=None)
        publisher = await RoomClient.open(server.ws_url(LOBBY), max_queue=None)
        for who, name in ((fast, "Fast"), (publisher, "Pub")):
            await who.join(name)
        # Fast until the stalled socket's kernel buffers are nearly full, then 200 a second
        # until the server cuts the stalled client off (the others see presence drop to 2),
        # then 200 more: the stalled client then is a few hundred events behind.
        sent = 0
        reading = asyncio.create_task(fast.until(lambda f: False))
        draining = asyncio.create_task(publisher.until(lambda f: False))
        started = time.monotonic()
        cut_at: int | None = None
        while cut_at is None or sent < cut_at + 200:
            if sent >= 2000:
                await asyncio.sleep(1 / 200)
            while sent - len(publisher.events) > 500:  # keep the room's queue short
                await asyncio.sleep(0.005)
            await publisher.send("chat.send", None, text=f"{sent:05} " + "x" * 480)
            sent += 1
            if cut_at is None and fast.presence == 2:
                cut_at = sent
            assert sent < 20_000, "the stalled client was never cut off"
        total = sent
        while len(fast.events) < total or len(publisher.events) < total:
            await asyncio.sleep(0.01)
            assert time.monotonic() - started < 90
        fast_seconds = time.monotonic() - started
        reading.cancel()
        draining.cancel()
        await slow.read_until_closed()
        resumed = await RoomClient.open(server.ws_url(LOBBY))
        rejoined = await resumed.join("Slow", last_seq=slow.last_seq)
        await resumed.until(lambda f: resumed.last_seq == total)
        for who in (fast, publisher, resumed):
            await who.close()
    finally:
        server.stop()
    assert slow.close_code == 4000
    assert slow.last_seq < total  # it was cut off before the end...
    assert rejoined["data"]["mode"] == "replay"
    seen_by_slow = [e["seq"] for e in slow.events + resumed.events]
    assert seen_by_slow == list(range(1, total + 1))  # ...and resumed without gap or duplicate
    assert [e["seq"] for e in fast.events] == list(range(1, total + 1))
    assert fast_seconds < 90


async def test_rooms_server_flooding_is_limited_then_closed(limited_server: RoomServer) -> None:
    client = await RoomClient.open(limited_server.ws_url(LOBBY))
    await client.join("Flood")
    for n in range(200):
        await client.send("chat.send", n, text="flood")
    codes: list[str] = []
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            frame = await client.next()
            if frame["type"] == "error":
                codes.append(frame["data"]["code"])
    witness = await RoomClient.open(limited_server.ws_url(LOBBY))
    joined = await witness.join("Witness", last_seq=0)
    stored = await witness.until(lambda f: witness.last_seq == joined["data"]["seq"])
    await witness.close()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert codes == ["rate.limited"] * 11  # ten warnings, closed at the eleventh
    assert len(texts(stored)) == 8  # the chat burst got through; the flood did not


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{", "frame.malformed"),
        ('"just a string"', "frame.malformed"),
        ('{"type":"teleport"}', "frame.type_unknown"),
        ('{"type":"qa.ask","data":[]}', "frame.data_invalid"),
        ('{"type":"qa.upvote","data":{"id":"one"}}', "frame.data_invalid"),
        ('{"type":"qa.ask","data":{"text":"' + "?" * 301 + '"}}', "qa.too_long"),
        ('{"type":"chat.send","data":{"text":"' + "é" * 5000 + '"}}', "frame.too_large"),
    ],
)
async def test_rooms_server_malformed_frames_get_their_code(
    limited_server: RoomServer, raw: str, code: str
) -> None:
    client = await RoomClient.open(limited_server.ws_url(LOBBY))
    await client.join("Fuzzy")
    await client.ws.send(raw)
    error = (await client.until(lambda f: f["type"] == "error"))[-1]
    await client.send("ping", "alive")
    alive = await client.reply("alive")
    await client.close()
    assert (error["data"]["code"], alive["type"]) == (code, "ok")


async def test_rooms_server_refuses_a_foreign_origin(limited_server: RoomServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await RoomClient.open(limited_server.ws_url(LOBBY), origin="https://evil.example")
    assert refused.value.response.status_code == 403
    client = await RoomClient.open(limited_server.ws_url(LOBBY), origin=limited_server.http)
    assert (await client.join("Local"))["type"] == "ok"
    await client.close()


async def test_rooms_server_sets_a_guest_cookie_on_the_handshake(
    limited_server: RoomServer,
) -> None:
    client = await RoomClient.open(limited_server.ws_url(LOBBY))
    assert client.ws.response is not None
    cookie = client.ws.response.headers.get("set-cookie", "")
    await client.close()
    assert cookie.startswith("festival_guest=") and "HttpOnly" in cookie


async def test_rooms_server_restart_closes_connections_with_1012(seeded_url: str) -> None:
    server = RoomServer(seeded_url).start()
    try:
        client = await RoomClient.open(server.ws_url(LOBBY))
        await client.join("Staying")
        server.stop()  # SIGTERM: a graceful shutdown, as in a deploy
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await client.next()
    finally:
        server.stop()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012


async def test_rooms_server_text_that_is_not_utf8_closes_with_1007_in_one_log_line(
    seeded_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    server = RoomServer(seeded_url, log=log).start()
    try:
        client = await RoomClient.open(server.ws_url(LOBBY))
        await client.join("Bytes")
        client.ws.protocol.send_frame(Frame(Opcode.TEXT, b'{"type":"ping","ref":"r"}\xff'))
        client.ws.send_data()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await client.next()
        other = await RoomClient.open(server.ws_url(LOBBY))
        joined = await other.join("Unaffected")
        await other.close()
    finally:
        server.stop()
    written = log.read_text("utf-8")
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1007
    assert joined["type"] == "ok"
    assert [line.split(" ", 3)[3] for line in written.splitlines() if "UTF-8" in line] == [
        "uvicorn.error Invalid UTF-8 sequence received from client. (invalid start byte);"
        " closed with 1007"
    ]
    assert "Traceback" not in written
