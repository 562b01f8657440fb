"""A connection's writer: sends what its outbox holds at once when the socket takes it, and
only falls back to a task when a send has to wait for the socket.

Fan-out thus writes to every ready socket inside its own loop, as ``websockets.broadcast()``
does, without a task switch per delivery; a connection whose socket buffer is full (the
transport paused writing) finishes in its own task, while the outbox collects what follows.

When the server exposes the connection's transport (realtime/wire.py), messages are written
to it as frames built once per view, without the ASGI ``send()``; the close frame still goes
through ``send()``. Otherwise (the test client, other servers) every message goes through
``send()``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, MutableMapping
from typing import Any, Protocol

from realtime import protocol, wire
from realtime.outbox import Outbox

log = logging.getLogger("realtime.writer")

#: Queued frames are joined into one WebSocket message up to about this many characters.
MAX_MESSAGE_CHARS = 256 * 1024

Message = MutableMapping[str, Any]


class Sender(Protocol):
    async def send(self, message: Message) -> None: ...


def chunks(frames: list[str]) -> list[str]:
    """The frames as messages of about MAX_MESSAGE_CHARS (a larger frame goes alone)."""
    out: list[list[str]] = []
    size = MAX_MESSAGE_CHARS
    for frame in frames:
        if size + len(frame) > MAX_MESSAGE_CHARS:
            out.append([])
            size = 0
        out[-1].append(frame)
        size += len(frame)
    return [protocol.batch(group) for group in out]


def start(coroutine: Coroutine[Any, Any, None]) -> Coroutine[Any, Any, None] | None:
    """Run ``coroutine`` until it first has to wait: None if it finished then (its exception,
    if any, is raised here), else a coroutine that finishes it, to be run as a task."""
    try:
        waiting_on = coroutine.send(None)
    except StopIteration:
        return None
    return _finish(coroutine, waiting_on)


async def _finish(coroutine: Coroutine[Any, Any, None], waiting_on: Any) -> None:
    while True:
        if isinstance(waiting_on, asyncio.Future):
            await asyncio.wait((waiting_on,))
        else:  # a bare yield: give the loop one turn
            await asyncio.sleep(0)
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return


class Writer:
    """Drains one outbox into one socket; ``closed`` is done once the close frame is out."""

    def __init__(
        self, socket: Sender, outbox: Outbox, raw: wire.RawTransport | None = None
    ) -> None:
        self.socket = socket
        #: The connection's transport, when the server exposes it (realtime/wire.py).
        self.raw = raw
        self.outbox = outbox
        self.task: asyncio.Task[None] | None = None
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        outbox.on_ready = self.flush

    def flush(self) -> None:
        """Send what is queued (called whenever the outbox gets a frame or is closed)."""
        if self.task is not None or self.closed.done():
            return
        raw, outbox = self.raw, self.outbox
        try:
            while outbox:
                frames = outbox.take()
                messages = frames if len(frames) == 1 else chunks(frames)
                for index, text in enumerate(messages):
                    if raw is not None and not raw.writing_paused:
                        raw.write(wire.frame(text, raw.deflate_bits))
                        continue
                    pending = start(self._send(text))
                    if pending is not None:
                        self._wait_then_drain(pending, messages[index + 1 :])
                        return
            if outbox.close_code is not None:
                self._wait_then_drain(self._close(), [])
        except Exception as exc:  # noqa: BLE001 - the peer is gone; the reader sees it
            self._gone(exc)

    def _wait_then_drain(self, pending: Coroutine[Any, Any, None], then: list[str]) -> None:
        self.task = asyncio.get_running_loop().create_task(self._drain(pending, then))
        # A task cancelled before its first step (the connection torn down, the loop shutting
        # down) never awaits ``pending``: close it, or it is collected as "never awaited".
        self.task.add_done_callback(lambda _: pending.close())

    async def _drain(self, pending: Coroutine[Any, Any, None], then: list[str]) -> None:
        try:
            await pending
            for text in then:
                await self._send(text)
            while self.outbox and not self.closed.done():
                for text in chunks(self.outbox.take()):
                    await self._send(text)
            if self.outbox.close_code is not None and not self.closed.done():
                await self._close()
        except Exception as exc:  # noqa: BLE001 - the peer is gone; the reader sees it
            self._gone(exc)
        finally:
            self.task = None

    async def _send(self, text: str) -> None:
        raw = self.raw
        if raw is None:
            await self.socket.send({"type": "websocket.send", "text": text})
            return
        if raw.writing_paused:
            await raw.drain()
        raw.write(wire.frame(text, raw.deflate_bits))

    async def _close(self) -> None:
        if self.closed.done():
            return
        code, reason = self.outbox.close_code, self.outbox.reason
        await self.socket.send({"type": "websocket.close", "code": code, "reason": reason})
        if not self.closed.done():
            self.closed.set_result(None)

    def _gone(self, exc: Exception) -> None:
        log.debug("writer stopped: %s: %s", type(exc).__name__, exc)
        if not self.closed.done():
            self.closed.set_result(None)

    async def stop(self, timeout: float) -> None:
        """Wait (boundedly) for the close frame if one was asked for; then stop."""
        if self.outbox.close_code is not None and not self.closed.done():
            try:
                await asyncio.wait_for(asyncio.shield(self.closed), timeout)
            except TimeoutError:
                pass
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        if not self.closed.done():
            self.closed.set_result(None)
