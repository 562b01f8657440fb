"""One WebSocket through connection.serve: a real Starlette app, Hub and room over TestClient.

The app is the smallest that serves a room: a hub over the in-memory broker and store, the
identity taken from the query string (``?id=g:ana&name=Ana&mod=1``), and an idle timeout short
enough to wait for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator, MutableMapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocket, WebSocketDisconnect

from realtime import connection, protocol
from realtime.admission import AddressLimits
from realtime.broker import MemoryBroker
from realtime.hub import Hub
from realtime.identity import Identity
from realtime.limits import Limits, Rate
from realtime.rooms.lifecycle import RoomInfo
from realtime.storage import MemoryEventStore, StaticCatalog
from scheduling.clock import FixedClock

from .frames import flatten

LOBBY = "lobby-test"
IDLE_SECONDS = 0.3


def make_hub(limits: Limits | None = None, address_limits: AddressLimits | None = None) -> Hub:
    return Hub(
        MemoryBroker(),
        MemoryEventStore(),
        StaticCatalog([RoomInfo(LOBBY, "Test lobby", "lobby")]),
        FixedClock(datetime(2027, 1, 24, 12, tzinfo=UTC)),
        limits=limits,
        address_limits=address_limits or AddressLimits(),
    )


def make_app(
    limits: Limits | None = None, address_limits: AddressLimits | None = None
) -> Starlette:
    hub = make_hub(limits, address_limits)

    async def room_socket(websocket: WebSocket) -> None:
        await websocket.accept()
        params = websocket.query_params
        who = Identity(
            params["id"],
            params.get("name", ""),
            params.get("mod") == "1",
            signed_in=params.get("signed_in") == "1",
        )
        await connection.serve(
            websocket,
            hub,
            websocket.path_params["room"],
            who,
            idle_timeout_seconds=IDLE_SECONDS,
            address=params.get("address", "address-1"),
        )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await hub.start()
        yield
        await hub.close()

    return Starlette(routes=[WebSocketRoute("/ws/{room}", room_socket)], lifespan=lifespan)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(make_app()) as running:
        yield running


class Conn:
    """One participant: frames decoded, batches flattened, transient updates set aside."""

    def __init__(self, ws: WebSocketTestSession) -> None:
        self.ws = ws
        self.buffer: list[dict[str, Any]] = []

    def send(self, message_type: str, ref: object = None, **data: Any) -> None:
        self.ws.send_text(orjson.dumps({"type": message_type, "ref": ref, "data": data}).decode())

    def next(self) -> dict[str, Any]:
        while not self.buffer:
            self.buffer = [
                f
                for f in flatten(orjson.loads(self.ws.receive_text()))
                if f["type"] not in ("presence", "reactions", "qa.votes", "poll.tally")
            ]
        return self.buffer.pop(0)

    def until_reply(self, ref: object) -> list[dict[str, Any]]:
        """Frames up to and including the reply to ``ref``."""
        seen = [self.next()]
        while not (seen[-1]["type"] in ("ok", "error") and seen[-1].get("ref") == ref):
            seen.append(self.next())
        return seen

    def reply(self, ref: object) -> dict[str, Any]:
        return self.until_reply(ref)[-1]

    def join(self, name: str = "") -> dict[str, Any]:
        self.send("join", "join", **({"name": name} if name else {}))
        return self.reply("join")

    def closed(self) -> int:
        """The close code, once every frame before it has been read."""
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                self.next()
        return closed.value.code


def test_connection_origin_allowed_is_the_site_or_this_host() -> None:
    site = "https://festival.example"
    assert connection.origin_allowed(None, site, "festival.example") is True
    assert connection.origin_allowed("https://Festival.example/", site, None) is True
    assert connection.origin_allowed("http://10.0.0.5:8000", site, "10.0.0.5:8000") is True
    assert connection.origin_allowed("https://evil.example", site, "festival.example") is False
    assert connection.origin_allowed("http://festival.example", site, None) is False


def test_connection_joins_and_answers_commands(client: TestClient) -> None:
    with client.websocket_connect(f"/ws/{LOBBY}?id=g:ana") as ws:
        conn = Conn(ws)
        joined = conn.join("Ana")
        conn.send("chat.send", "c1", text="hello")
        *before, sent = conn.until_reply("c1")
    assert (joined["type"], joined["data"]["you"]["name"]) == ("ok", "Ana")
    # The event reaches the room before its sender's ok: the ok means it is stored.
    assert [(f["type"], f["data"]["text"]) for f in before if f["type"] == "chat.message"] == [
        ("chat.message", "hello")
    ]
    assert sent["data"]["seq"] == 1


def test_connection_unknown_room_is_an_error_then_4004(client: TestClient) -> None:
    with client.websocket_connect("/ws/lobby-nowhere?id=g:ana") as ws:
        conn = Conn(ws)
        error = conn.next()
        code = conn.closed()
    assert (error["data"]["code"], error["ref"], code) == ("room.unknown", None, 4004)


class QueueSocket:
    """The ASGI side of an accepted WebSocket, fed from a queue: for waiting without a thread."""

    def __init__(self) -> None:
        self.inbound: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        return await self.inbound.get()

    async def send(self, message: MutableMapping[str, Any]) -> None:
        self.sent.append(dict(message))


async def test_connection_idle_for_the_timeout_is_closed_with_4001() -> None:
    hub = make_hub()
    socket = QueueSocket()
    join = {"type": "join", "ref": "j", "data": {"name": "Ana"}}
    await socket.inbound.put({"type": "websocket.receive", "text": orjson.dumps(join).decode()})
    started = time.monotonic()
    # Bounded: without the idle timeout this fails instead of waiting for ever.
    await asyncio.wait_for(
        connection.serve(
            socket, hub, LOBBY, Identity("g:ana", ""), idle_timeout_seconds=IDLE_SECONDS
        ),
        timeout=10,
    )
    waited = time.monotonic() - started
    await hub.close()
    assert socket.sent[-1] == {"type": "websocket.close", "code": 4001, "reason": "idle"}
    assert orjson.loads(socket.sent[0]["text"])["type"] in ("ok", "batch")
    assert IDLE_SECONDS * 0.9 <= waited < IDLE_SECONDS + 5


def test_connection_frames_keep_an_idle_connection_open(client: TestClient) -> None:
    with client.websocket_connect(f"/ws/{LOBBY}?id=g:ana") as ws:
        conn = Conn(ws)
        conn.join("Ana")
        for n in range(6):  # 6 x IDLE_SECONDS / 2: longer than the timeout, never idle
            time.sleep(IDLE_SECONDS / 2)
            conn.send("ping", n)
            assert conn.reply(n)["type"] == "ok"


def test_connection_binary_and_malformed_frames_are_refused_and_it_lives(
    client: TestClient,
) -> None:
    with client.websocket_connect(f"/ws/{LOBBY}?id=g:ana") as ws:
        conn = Conn(ws)
        ws.send_bytes(b'{"type":"ping","ref":"b"}')
        binary = conn.next()
        ws.send_text('{"type":"chat.send","ref":"m","data":{')
        malformed = conn.next()
        conn.send("chat.send", "early", text="before joining")
        early = conn.reply("early")
        conn.join("Ana")
        conn.send("ping", "alive")
        alive = conn.reply("alive")
    assert [(f["data"]["code"], f["ref"]) for f in (binary, malformed, early)] == [
        ("frame.malformed", None),
        ("frame.malformed", "m"),
        ("session.not_joined", "early"),
    ]
    assert alive["type"] == "ok"


def test_connection_room_errors_are_replies(client: TestClient) -> None:
    with client.websocket_connect(f"/ws/{LOBBY}?id=g:ana") as ws:
        conn = Conn(ws)
        conn.join("Ana")
        conn.send("mod.audit", "a")  # a moderator's query
        audit = conn.reply("a")
        conn.send("react", "r", emoji="🐍")
        react = conn.reply("r")
        conn.send("react", "ok", emoji="🎉")
        reacted = conn.reply("ok")
    assert (audit["data"]["code"], react["data"]["code"], reacted["type"]) == (
        "auth.forbidden",
        "reaction.unknown",
        "ok",
    )


def test_connection_rate_limited_then_closed_for_abuse() -> None:
    limits = Limits(chat=Rate(1, 0.001), strikes=Rate(2, 0.001))
    with TestClient(make_app(limits)) as client:
        with client.websocket_connect(f"/ws/{LOBBY}?id=g:ana") as ws:
            conn = Conn(ws)
            conn.join("Ana")
            for n in range(4):
                conn.send("chat.send", n, text=f"flood {n}")
            replies = [conn.reply(n) for n in range(3)]
            code = conn.closed()
    assert [r["type"] for r in replies] == ["ok", "error", "error"]
    assert replies[1]["data"]["code"] == "rate.limited"
    assert code == protocol.CLOSE_POLICY == 1008


def test_connection_banned_identity_is_closed_and_cannot_rejoin(client: TestClient) -> None:
    with client.websocket_connect(f"/ws/{LOBBY}?id=u:host&mod=1") as host_ws:
        host = Conn(host_ws)
        host.join("Host")
        with client.websocket_connect(f"/ws/{LOBBY}?id=g:bob") as bob_ws:
            bob = Conn(bob_ws)
            bob.join("Bob")
            host.send("mod.ban", "ban", id="g:bob")
            banned = host.reply("ban")
            first = bob.closed()
        with client.websocket_connect(f"/ws/{LOBBY}?id=g:bob") as again_ws:
            again = Conn(again_ws)
            refused = again.join("Bob")
            second = again.closed()
    assert banned["type"] == "ok"
    assert (first, refused["data"]["code"], second) == (4003, "user.banned", 4003)


def test_connection_join_twice_is_refused(client: TestClient) -> None:
    with client.websocket_connect(f"/ws/{LOBBY}?id=g:ana") as ws:
        conn = Conn(ws)
        conn.join("Ana")
        twice = conn.join("Ana")
    assert twice["data"]["code"] == "session.already_joined"


def test_connection_an_address_over_its_connections_is_told_and_closed_with_1013() -> None:
    with TestClient(make_app(address_limits=AddressLimits(connections=1))) as client:
        with client.websocket_connect(f"/ws/{LOBBY}?id=g:ana") as first:
            Conn(first).join("Ana")
            with client.websocket_connect(f"/ws/{LOBBY}?id=g:bob") as second:
                refused = Conn(second)
                error, code = refused.next(), refused.closed()
            with client.websocket_connect(f"/ws/{LOBBY}?id=g:eve&address=address-2") as other:
                elsewhere = Conn(other).join("Eve")
            with client.websocket_connect(f"/ws/{LOBBY}?id=u:kim&signed_in=1") as kim:
                signed_in = Conn(kim).join("Kim")
    assert (error["data"]["code"], code) == ("address.connections", protocol.CLOSE_TRY_AGAIN)
    assert (elsewhere["type"], signed_in["type"]) == ("ok", "ok")


def test_connection_an_address_over_its_joins_is_refused_and_closed_with_1013() -> None:
    with TestClient(make_app(address_limits=AddressLimits(joins=Rate(1, 0.001)))) as client:
        with client.websocket_connect(f"/ws/{LOBBY}?id=g:ana") as first:
            joined = Conn(first).join("Ana")
        with client.websocket_connect(f"/ws/{LOBBY}?id=g:bob") as second:
            conn = Conn(second)
            refused = conn.join("Bob")
            code = conn.closed()
    assert joined["type"] == "ok"
    assert (refused["data"]["code"], code) == ("address.joins", protocol.CLOSE_TRY_AGAIN)
