"""Real Redis for tests: the shared test server, and private servers a test may stop and start.

The shared server is ``TEST_REDIS_URL`` (scripts/test sets it; default redis://127.0.0.1:6379/0).
Outside CI a Redis that does not answer skips the tests that need it, with the reason; with
CI=true it fails them. Never a mock, never a fake.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def ping(url: str, timeout: float = 0.5) -> str | None:
    """None when a Redis at ``url`` answers PING, else why not."""
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout=timeout
        ) as sock:
            if parts.password:
                sock.sendall(f"AUTH {parts.username or 'default'} {parts.password}\r\n".encode())
                sock.recv(64)
            sock.sendall(b"PING\r\n")
            reply = sock.recv(64)
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if reply.startswith(b"+PONG") else f"unexpected reply {reply!r}"


def require_redis(url: str = TEST_REDIS_URL) -> str:
    """The URL of a Redis that answers; skips (outside CI) or fails (in CI) otherwise."""
    problem = ping(url)
    if problem is not None:
        message = f"no Redis answers at {url} ({problem}); set TEST_REDIS_URL or run scripts/test"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return url


def require_redis_server() -> str:
    """The redis-server binary; skips (outside CI) or fails (in CI) if there is none."""
    if not os.access(REDIS_SERVER, os.X_OK):
        message = f"no redis-server binary at {REDIS_SERVER} to start a private Redis"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_SERVER


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A private ``redis-server`` on a loopback port, owned by one test: stop it, start it again.

    Nothing is saved to disk, so a restarted server starts empty (like a Redis that lost its
    memory); it keeps its port so clients reconnect to the same URL.
    """

    def __init__(self, folder: Path, binary: str = REDIS_SERVER) -> None:
        self.folder = folder
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_seconds: float = 10.0) -> None:
        if self.process is not None:
            return
        log = open(self.folder / "redis.log", "ab")  # noqa: SIM115 - handed to the child process
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.folder),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout_seconds
        while (problem := ping(self.url, timeout=0.2)) is not None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"private redis-server on port {self.port}: {problem}")
            time.sleep(0.02)

    def stop(self, sig: int = signal.SIGTERM, timeout_seconds: float = 10.0) -> None:
        """Stop the server (SIGTERM by default; SIGKILL to simulate a crash) and wait for it."""
        process, self.process = self.process, None
        if process is None:
            return
        process.send_signal(sig)
        if sig != signal.SIGKILL:
            process.send_signal(signal.SIGCONT)  # a paused server must run to act on SIGTERM
        try:
            process.wait(timeout_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout_seconds)

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open but nothing answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None
