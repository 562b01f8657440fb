"""The only code that awaits the socket: read frames, run the session, write the outbox.

Each connection has two tasks: the reader (the ASGI handler itself) feeds frames to its
:class:`~realtime.session.Session` and performs the resulting actions; the writer drains the
outbox, joining whatever queued up meanwhile into one frame, and sends the close frame when the
outbox is closed (too slow, banned, idle, abuse, shutdown).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, MutableMapping
from typing import Any, Protocol
from urllib.parse import urlsplit

from realtime import protocol
from realtime.errors import NotFoundError, RateLimitedError, RoomError
from realtime.fanout import Member
from realtime.hub import Hub
from realtime.identity import Identity
from realtime.outbox import Outbox
from realtime.runtime import RoomRuntime
from realtime.session import Action, Close, Forward, JoinRequest, Reply, Session

log = logging.getLogger("realtime.connection")

Message = MutableMapping[str, Any]
#: How long the writer may take to flush and close once the reader is done.
CLOSE_TIMEOUT_SECONDS = 5.0
#: Queued frames are joined into one WebSocket message up to about this many characters.
MAX_MESSAGE_CHARS = 256 * 1024


class Socket(Protocol):
    """An accepted ASGI WebSocket (Starlette's ``WebSocket`` is one)."""

    async def receive(self) -> Message: ...

    async def send(self, message: Message) -> None: ...


def origin_allowed(origin: str | None, site_url: str, host: str | None) -> bool:
    """A browser's Origin must be the configured site (or this very host); others send none.

    Browsers always send Origin on a WebSocket handshake, so a foreign page cannot ride a
    visitor's cookies into a room (cross-site WebSocket hijacking).
    """
    if origin is None:
        return True
    origin = origin.rstrip("/").lower()
    site = urlsplit(site_url)
    allowed = {f"{site.scheme}://{site.netloc}".lower()}
    if host:
        allowed |= {f"http://{host.lower()}", f"https://{host.lower()}"}
    return origin in allowed


async def serve(
    socket: Socket,
    hub: Hub,
    room_name: str,
    identity: Identity,
    monotonic: Callable[[], float] = time.monotonic,
) -> None:
    """Run one accepted WebSocket in ``room_name`` until it closes."""
    outbox = Outbox(max_chars=hub.outbox_chars)
    writer = asyncio.create_task(_write(socket, outbox))
    try:
        runtime = await hub.acquire(room_name)
    except NotFoundError as exc:
        outbox.put(protocol.error(None, exc))
        outbox.close(protocol.CLOSE_ROOM_UNKNOWN, exc.code)
        await _finish(writer, outbox)
        return
    member = Member(identity, outbox)
    try:
        session = Session(identity, monotonic(), hub.limits)
        await _read(socket, session, runtime, member, monotonic)
    finally:
        runtime.leave(member)
        hub.release(runtime)
        await _finish(writer, outbox)


async def _finish(writer: asyncio.Task[None], outbox: Outbox) -> None:
    if outbox.close_code is None:  # the client left: nothing more to send
        writer.cancel()
    try:
        await asyncio.wait_for(writer, CLOSE_TIMEOUT_SECONDS)
    except (TimeoutError, asyncio.CancelledError):
        pass


async def _read(
    socket: Socket,
    session: Session,
    runtime: RoomRuntime,
    member: Member,
    monotonic: Callable[[], float],
) -> None:
    outbox = member.outbox
    while outbox.close_code is None:
        try:
            async with asyncio.timeout(protocol.IDLE_TIMEOUT_SECONDS):
                message = await socket.receive()
        except TimeoutError:
            outbox.close(protocol.CLOSE_IDLE, "idle")
            return
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text")
        if raw is None:
            raw = message.get("bytes") or b""
        for action in session.receive(raw, monotonic()):
            await _perform(action, session, runtime, member, monotonic)


async def _perform(
    action: Action,
    session: Session,
    runtime: RoomRuntime,
    member: Member,
    monotonic: Callable[[], float],
) -> None:
    if isinstance(action, Reply):
        member.send(action.frame)
    elif isinstance(action, Close):
        member.outbox.close(action.code, action.reason)
    elif isinstance(action, JoinRequest):
        member.identity = action.identity
        try:
            await runtime.join(member, action.ref, action.last_seq)
        except RoomError as exc:
            session.join_failed()
            member.send(protocol.error(action.ref, exc))
            if exc.code == "user.banned":
                member.outbox.close(protocol.CLOSE_BANNED, "banned")
        else:
            session.joined()
    elif isinstance(action, Forward):
        now = monotonic()
        try:
            runtime.submit(member, action.ref, action.type, action.data, now)
        except RateLimitedError as exc:
            for refusal in session.refuse(exc, action.ref, now):
                await _perform(refusal, session, runtime, member, monotonic)
        except RoomError as exc:
            member.send(protocol.error(action.ref, exc))


def _chunks(frames: list[str]) -> list[list[str]]:
    """Consecutive runs of frames of about MAX_MESSAGE_CHARS (a single larger frame alone)."""
    chunks: list[list[str]] = []
    size = MAX_MESSAGE_CHARS
    for frame in frames:
        if size + len(frame) > MAX_MESSAGE_CHARS:
            chunks.append([])
            size = 0
        chunks[-1].append(frame)
        size += len(frame)
    return chunks


async def _write(socket: Socket, outbox: Outbox) -> None:
    try:
        while True:
            await outbox.wait()
            for chunk in _chunks(outbox.take()):
                await socket.send({"type": "websocket.send", "text": protocol.batch(chunk)})
            if outbox.close_code is not None and not len(outbox):
                await socket.send(
                    {"type": "websocket.close", "code": outbox.close_code, "reason": outbox.reason}
                )
                return
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - the peer is gone; the reader sees the disconnect
        log.debug("writer stopped: %s: %s", type(exc).__name__, exc)
