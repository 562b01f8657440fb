"""A real uvicorn process serving the festival on a loopback port, and a WebSocket room client."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect

from festival.cli import SERVER_OPTIONS

ROOT = Path(__file__).resolve().parents[2]
TRANSIENT = {"presence", "reactions", "poll.tally", "qa.votes", "quiz.progress", "room.status"}
SECRET = "e2e-rooms-secret-not-for-production"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RoomServer:
    """``python -m uvicorn --factory festival.app:asgi`` with `festival serve`'s WebSocket
    protocol and backlog, the given database and options
    (``workers``: uvicorn's ``--workers``, processes sharing the one port)."""

    def __init__(
        self,
        database_url: str,
        port: int | None = None,
        workers: int = 1,
        log: Path | None = None,
        **env: str,
    ) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.workers = workers
        self.log = log  # where the server's stderr goes (None: this process's)
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, room: str) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/rooms/{room}"

    def start(self, timeout: float = 30.0) -> RoomServer:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": SECRET,
            "SITE_URL": self.http,
            **self.env,
        }
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "festival.app:asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-proxy-headers",  # the app decides the client address (TRUSTED_PROXIES)
            # The WebSocket protocol and backlog of `festival serve` (festival/cli.py).
            "--ws",
            SERVER_OPTIONS["ws"],
            "--backlog",
            str(SERVER_OPTIONS["backlog"]),
            *(["--workers", str(self.workers)] if self.workers > 1 else []),
        ]
        if self.log is None:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env)
        else:
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.http + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as in a crash."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
            self.process = None


def flatten(frame: dict[str, Any]) -> list[dict[str, Any]]:
    if frame["type"] == "batch":
        return [inner for f in frame["frames"] for inner in flatten(f)]
    return [frame]


class RoomClient:
    """A participant: one ``websockets`` connection, frames decoded and batches flattened."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.buffer: list[dict[str, Any]] = []
        self.last_seq: int | None = None
        self.events: list[dict[str, Any]] = []
        self.presence: int | None = None

    @classmethod
    async def open(cls, url: str, **options: Any) -> RoomClient:
        options.setdefault("open_timeout", 10)
        return cls(await connect(url, **options))

    async def close(self) -> None:
        await self.ws.close()

    async def send(self, message_type: str, ref: object = None, **data: Any) -> None:
        frame = {"type": message_type, "ref": ref, "data": data}
        await self.ws.send(orjson.dumps(frame).decode())

    async def next(self, timeout: float = 15.0, skip_transient: bool = True) -> dict[str, Any]:
        while True:
            if not self.buffer:
                raw = await asyncio.wait_for(self.ws.recv(), timeout)
                self.buffer = flatten(orjson.loads(raw))
            frame = self.buffer.pop(0)
            if frame["type"] == "presence":
                self.presence = frame["data"]["count"]
            if frame["type"] == "snapshot":
                self.last_seq = max(self.last_seq or 0, frame["seq"])
            elif "seq" in frame and frame["type"] != "ok":
                self.last_seq = frame["seq"]
                self.events.append(frame)
            if not (skip_transient and frame["type"] in TRANSIENT):
                return frame

    async def until(self, match: Any, limit: int = 100_000) -> list[dict[str, Any]]:
        seen = []
        for _ in range(limit):
            frame = await self.next()
            seen.append(frame)
            if match(frame):
                return seen
        raise AssertionError("no matching frame")

    async def reply(self, ref: object) -> dict[str, Any]:
        found = await self.until(lambda f: f["type"] in ("ok", "error") and f.get("ref") == ref)
        return found[-1]

    async def join(self, name: str, last_seq: int | None = None) -> dict[str, Any]:
        await self.send("join", "join", name=name, last_seq=last_seq)
        return await self.reply("join")


class StalledClient:
    """A participant whose device stops reading: the ``websockets`` Sans-I/O client protocol over
    a plain socket with a small receive buffer, read only when the test says so."""

    def __init__(self, url: str, port: int) -> None:
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        self.protocol = ClientProtocol(parse_uri(url), max_size=None)
        self.port = port
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.setblocking(False)
        self.events: list[dict[str, Any]] = []
        self.close_code: int | None = None

    async def _flush(self) -> None:
        await asyncio.get_running_loop().sock_sendall(
            self.sock, b"".join(self.protocol.data_to_send())
        )

    async def _receive(self, timeout: float) -> bool:
        loop = asyncio.get_running_loop()
        data = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), timeout)
        if data:
            self.protocol.receive_data(data)
        else:
            self.protocol.receive_eof()
        return bool(data)

    async def join(self, name: str) -> None:
        from websockets.frames import Frame
        from websockets.http11 import Response

        loop = asyncio.get_running_loop()
        await loop.sock_connect(self.sock, ("127.0.0.1", self.port))
        self.protocol.send_request(self.protocol.connect())
        await self._flush()
        joined = False
        while not joined:
            await self._receive(10)
            for event in self.protocol.events_received():
                if isinstance(event, Frame):
                    joined = joined or any(f["type"] == "ok" for f in self._frames(event))
                else:
                    assert isinstance(event, Response) and event.status_code == 101
                    frame = {"type": "join", "ref": "join", "data": {"name": name}}
                    self.protocol.send_text(orjson.dumps(frame))
                    await self._flush()

    def _frames(self, event: Any) -> list[dict[str, Any]]:
        from websockets.frames import Opcode

        if event.opcode == Opcode.CLOSE:
            from websockets.frames import Close

            self.close_code = Close.parse(event.data).code
            return []
        if event.opcode != Opcode.TEXT:
            return []
        frames = flatten(orjson.loads(event.data))
        self.events.extend(f for f in frames if "seq" in f and f["type"] not in ("ok", "snapshot"))
        return frames

    async def read_until_closed(self, timeout: float = 30.0) -> None:
        """Catch up on everything the server sent, up to its close frame."""
        while self.close_code is None and await self._receive(timeout):
            for event in self.protocol.events_received():
                self._frames(event)
        self.sock.close()

    @property
    def last_seq(self) -> int:
        return self.events[-1]["seq"] if self.events else 0
