"""Frames built once per view (realtime/wire.py), read back by an independent parser, and the
writer's path that writes them straight to a transport (realtime/writer.py)."""

from __future__ import annotations

import asyncio
import os
import random
import string
import struct
import zlib

import orjson
import pytest

from realtime import wire
from realtime.fanout import Audience, Member
from realtime.identity import Identity
from realtime.outbox import Outbox
from realtime.writer import Writer

TAIL = b"\x00\x00\xff\xff"


def parse(data: bytes, bits: int = 15) -> list[tuple[bool, str]]:
    """(compressed, text) of each server frame in ``data``, per RFC 6455 and RFC 7692."""
    out = []
    while data:
        first, second = data[0], data[1]
        assert first & 0x0F == 0x1 and first & 0x80, "a final text frame"
        assert not second & 0x80, "server frames are not masked"
        length, offset = second & 0x7F, 2
        if length == 126:
            (length,) = struct.unpack("!H", data[2:4])
            offset = 4
        elif length == 127:
            (length,) = struct.unpack("!Q", data[2:10])
            offset = 10
        payload, data = data[offset : offset + length], data[offset + length :]
        compressed = bool(first & 0x40)
        if compressed:
            payload = zlib.decompressobj(-bits).decompress(payload + TAIL)
        out.append((compressed, payload.decode("utf-8")))
    return out


class Transport:
    """A stand-in for festival/transport.py's RawWriter: records every write."""

    def __init__(self, deflate_bits: int | None = None) -> None:
        self.deflate_bits = deflate_bits
        self.writes: list[bytes] = []
        self.writable = asyncio.Event()
        self.writable.set()
        self.closed = False

    @property
    def writing_paused(self) -> bool:
        return not self.writable.is_set()

    def write(self, data: bytes) -> None:
        if self.closed:
            raise ConnectionError("closed")
        self.writes.append(data)

    async def drain(self) -> None:
        await self.writable.wait()
        if self.closed:
            raise ConnectionError("closed")

    def texts(self) -> list[str]:
        return [text for data in self.writes for _, text in parse(data, self.deflate_bits or 15)]


class Socket:
    def __init__(self) -> None:
        self.sent: list[dict[str, object]] = []

    async def send(self, message: dict[str, object]) -> None:
        self.sent.append(message)


@pytest.mark.parametrize("size", [10, 125, 126, 65535, 65536, 300_000])
def test_wire_plain_frames_have_the_right_length_for_every_header_size(size: int) -> None:
    text = "é" * (size // 2) + "x" * (size % 2)
    data = wire.build(text, None)
    assert parse(data) == [(False, text)]
    assert len(data) - len(text.encode()) == (2 if size < 126 else 4 if size < 65536 else 10)


def test_wire_compresses_what_gets_shorter_and_sends_the_rest_plain() -> None:
    chat = orjson.dumps([{"type": "chat.message", "data": {"text": "hello"}}] * 20).decode()
    assert parse(wire.build(chat, 15)) == [(True, chat)]
    assert len(wire.build(chat, 15)) < len(chat) / 3
    short = '{"type":"ok","ref":1,"data":{}}'
    assert parse(wire.build(short, 15)) == [(False, short)]  # under MIN_COMPRESS_BYTES
    # Letters without repeats: fixed Huffman codes take 8 bits each, and the block's own bits
    # make it longer than the text.
    noise = "".join(random.Random(13).choices(string.ascii_letters + string.digits, k=70))
    assert parse(wire.build(noise, 15)) == [(False, noise)]


def test_wire_respects_a_smaller_window() -> None:
    # A block repeated 1,600 characters later: a 2**9-byte window cannot reach back to it.
    block, gap = os.urandom(300).hex(), os.urandom(500).hex()
    text = block + gap + block
    narrow, wide = wire.build(text, 9), wire.build(text, 15)
    assert parse(narrow, 9) == [(True, text)] and parse(wide) == [(True, text)]
    assert len(narrow) > len(wide) + 200  # the repeat was not referenced


def test_wire_every_message_inflates_alone_though_one_compressor_serves_them_all() -> None:
    # The same message twice in a row: had the compressor kept its history, the second would
    # be a few bytes pointing back into the first, which a fresh decompressor cannot follow.
    chat = orjson.dumps([{"type": "chat.message", "data": {"text": "bonjour"}}] * 12).decode()
    rng = random.Random(13)
    texts = [chat, chat]
    for _ in range(40):
        words = rng.choices(["hello", "room", "poll", "vote", "question", chat[:90]], k=30)
        texts.append(
            orjson.dumps({"type": "chat.message", "data": {"text": " ".join(words)}}).decode()
        )
    for index, text in enumerate(texts):
        bits = (9, 12, 15)[index % 3]
        data = wire.build(text, bits)
        assert parse(data, bits) == [(True, text)]
        # Byte for byte what a compressor of its own would have sent.
        fresh = zlib.compressobj(wire.LEVEL, zlib.DEFLATED, -bits, wire.MEM_LEVEL)
        alone = fresh.compress(text.encode()) + fresh.flush(zlib.Z_SYNC_FLUSH)
        assert data.endswith(alone[: -len(TAIL)])


def test_wire_frames_the_same_string_once_and_a_new_string_again() -> None:
    text = orjson.dumps({"type": "chat.message", "data": {"text": "hi " * 40}}).decode()
    first = wire.frame(text, 15)
    assert wire.frame(text, 15) is first
    assert wire.frame(text, None) is not first and parse(wire.frame(text, None)) == [(False, text)]
    equal = "".join(list(text))  # equal, but another object: another broadcast
    assert equal is not text and wire.frame(equal, 15) is not first
    for n in range(wire.CACHE_SIZE + 1):  # the oldest entries make way
        wire.frame(f"other {n}", None)
    assert wire.frame(text, 15) is not first and wire.frame(text, 15) == first


def member(moderator: bool = False) -> tuple[Member, Transport]:
    transport = Transport(15)
    outbox = Outbox()
    Writer(Socket(), outbox, transport)
    identity = Identity(f"g:{id(transport)}", "x", moderator=moderator)
    return Member(identity, outbox), transport


async def test_wire_members_of_one_view_get_the_very_same_bytes() -> None:
    audience = Audience(lambda _: None)
    (a, ta), (b, tb), (m, tm) = member(), member(), member(moderator=True)
    for one in (a, b, m):
        audience.add(one)
    audience.transient(
        {
            "public": '{"type":"presence","data":{"count":3,"who":"' + "x" * 100 + '"}}',
            "moderator": '{"type":"presence","data":{"count":3,"who":"' + "y" * 100 + '"}}',
        },
        lambda one: "moderator" if one.identity.moderator else "public",
    )
    assert len(ta.writes) == len(tb.writes) == len(tm.writes) == 1
    assert ta.writes[0] is tb.writes[0]  # built once, written to both
    assert tm.writes[0] is not ta.writes[0]
    assert orjson.loads(tm.texts()[0])["data"]["who"] == "y" * 100
    assert parse(ta.writes[0]) == [
        (True, '{"type":"presence","data":{"count":3,"who":"' + "x" * 100 + '"}}')
    ]


async def test_wire_writer_waits_for_a_paused_transport_and_keeps_the_order() -> None:
    transport, outbox = Transport(), Outbox()
    writer = Writer(Socket(), outbox, transport)
    outbox.put('{"type":"a"}')
    transport.writable.clear()
    for name in "bcd":
        outbox.put(f'{{"type":"{name}"}}')
    assert transport.texts() == ['{"type":"a"}'] and writer.task is not None
    transport.writable.set()
    await asyncio.sleep(0.01)
    outbox.put('{"type":"e"}')
    got = [orjson.loads(t) for t in transport.texts()]
    assert got[0] == {"type": "a"} and got[1] == {"type": "b"}
    assert got[2] == {"type": "batch", "frames": [{"type": "c"}, {"type": "d"}]}
    assert got[3] == {"type": "e"} and writer.task is None


async def test_wire_writer_sends_the_close_frame_through_the_socket_after_the_frames() -> None:
    transport, outbox, socket = Transport(), Outbox(), Socket()
    writer = Writer(socket, outbox, transport)
    outbox.put('{"type":"a"}')
    outbox.close(4000, "too slow")
    await writer.stop(1.0)
    assert transport.texts() == ['{"type":"a"}']
    assert socket.sent == [{"type": "websocket.close", "code": 4000, "reason": "too slow"}]


async def test_wire_writer_stops_quietly_when_the_transport_is_gone() -> None:
    transport, outbox = Transport(), Outbox()
    writer = Writer(Socket(), outbox, transport)
    transport.closed = True
    outbox.put('{"type":"a"}')
    assert writer.closed.done() and writer.task is None
    transport2, outbox2 = Transport(), Outbox()
    writer2 = Writer(Socket(), outbox2, transport2)
    transport2.writable.clear()
    outbox2.put('{"type":"a"}')
    transport2.closed = True
    transport2.writable.set()
    await asyncio.sleep(0.01)
    assert writer2.closed.done() and transport2.writes == []


async def test_wire_a_join_goes_out_in_one_write() -> None:
    one, transport = member()
    one.send_all(['{"type":"ok","ref":"j"}', '{"type":"snapshot"}'])
    assert len(transport.writes) == 1
    got = orjson.loads(transport.texts()[0])
    assert got == {"type": "batch", "frames": [{"type": "ok", "ref": "j"}, {"type": "snapshot"}]}
