"""Compression and raw frames as browsers get them: a real server (festival/transport.py, as
`festival serve` starts it) read by a hand-written client that parses every frame itself
(RFC 6455 framing, RFC 7692 permessage-deflate) and by ``websockets`` clients."""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from realtime import wire
from tests.festival.rooms_seed import LOBBY, seed_rooms

from .rooms_server import RoomClient, RoomServer

pytestmark = pytest.mark.e2e

TAIL = b"\x00\x00\xff\xff"


@pytest.fixture
def server(database_url: str) -> Iterator[RoomServer]:
    asyncio.run(seed_rooms(database_url))
    running = RoomServer(database_url, ROOM_RATE_LIMITS="off").start()
    yield running
    running.stop()


def inflate(payload: bytes, bits: int = 15) -> bytes:
    """One permessage-deflate message, with a decompressor of its own (no context taken over)."""
    return zlib.decompressobj(-bits).decompress(payload + TAIL)


class RawClient:
    """A WebSocket client over a bare TCP stream: offers ``extensions`` and keeps each frame
    as it came (RSV1, payload), decompressing each message with a fresh decompressor."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.extensions = ""
        self.bits = 15
        self.frames: list[tuple[bool, bytes]] = []  # (compressed, payload as sent)
        self.events: list[dict[str, Any]] = []
        self.types: list[str] = []

    @classmethod
    async def open(cls, server: RoomServer, extensions: str | None) -> RawClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET /ws/rooms/{LOBBY} HTTP/1.1",
            f"Host: 127.0.0.1:{server.port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Origin: {server.http}",
        ]
        if extensions is not None:
            lines.append(f"Sec-WebSocket-Extensions: {extensions}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        assert head.startswith(b"HTTP/1.1 101"), head
        client = cls(reader, writer)
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "sec-websocket-extensions":
                client.extensions = value.strip()
                for param in value.split(";"):
                    if param.strip().startswith("server_max_window_bits="):
                        client.bits = int(param.split("=")[1])
        return client

    async def send(self, message_type: str, ref: object = None, **data: Any) -> None:
        payload = orjson.dumps({"type": message_type, "ref": ref, "data": data})
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        assert len(payload) < 65536
        if len(payload) < 126:
            head = bytes((0x81, 0x80 | len(payload)))
        else:
            head = struct.pack("!BBH", 0x81, 0x80 | 126, len(payload))
        self.writer.write(head + mask + masked)
        await self.writer.drain()

    async def frame(self) -> dict[str, Any]:
        first, second = await self.reader.readexactly(2)
        assert first & 0x0F == 0x1 and first & 0x80, f"a final text frame, not {first:#x}"
        assert not second & 0x80, "server frames are not masked"
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
        payload = await self.reader.readexactly(length)
        compressed = bool(first & 0x40)
        self.frames.append((compressed, payload))
        if compressed:
            payload = inflate(payload, self.bits)
        decoded: dict[str, Any] = orjson.loads(payload)
        for inner in decoded["frames"] if decoded["type"] == "batch" else [decoded]:
            self.types.append(inner["type"])
            if "seq" in inner and inner["type"] not in ("ok", "snapshot"):
                self.events.append(inner)
        return decoded

    async def until(self, done: Any, limit: int = 10_000) -> None:
        for _ in range(limit):
            if done():
                return
            await asyncio.wait_for(self.frame(), 15)
        raise AssertionError("not reached")

    async def close(self) -> None:
        self.writer.close()


async def test_transport_deflate_messages_arrive_compressed_once_and_in_order(
    server: RoomServer,
) -> None:
    offer = "permessage-deflate; client_max_window_bits"
    a, b = await RawClient.open(server, offer), await RawClient.open(server, offer)
    assert "server_no_context_takeover" in a.extensions
    for client, name in ((a, "Ana"), (b, "Ben")):
        await client.send("join", "j", name=name)
        await client.until(lambda c=client: "snapshot" in c.types)
    publisher = await RoomClient.open(server.ws_url(LOBBY), max_queue=None)
    await publisher.join("Pub")
    texts = [f"message {n:03}" + " about the keynote" * 10 for n in range(300)]
    for text in texts:  # sent without waiting: the room coalesces them into batches
        await publisher.send("chat.send", None, text=text)
    for client in (a, b):
        await client.until(lambda c=client: len(c.events) == 300)
        assert [e["seq"] for e in client.events] == list(range(1, 301))
        assert [e["data"]["text"] for e in client.events] == texts
        assert any(compressed for compressed, _ in client.frames)
    # Every message was decompressed on its own above; the chat went out as the same bytes.
    chat_a = [f for f in a.frames if f[0] and b"message" in inflate(f[1])]
    chat_b = [f for f in b.frames if f[0] and b"message" in inflate(f[1])]
    assert chat_a
    assert chat_a == chat_b
    sent = sum(len(payload) for _, payload in chat_a)
    assert sent < sum(len(t) for t in texts) / 3  # repeated text compresses well
    # A late joiner's snapshot (more than 64 KiB before compression) arrives compressed too.
    late = await RawClient.open(server, offer)
    await late.send("join", "j", name="Late")
    await late.until(lambda: "snapshot" in late.types)
    assert late.frames[0][0] or late.frames[1][0]
    for client in (a, b, late):
        await client.close()
    await publisher.close()


@pytest.mark.parametrize(
    ("offer", "negotiated", "bits"),
    [
        (None, "", 15),
        ("x-webkit-deflate-frame", "", 15),
        ("permessage-deflate; server_max_window_bits=8", "", 15),  # zlib cannot: plain
        ("permessage-deflate; server_max_window_bits=9", "server_max_window_bits=9", 9),
        ("permessage-deflate; client_no_context_takeover", "server_no_context_takeover", 15),
    ],
)
async def test_transport_each_offer_gets_frames_it_can_read(
    server: RoomServer, offer: str | None, negotiated: str, bits: int
) -> None:
    client = await RawClient.open(server, offer)
    assert negotiated in client.extensions and bool(client.extensions) == bool(negotiated)
    assert client.bits == bits
    await client.send("join", "j", name="Ana")
    await client.until(lambda: "snapshot" in client.types)
    # Three texts sharing a tail: in the late joiner's snapshot the tails are more than 512
    # bytes apart, out of reach of a 2**9 window.
    tail = os.urandom(100).hex()
    texts = [os.urandom(150).hex() + tail for _ in range(3)]
    for n, text in enumerate(texts):
        await client.send("chat.send", n, text=text)
    await client.until(lambda: len(client.events) == 3)
    assert [e["data"]["text"] for e in client.events] == texts
    late = await RawClient.open(server, offer)
    await late.send("join", "j", name="Ben")
    await late.until(lambda: "snapshot" in late.types)
    await client.send("ping", "p")  # the reply, {"type":"ok",...}, is a message of its own
    await client.until(lambda: client.types[-1] == "ok")
    frames = client.frames + late.frames
    assert any(compressed for compressed, _ in frames) == bool(negotiated)
    # Short messages (the ok replies) go plain even when compression was negotiated.
    assert any(
        not compressed and len(payload) < wire.MIN_COMPRESS_BYTES for compressed, payload in frames
    )
    for compressed, payload in frames:
        if compressed:  # compressed with the window the client allowed, and no wider
            assert payload == wire.deflate(inflate(payload, bits), bits)
    snapshot = max(late.frames, key=lambda f: len(f[1]))
    if bits == 9:
        assert snapshot[1] != wire.deflate(inflate(snapshot[1], 9), 15)
    await client.close()
    await late.close()


async def test_transport_websockets_clients_with_and_without_compression_agree(
    server: RoomServer,
) -> None:
    deflate = await RoomClient.open(server.ws_url(LOBBY))
    plain = await RoomClient.open(server.ws_url(LOBBY), compression=None)
    assert deflate.ws.response is not None and plain.ws.response is not None
    assert "permessage-deflate" in deflate.ws.response.headers["Sec-WebSocket-Extensions"]
    assert "Sec-WebSocket-Extensions" not in plain.ws.response.headers
    await deflate.join("Ana")
    await plain.join("Ben")
    for n in range(50):
        await deflate.send("chat.send", None, text=f"{n} " + "x" * 300)
    for client in (deflate, plain):
        await client.until(lambda _frame, c=client: len(c.events) == 50)
        assert [e["data"]["text"] for e in client.events] == [
            f"{n} " + "x" * 300 for n in range(50)
        ]
        await client.close()
