"""Client side of bench/fanout.py: many light WebSocket clients per process, and publishers.

A client is a bare asyncio protocol speaking RFC 6455 (server frames arrive unmasked; client
frames are masked), so that the clients, not the servers, cost as little CPU as possible and
the same clients measure both servers. Every published message carries its publisher's
counter and send time (CLOCK_MONOTONIC, shared by all processes on Linux).
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct
import time
from array import array
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import orjson
import uvloop

#: Latency histogram: 0.1 ms buckets up to 10 s (the last bucket holds everything slower).
BUCKET_US = 100
BUCKETS = 100_001


def _frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame."""
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + masked


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
    first_ns: int = 0
    last_ns: int = 0
    latency: array = field(default_factory=lambda: array("I", bytes(4 * BUCKETS)))  # type: ignore[type-arg]


class Client(asyncio.Protocol):
    def __init__(
        self, kind: str, path: str, port: int, tally: Tally, count: bool, check: bool = True
    ) -> None:
        self.kind, self.path, self.port, self.tally, self.count = kind, path, port, tally, count
        self.check = check  # False: count deliveries only (no order, duplicate, latency checks)
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
        transport.write(
            f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self.tally.closed += 1
        if not self.open.done():
            self.open.set_exception(ConnectionError("closed during the handshake"))

    def send_text(self, payload: bytes) -> None:
        assert self.transport is not None
        self.transport.write(_frame(0x1, payload))

    def data_received(self, data: bytes) -> None:
        now = time.monotonic_ns()
        self.buffer += data
        if not self.handshaken:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in self.buffer[:end]:
                self.open.set_exception(ConnectionError(bytes(self.buffer[:end]).decode()))
                return
            del self.buffer[: end + 4]
            self.handshaken = True
            if self.kind == "festival":
                self.send_text(b'{"type":"join","ref":"join","data":{"name":"bench"}}')
            else:
                self.open.set_result(None)
        self._frames(now)

    def _frames(self, now: int) -> None:
        buffer = self.buffer
        while len(buffer) >= 2:
            opcode, length, start = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
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
            if opcode == 0x1:
                self._text(payload, now)
            elif opcode == 0x9 and self.transport is not None:
                self.transport.write(_frame(0xA, payload))

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
            self._counted(payload.count(b'"type":"chat.message"'), now)
            return
        frame = orjson.loads(payload)
        for event in _flatten(frame):
            if event.get("type") == "chat.message":
                self._message(event["data"]["text"].encode(), now)

    def _message(self, text: bytes, now: int) -> None:
        tally = self.tally
        _, counter_text, sent_text = text.split(b":", 2)
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
    kind: str, ports: list[int], paths: list[str], tally: Tally, count: bool, check_every: int = 1
) -> list[Client]:
    """Connect a client per path, spread round-robin over ``ports`` (the server's workers);
    every ``check_every``-th one checks order, duplicates and latency, the others only count."""
    loop = asyncio.get_running_loop()
    clients: list[Client] = []
    limit = asyncio.Semaphore(64)

    async def one(index: int, path: str) -> None:
        port = ports[index % len(ports)]
        async with limit:
            _, client = await loop.create_connection(
                lambda: Client(kind, path, port, tally, count, index % check_every == 0),
                "127.0.0.1",
                port,
            )
            await asyncio.wait_for(client.open, 60)
            clients.append(client)

    await asyncio.gather(*(one(i, p) for i, p in enumerate(paths)))
    return clients


async def _publish(clients: list[Client], messages: int, rate: float) -> tuple[int, int]:
    """Each client publishes ``messages`` at ``rate`` per second, in step with the others."""
    start = time.monotonic()
    first = time.monotonic_ns()
    for n in range(messages):
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        for index, client in enumerate(clients):
            text = f"{index}:{n}:{time.monotonic_ns()}"
            if client.kind == "festival":
                frame = {"type": "chat.send", "data": {"text": text}}
                client.send_text(orjson.dumps(frame))
            else:
                client.send_text(text.encode())
    return first, time.monotonic_ns()


async def _serve(pipe: Connection, kind: str, port: int) -> None:
    tally = Tally()
    clients: list[Client] = []
    loop = asyncio.get_running_loop()
    while True:
        command, args = await loop.run_in_executor(None, pipe.recv)
        if command == "connect":
            tally.expected = args["messages"]
            started = time.monotonic()
            ports = args.get("ports") or [port]
            clients += await _connect(
                kind, ports, args["paths"], tally, args["count"], args.get("check_every", 1)
            )
            pipe.send(time.monotonic() - started)
        elif command == "publish":
            pipe.send(await _publish(clients, args["messages"], args["rate"]))
        elif command == "collect":
            deadline = time.monotonic() + args["timeout"]
            while time.monotonic() < deadline and any(c.unique < tally.expected for c in clients):
                await asyncio.sleep(0.05)
            tally.lost = sum(tally.expected - c.unique for c in clients)
            pipe.send(tally)
        elif command == "close":
            for client in clients:
                client.abort()
            pipe.send(None)
            return


def worker(pipe: Connection, kind: str, port: int, cpus: set[int] | None = None) -> None:
    """A client process: obeys connect / publish / collect / close from the coordinator."""
    if cpus:
        os.sched_setaffinity(0, cpus)
    uvloop.run(_serve(pipe, kind, port))
