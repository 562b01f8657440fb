"""The only code that awaits the socket: read frames, run the session, write the outbox.

The reader (the ASGI handler itself) feeds frames to its :class:`~realtime.session.Session`
and performs the resulting actions; the :class:`~realtime.writer.Writer` sends what the outbox
gets, and the close frame when the outbox is closed (too slow, banned, idle, abuse, shutdown).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, MutableMapping
from typing import Any, Protocol
from urllib.parse import urlsplit

from realtime import protocol, wire
from realtime.admission import AddressLimitedError, Admission, counted
from realtime.errors import NotFoundError, RateLimitedError, RoomError
from realtime.fanout import Member
from realtime.hub import Hub
from realtime.identity import Identity
from realtime.outbox import Outbox
from realtime.runtime import RoomRuntime
from realtime.session import Action, Close, Forward, JoinRequest, Reply, Session
from realtime.writer import Writer

log = logging.getLogger("realtime.connection")

Message = MutableMapping[str, Any]
#: How long the writer may take to flush and close once the reader is done.
CLOSE_TIMEOUT_SECONDS = 5.0


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


async def refuse(socket: Socket, exc: RoomError, code: int) -> None:
    """Tell an accepted WebSocket why it cannot stay (an error frame), then close it."""
    await socket.send({"type": "websocket.send", "text": protocol.error(None, exc)})
    await socket.send({"type": "websocket.close", "code": code, "reason": exc.code})


async def serve(
    socket: Socket,
    hub: Hub,
    room_name: str,
    identity: Identity,
    monotonic: Callable[[], float] = time.monotonic,
    idle_timeout_seconds: float = protocol.IDLE_TIMEOUT_SECONDS,
    address: str = "",
    raw: wire.RawTransport | None = None,
) -> None:
    """Run one accepted WebSocket in ``room_name`` until it closes (with ``CLOSE_IDLE`` when
    it sent nothing for ``idle_timeout_seconds``).

    ``raw`` is the connection's transport when the server exposes one (realtime/wire.py):
    messages are then written to it as frames built once per view.

    ``address`` is the opaque key of the client's network address; a guest's connection takes
    one of that address's slots for as long as it is open (realtime/admission.py).
    """
    guest = not identity.signed_in
    if guest:
        try:
            await hub.admission.connect(address)
        except AddressLimitedError as exc:
            await refuse(socket, exc, protocol.CLOSE_TRY_AGAIN)
            return
    try:
        member = Member(identity, Outbox(max_chars=hub.outbox_chars), address)
        await _serve(socket, hub, room_name, member, monotonic, idle_timeout_seconds, raw)
    finally:
        if guest:
            await hub.admission.disconnect(address)


async def _serve(
    socket: Socket,
    hub: Hub,
    room_name: str,
    member: Member,
    monotonic: Callable[[], float],
    idle_timeout_seconds: float,
    raw: wire.RawTransport | None,
) -> None:
    outbox = member.outbox
    writer = Writer(socket, outbox, raw)
    try:
        runtime = await hub.acquire(room_name)
    except NotFoundError as exc:
        outbox.put(protocol.error(None, exc))
        outbox.close(protocol.CLOSE_ROOM_UNKNOWN, exc.code)
        await writer.stop(CLOSE_TIMEOUT_SECONDS)
        return
    try:
        session = Session(member.identity, monotonic(), hub.limits)
        await _read(
            socket, session, runtime, member, monotonic, idle_timeout_seconds, hub.admission
        )
    finally:
        runtime.leave(member)
        hub.release(runtime)
        await writer.stop(CLOSE_TIMEOUT_SECONDS)


async def _read(
    socket: Socket,
    session: Session,
    runtime: RoomRuntime,
    member: Member,
    monotonic: Callable[[], float],
    idle_timeout_seconds: float,
    admission: Admission,
) -> None:
    outbox = member.outbox
    while outbox.close_code is None:
        try:
            async with asyncio.timeout(idle_timeout_seconds):
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
            await _perform(action, session, runtime, member, monotonic, admission)


async def _perform(
    action: Action,
    session: Session,
    runtime: RoomRuntime,
    member: Member,
    monotonic: Callable[[], float],
    admission: Admission,
) -> None:
    if isinstance(action, Reply):
        member.send(action.frame)
    elif isinstance(action, Close):
        member.outbox.close(action.code, action.reason)
    elif isinstance(action, JoinRequest):
        await _join(action, session, runtime, member, admission)
    else:
        command: Forward = action  # all that is left of Action
        now = monotonic()
        try:
            if not member.identity.signed_in and counted(command.type):
                await admission.check("commands", member.address)
            await runtime.take_shared(member.identity, command.type)
            runtime.submit(member, command.ref, command.type, command.data, now)
        except RateLimitedError as exc:
            for refusal in session.refuse(exc, command.ref, now):
                await _perform(refusal, session, runtime, member, monotonic, admission)
        except RoomError as exc:
            member.send(protocol.error(command.ref, exc))


async def _join(
    action: JoinRequest,
    session: Session,
    runtime: RoomRuntime,
    member: Member,
    admission: Admission,
) -> None:
    member.identity = action.identity
    try:
        if not member.identity.signed_in:
            await admission.check("joins", member.address)
        await runtime.join(member, action.ref, action.last_seq)
    except RoomError as exc:
        session.join_failed()
        member.send(protocol.error(action.ref, exc))
        if exc.code == "user.banned":
            member.outbox.close(protocol.CLOSE_BANNED, "banned")
        elif isinstance(exc, AddressLimitedError):  # come back later, not at once
            member.outbox.close(protocol.CLOSE_TRY_AGAIN, exc.code)
    else:
        session.joined()
