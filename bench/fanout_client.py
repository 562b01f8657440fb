"""Client side of bench/fanout.py: many light WebSocket clients per process, and publishers.

A client is a bare asyncio protocol speaking RFC 6455 (server frames arrive unmasked; client
frames are masked), so that the clients, not the servers, cost as little CPU as possible and
the same clients measure both servers. Every published message carries its room's index, its
publisher's counter and send time (CLOCK_MONOTONIC, shared by all processes on Linux):
``"<room>:<counter>:<ns>"``.

Browser-like clients (``Wire(origin=..., deflate=True)``, the default of the headline table)
send an ``Origin`` and offer ``permessage-deflate; client_max_window_bits`` as Chromium does
(RFC 7692): when the server accepts, they inflate compressed messages (RSV1) with one context
per connection and compress what they send, as a browser would.

Two ways to publish: open loop (``rate`` messages per second per room, whatever the server
does) and "two in flight" (``window=2``: message k+2 of a room is sent only once message k has
reached every member of the room). For the latter, each client process tells the publisher's
process, over a Unix socket, when all of its own members of a room have got message k
(``Flight``).
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import socket
import struct
import time
import zlib
from array import array
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import orjson
import uvloop

#: Latency histogram: 0.1 ms buckets up to 10 s (the last bucket holds everything slower).
BUCKET_US = 100
BUCKETS = 100_001


#: What Chromium offers on every WebSocket handshake.
DEFLATE_OFFER = "permessage-deflate; client_max_window_bits"
#: A room message's text as the festival frames it (a chat message's data).
_TEXT = re.compile(rb'"text":"(\d+):(\d+):\d+"')


def _frame(opcode: int, payload: bytes, rsv1: bool = False) -> bytes:
    """A masked client frame (``rsv1``: a compressed message, RFC 7692)."""
    mask = os.urandom(4)
    length = len(payload)
    first = 0x80 | (0x40 if rsv1 else 0) | opcode
    if length < 126:
        header = struct.pack("!BB", first, 0x80 | length)
    elif length < 65536:
        header = struct.pack("!BBH", first, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", first, 0x80 | 127, length)
    key = (mask * (length // 4 + 1))[:length]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(length, "big")
    return header + mask + masked


@dataclass(frozen=True)
class Wire:
    """How the clients speak: ``origin`` (an ``Origin`` header, or none) and whether they
    offer permessage-deflate."""

    origin: str | None = None
    deflate: bool = False


def parse_deflate(header: str | None) -> dict[str, str] | None:
    """The parameters of the ``permessage-deflate`` a server accepted in its
    ``Sec-WebSocket-Extensions`` response header, or None if it accepted none."""
    if not header:
        return None
    for extension in header.split(","):
        name, *params = (part.strip() for part in extension.split(";"))
        if name.lower() != "permessage-deflate":
            continue
        accepted: dict[str, str] = {}
        for param in params:
            key, _, value = param.partition("=")
            accepted[key.strip().lower()] = value.strip().strip('"')
        return accepted
    return None


def _window_bits(value: str | None) -> int:
    # zlib refuses a raw deflate window of 8 bits; 9 reads the same streams.
    return max(9, int(value)) if value else 15


class Deflate:
    """One connection's permessage-deflate, client side: inflate what the server sends (one
    context for the connection), deflate what the client sends."""

    def __init__(self, params: dict[str, str]) -> None:
        self.inflater = zlib.decompressobj(-15)
        self.bits = _window_bits(params.get("client_max_window_bits"))
        self.reset = "client_no_context_takeover" in params
        self.deflater = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -self.bits)

    def inflate(self, payload: bytes) -> bytes:
        message = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
        if self.inflater.eof:  # the server ended its deflate stream (a final block): begin anew
            self.inflater = zlib.decompressobj(-15)
        return message

    def deflate(self, payload: bytes) -> bytes:
        if self.reset:
            self.deflater = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -self.bits)
        data = self.deflater.compress(payload) + self.deflater.flush(zlib.Z_SYNC_FLUSH)
        return data[:-4]  # the empty stored block every sync flush ends with (RFC 7692 7.2.1)


class Flight:
    """In a client process: how many of its own members of each room got each message, and a
    note to the publisher's process (``!II``: room, counter) when all of them have."""

    def __init__(self, local: dict[int, int], messages: int) -> None:
        self.local = local  # room -> members of the room in this process
        self.messages = messages
        self.counts = array("I", bytes(4 * (max(local, default=0) + 1) * messages))
        self.pending = bytearray()
        self.writer: asyncio.StreamWriter | None = None
        self.flushing = False

    def got(self, room: int, counter: int) -> None:
        if counter >= self.messages or room not in self.local:
            return
        index = room * self.messages + counter
        count = self.counts[index] + 1
        self.counts[index] = count
        if count == self.local[room]:
            self.pending += struct.pack("!II", room, counter)
            if not self.flushing:
                self.flushing = True
                asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self.flushing = False
        if self.pending and self.writer is not None:
            self.writer.write(bytes(self.pending))
        self.pending.clear()


@dataclass
class Tally:
    """What one process's clients received."""

    expected: int = 0  # messages each client should get from its room's publisher
    deliveries: int = 0
    frames: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    lost: int = 0
    closed: int = 0
    deflated: int = 0  # clients whose server accepted permessage-deflate
    wire_bytes: int = 0  # message payloads received, as sent (compressed or not)
    message_bytes: int = 0  # the same messages' payloads, inflated
    first_ns: int = 0
    last_ns: int = 0
    latency: array = field(default_factory=lambda: array("I", bytes(4 * BUCKETS)))  # type: ignore[type-arg]


class Client(asyncio.Protocol):
    def __init__(
        self,
        kind: str,
        path: str,
        port: int,
        tally: Tally,
        count: bool,
        check: bool = True,
        wire: Wire = Wire(),
        flight: Flight | None = None,
    ) -> None:
        self.kind, self.path, self.port, self.tally, self.count = kind, path, port, tally, count
        self.check = check  # False: count deliveries only (no order, duplicate, latency checks)
        self.wire, self.flight = wire, flight
        self.deflate: Deflate | None = None
        self.message = bytearray()  # a fragmented message being assembled
        self.message_opcode = 0
        self.compressed = False
        self.buffer = bytearray()
        self.open = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.handshaken = False
        self.seen = bytearray()
        self.last = -1
        self.unique = 0

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        extra = ""
        if self.wire.origin:
            extra += f"Origin: {self.wire.origin}\r\n"
        if self.wire.deflate:
            extra += f"Sec-WebSocket-Extensions: {DEFLATE_OFFER}\r\n"
        transport.write(
            f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\n{extra}\r\n".encode()
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self.tally.closed += 1
        if not self.open.done():
            self.open.set_exception(ConnectionError("closed during the handshake"))

    def send_text(self, payload: bytes) -> None:
        assert self.transport is not None
        if self.deflate is not None:
            self.transport.write(_frame(0x1, self.deflate.deflate(payload), rsv1=True))
        else:
            self.transport.write(_frame(0x1, payload))

    def data_received(self, data: bytes) -> None:
        now = time.monotonic_ns()
        self.buffer += data
        if not self.handshaken:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            if " 101 " not in head.partition("\r\n")[0]:
                self.open.set_exception(ConnectionError(head))
                return
            del self.buffer[: end + 4]
            if self.wire.deflate:
                extensions = [
                    line.partition(":")[2]
                    for line in head.split("\r\n")[1:]
                    if line.lower().startswith("sec-websocket-extensions:")
                ]
                params = parse_deflate(",".join(extensions))
                if params is not None:
                    self.deflate = Deflate(params)
                    self.tally.deflated += 1
            self.handshaken = True
            if self.kind == "festival":
                self.send_text(b'{"type":"join","ref":"join","data":{"name":"bench"}}')
            else:
                self.open.set_result(None)
        self._frames(now)

    def _frames(self, now: int) -> None:
        buffer = self.buffer
        while len(buffer) >= 2:
            first = buffer[0]
            opcode, length, start = first & 0x0F, buffer[1] & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                (length,), start = struct.unpack_from("!H", buffer, 2), 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                (length,), start = struct.unpack_from("!Q", buffer, 2), 10
            if len(buffer) < start + length:
                return
            payload = bytes(buffer[start : start + length])
            del buffer[: start + length]
            self._frame(first, opcode, payload, now)

    def _frame(self, first: int, opcode: int, payload: bytes, now: int) -> None:
        if opcode == 0x9 and self.transport is not None:
            self.transport.write(_frame(0xA, payload))
            return
        if opcode >= 0x8:  # close, pong: the connection's end is counted in connection_lost
            return
        if opcode != 0x0:  # the first frame of a message
            self.message_opcode, self.compressed = opcode, bool(first & 0x40)
        if not first & 0x80:  # more fragments follow
            self.message += payload
            return
        if self.message:
            payload, self.message = bytes(self.message) + payload, bytearray()
        self.tally.wire_bytes += len(payload)
        if self.compressed:
            if self.deflate is None:
                raise ConnectionError("a compressed frame without permessage-deflate")
            payload = self.deflate.inflate(payload)
        self.tally.message_bytes += len(payload)
        if self.message_opcode == 0x1:
            self._text(payload, now)

    def _text(self, payload: bytes, now: int) -> None:
        if self.kind == "reference":
            if self.count:
                self._message(payload, now)
            return
        if not self.open.done():
            if b'"ref":"join"' in payload:
                self.open.set_result(None)
            return
        if not self.count:
            return
        self.tally.frames += 1
        if not self.check:
            if self.flight is None:
                self._counted(payload.count(b'"type":"chat.message"'), now)
                return
            found = _TEXT.findall(payload)
            self._counted(len(found), now)
            for room, counter in found:
                self.flight.got(int(room), int(counter))
            return
        frame = orjson.loads(payload)
        for event in _flatten(frame):
            if event.get("type") == "chat.message":
                self._message(event["data"]["text"].encode(), now)

    def _message(self, text: bytes, now: int) -> None:
        tally = self.tally
        room_text, counter_text, sent_text = text.split(b":", 2)
        counter, sent = int(counter_text), int(sent_text)
        if self.kind == "reference":
            tally.frames += 1
        tally.deliveries += 1
        if not tally.first_ns:
            tally.first_ns = now
        tally.last_ns = now
        if len(self.seen) < tally.expected:
            self.seen.extend(bytes(tally.expected - len(self.seen)))
        if counter < len(self.seen) and self.seen[counter]:
            tally.duplicates += 1
            return
        if counter < self.last:
            tally.out_of_order += 1
        self.last = max(self.last, counter)
        if counter < len(self.seen):
            self.seen[counter] = 1
        self.unique += 1
        if self.flight is not None:
            self.flight.got(int(room_text), counter)
        tally.latency[min(BUCKETS - 1, (now - sent) // 1000 // BUCKET_US)] += 1

    def _counted(self, messages: int, now: int) -> None:
        """A light client's tally: how many messages arrived, nothing more."""
        if messages:
            tally = self.tally
            tally.deliveries += messages
            self.unique += messages
            if not tally.first_ns:
                tally.first_ns = now
            tally.last_ns = now

    def abort(self) -> None:
        if self.transport is not None:
            sock = self.transport.get_extra_info("socket")
            if sock is not None:  # RST, not FIN: no TIME_WAIT piles up across runs
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.transport.abort()


def _flatten(frame: dict[str, Any]) -> list[dict[str, Any]]:
    if frame.get("type") == "batch":
        return [inner for f in frame["frames"] for inner in _flatten(f)]
    return [frame]


async def _connect(
    kind: str,
    ports: list[int],
    paths: list[str],
    tally: Tally,
    count: bool,
    check_every: int = 1,
    wire: Wire = Wire(),
    flight: Flight | None = None,
) -> list[Client]:
    """Connect a client per path, spread round-robin over ``ports`` (the server's workers);
    every ``check_every``-th one checks order, duplicates and latency, the others only count.
    The clients come back in the order of ``paths`` (a publisher's index is its room's)."""
    loop = asyncio.get_running_loop()
    clients: list[Client | None] = [None] * len(paths)
    limit = asyncio.Semaphore(64)

    async def one(index: int, path: str) -> None:
        port = ports[index % len(ports)]
        check = index % check_every == 0
        async with limit:
            _, client = await loop.create_connection(
                lambda: Client(kind, path, port, tally, count, check, wire, flight),
                "127.0.0.1",
                port,
            )
            await asyncio.wait_for(client.open, 60)
            clients[index] = client

    await asyncio.gather(*(one(i, p) for i, p in enumerate(paths)))
    return [client for client in clients if client is not None]


def _send(client: Client, room: int, n: int) -> None:
    text = f"{room}:{n}:{time.monotonic_ns()}"
    if client.kind == "festival":
        client.send_text(orjson.dumps({"type": "chat.send", "data": {"text": text}}))
    else:
        client.send_text(text.encode())


async def _publish(clients: list[Client], messages: int, rate: float) -> tuple[int, int]:
    """Open loop: each client (room ``index``'s publisher) publishes ``messages`` at ``rate``
    per second, in step with the others."""
    start = time.monotonic()
    first = time.monotonic_ns()
    for n in range(messages):
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        for index, client in enumerate(clients):
            _send(client, index, n)
    return first, time.monotonic_ns()


class Window:
    """The publishers' side of "``window`` in flight": gets the client processes' notes
    (``Flight``) and sends a room's message k + window once message k reached every member,
    that is once each of the ``procs[room]`` processes with members there said so."""

    def __init__(self, clients: list[Client], messages: int, procs: list[int], window: int):
        self.clients, self.messages, self.procs, self.window = clients, messages, procs, window
        self.done = array("I", bytes(4 * len(clients) * messages))
        self.completed = 0
        self.finished = asyncio.get_running_loop().create_future()
        self.first = self.last = 0

    def start(self) -> None:
        self.first = time.monotonic_ns()
        for n in range(min(self.window, self.messages)):
            for room, client in enumerate(self.clients):
                _send(client, room, n)
        self.last = time.monotonic_ns()

    def note(self, room: int, counter: int) -> None:
        index = room * self.messages + counter
        self.done[index] += 1
        if self.done[index] != self.procs[room]:
            return
        self.completed += 1
        following = counter + self.window
        if following < self.messages:
            _send(self.clients[room], room, following)
            self.last = time.monotonic_ns()
        if self.completed == len(self.clients) * self.messages and not self.finished.done():
            self.finished.set_result(None)


class _Notes(asyncio.Protocol):
    """One client process's connection to the publishers' process: 8-byte notes."""

    def __init__(self, window: Window) -> None:
        self.window, self.buffer = window, bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        usable = len(self.buffer) - len(self.buffer) % 8
        for room, counter in struct.iter_unpack("!II", self.buffer[:usable]):
            self.window.note(room, counter)
        del self.buffer[:usable]


class _Process:
    """A client process's state between the coordinator's commands."""

    def __init__(self, kind: str, port: int) -> None:
        self.kind, self.port = kind, port
        self.tally = Tally()
        self.clients: list[Client] = []
        self.flight: Flight | None = None
        self.window: Window | None = None
        self.notes_server: asyncio.AbstractServer | None = None

    async def connect(self, args: dict[str, Any]) -> float:
        self.tally.expected = args["messages"]
        started = time.monotonic()
        if args.get("flight"):  # the room index of each path: this process's members per room
            local: dict[int, int] = {}
            for room in args["rooms"]:
                local[room] = local.get(room, 0) + 1
            self.flight = Flight(local, args["messages"])
        self.clients += await _connect(
            self.kind,
            args.get("ports") or [self.port],
            args["paths"],
            self.tally,
            args["count"],
            args.get("check_every", 1),
            Wire(args.get("origin"), args.get("deflate", False)),
            self.flight,
        )
        return time.monotonic() - started

    async def listen(self, args: dict[str, Any]) -> None:
        """The publishers' process, before the others "attach" and before "publish"."""
        window = self.window = Window(self.clients, args["messages"], args["procs"], args["window"])
        loop = asyncio.get_running_loop()
        self.notes_server = await loop.create_unix_server(lambda: _Notes(window), args["path"])

    async def attach(self, args: dict[str, Any]) -> None:
        """A client process, to the publishers' process."""
        assert self.flight is not None
        _, self.flight.writer = await asyncio.open_unix_connection(args["path"])

    async def publish(self, args: dict[str, Any]) -> tuple[int, int]:
        if not args.get("window"):
            return await _publish(self.clients, args["messages"], args["rate"])
        assert self.window is not None
        self.window.start()
        try:
            await asyncio.wait_for(asyncio.shield(self.window.finished), args["timeout"])
        except TimeoutError:
            pass  # lost messages: the collectors say how many
        return self.window.first, self.window.last

    async def collect(self, args: dict[str, Any]) -> Tally:
        tally, clients = self.tally, self.clients
        deadline = time.monotonic() + args["timeout"]
        while time.monotonic() < deadline and any(c.unique < tally.expected for c in clients):
            await asyncio.sleep(0.05)
        tally.lost = sum(tally.expected - c.unique for c in clients)
        return tally

    async def close(self, _args: dict[str, Any]) -> None:
        for client in self.clients:
            client.abort()
        if self.flight is not None and self.flight.writer is not None:
            self.flight.writer.close()
        if self.notes_server is not None:
            self.notes_server.close()


async def _serve(pipe: Connection, kind: str, port: int) -> None:
    process = _Process(kind, port)
    loop = asyncio.get_running_loop()
    while True:
        command, args = await loop.run_in_executor(None, pipe.recv)
        pipe.send(await getattr(process, command)(args))
        if command == "close":
            return


def worker(pipe: Connection, kind: str, port: int, cpus: set[int] | None = None) -> None:
    """A client process: obeys connect / listen / attach / publish / collect / close from the
    coordinator."""
    if cpus:
        os.sched_setaffinity(0, cpus)
    uvloop.run(_serve(pipe, kind, port))
