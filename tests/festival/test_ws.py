"""The live rooms through Starlette's TestClient: pages, handshake, protocol, moderation."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from festival.app import create_app
from festival.db import make_engine
from festival.settings import Settings
from realtime import protocol
from scheduling.clock import FixedClock

from .rooms_seed import LATER_ROOM, LIVE_ROOM, LOBBY, seed_rooms

Frame = dict[str, Any]
TRANSIENT = {"presence", "reactions", "poll.tally", "qa.votes", "quiz.progress", "room.status"}


@pytest.fixture
def rooms_settings(settings: Settings) -> Settings:
    asyncio.run(seed_rooms(settings.database_url))
    return settings.with_(admin_password="let-me-moderate")


@pytest.fixture
def rooms_client(rooms_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(rooms_settings, clock=clock)) as test_client:
        yield test_client


def flatten(frame: Frame) -> list[Frame]:
    if frame["type"] == "batch":
        return [inner for f in frame["frames"] for inner in flatten(f)]
    return [frame]


class Conn:
    """A test client's WebSocket, read frame by frame (batches flattened, transients kept)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.buffer: list[Frame] = []
        self.n = 0

    def send(self, message_type: str, ref: object = None, **data: Any) -> None:
        self.ws.send_text(orjson.dumps({"type": message_type, "ref": ref, "data": data}).decode())

    def next(self, skip_transient: bool = True) -> Frame:
        while True:
            if not self.buffer:
                self.buffer = flatten(orjson.loads(self.ws.receive_text()))
            frame = self.buffer.pop(0)
            if not (skip_transient and frame["type"] in TRANSIENT):
                return frame

    def until(self, match: Callable[[Frame], bool], limit: int = 200) -> list[Frame]:
        seen = []
        for _ in range(limit):
            frame = self.next()
            seen.append(frame)
            if match(frame):
                return seen
        raise AssertionError(f"no matching frame in {seen}")

    def reply(self, ref: object) -> Frame:
        return self.until(lambda f: f["type"] in ("ok", "error") and f.get("ref") == ref)[-1]

    def join(self, name: str = "Ana", last_seq: int | None = None) -> Frame:
        self.n += 1
        ref = f"join{self.n}"
        self.send("join", ref, name=name, last_seq=last_seq)
        return self.reply(ref)


def login_admin(client: TestClient) -> None:
    page = client.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post(
        "/admin/login",
        data={"csrf_token": token.group(1), "password": "let-me-moderate", "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_ws_room_page_renders_and_sets_the_guest_cookie(rooms_client: TestClient) -> None:
    response = rooms_client.get(f"/rooms/{LIVE_ROOM}")
    assert response.status_code == 200
    assert 'data-socket="/ws/rooms/' + LIVE_ROOM + '"' in response.text
    assert "Live workshop" in response.text and "the organiser's time" in response.text
    assert "festival_guest" in response.cookies


def test_ws_lobby_page_renders(rooms_client: TestClient) -> None:
    response = rooms_client.get(f"/rooms/{LOBBY}")
    assert response.status_code == 200 and "Test Fest 2027 lobby" in response.text


def test_ws_unknown_room_page_is_404(rooms_client: TestClient) -> None:
    for name in ("lobby-nowhere", "session-00000000-0000-4000-8000-000000000000", "bogus"):
        assert rooms_client.get(f"/rooms/{name}").status_code == 404


def test_ws_first_join_gets_ok_then_snapshot(rooms_client: TestClient) -> None:
    with rooms_client.websocket_connect(f"/ws/rooms/{LIVE_ROOM}") as ws:
        conn = Conn(ws)
        ok = conn.join("  Ana  ")
        snapshot = conn.next()
    assert ok["data"]["mode"] == "snapshot" and ok["data"]["you"]["name"] == "Ana"
    assert ok["data"]["status"] == "live"
    assert snapshot["type"] == "snapshot" and snapshot["data"]["reason"] == "first_join"
    assert snapshot["data"]["room"]["join_url"] == "https://video.example/live"


def test_ws_room_before_its_session_is_a_lobby(rooms_client: TestClient) -> None:
    with rooms_client.websocket_connect(f"/ws/rooms/{LATER_ROOM}") as ws:
        conn = Conn(ws)
        assert conn.join()["data"]["status"] == "lobby"
        assert conn.next()["data"]["room"]["starts_at"] == "2027-01-24T17:00:00Z"
        conn.send("chat.send", "c", text="waiting in the lobby")
        assert conn.reply("c")["type"] == "ok"


def test_ws_two_clients_see_the_same_order(rooms_client: TestClient) -> None:
    with (
        rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as wa,
        rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as wb,
    ):
        a, b = Conn(wa), Conn(wb)
        a.join("Ana")
        b.join("Ben")
        for n in range(6):
            (a if n % 2 else b).send("chat.send", f"m{n}", text=f"message {n}")
        got_a = [f for f in a.until(lambda f: f.get("data", {}).get("text") == "message 5")]
        got_b = [f for f in b.until(lambda f: f.get("data", {}).get("text") == "message 5")]
    order_a = [(f["seq"], f["data"]["text"]) for f in got_a if f["type"] == "chat.message"]
    order_b = [(f["seq"], f["data"]["text"]) for f in got_b if f["type"] == "chat.message"]
    assert order_a == order_b and [s for s, _ in order_a] == [1, 2, 3, 4, 5, 6]


def test_ws_rejoin_replays_exactly_what_was_missed(rooms_client: TestClient) -> None:
    with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as wa:
        a = Conn(wa)
        a.join("Ana")
        with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as wb:
            b = Conn(wb)
            b.join("Ben")
            a.send("chat.send", "x", text="seen by Ben")
            a.reply("x")
            last = b.until(lambda f: f["type"] == "chat.message")[-1]["seq"]
        for n in range(3):
            a.send("chat.send", f"m{n}", text=f"missed {n}")
            a.reply(f"m{n}")
        with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as wb:
            b = Conn(wb)
            ok = b.join("Ben", last_seq=last)
            a.send("chat.send", "live", text="live again")
            frames = b.until(lambda f: f.get("data", {}).get("text") == "live again")
    assert ok["data"]["mode"] == "replay" and ok["data"]["seq"] == 4
    assert [(f["seq"], f["data"]["text"]) for f in frames] == [
        (2, "missed 0"),
        (3, "missed 1"),
        (4, "missed 2"),
        (5, "live again"),
    ]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "frame.malformed"),
        ("[]", "frame.malformed"),
        ('{"type":"ping","surprise":1}', "frame.malformed"),
        ('{"type":"dance"}', "frame.type_unknown"),
        ('{"type":"chat.send","data":"hi"}', "frame.data_invalid"),
        (
            '{"type":"chat.send","data":{"text":"' + "x" * protocol.MAX_FRAME_BYTES + '"}}',
            "frame.too_large",
        ),
        ('{"type":"chat.send","data":{"text":""}}', "chat.empty"),
        ('{"type":"chat.send","data":{"text":"' + "x" * 501 + '"}}', "chat.too_long"),
        ('{"type":"chat.send","data":{"text":5}}', "frame.data_invalid"),
        ('{"type":"poll.vote","data":{"choices":[0]}}', "poll.not_found"),
        ('{"type":"poll.create","data":{"question":"q","options":["a","b"]}}', "auth.forbidden"),
        ('{"type":"react","data":{"emoji":"🐍"}}', "reaction.unknown"),
        ('{"type":"join"}', "session.already_joined"),
    ],
)
def test_ws_malformed_or_refused_frames_get_their_code_and_keep_the_connection(
    rooms_client: TestClient, raw: str, code: str
) -> None:
    with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        conn = Conn(ws)
        conn.join()
        ws.send_text(raw)
        error = conn.until(lambda f: f["type"] == "error")[-1]
        conn.send("ping", "still-open")
        assert conn.reply("still-open")["type"] == "ok"
    assert error["data"]["code"] == code


def test_ws_binary_frame_and_commands_before_join_are_refused(rooms_client: TestClient) -> None:
    with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        conn = Conn(ws)
        ws.send_bytes(b'{"type":"ping"}')
        binary = conn.next()
        conn.send("chat.send", "early", text="hi")
        early = conn.reply("early")
    assert binary["data"]["code"] == "frame.malformed"
    assert early["data"]["code"] == "session.not_joined"


def test_ws_flooding_is_limited_then_closed_with_1008(rooms_client: TestClient) -> None:
    codes: list[str] = []
    with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        conn = Conn(ws)
        conn.join()
        for n in range(120):
            conn.send("chat.send", n, text="spam")
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                frame = conn.next()
                if frame["type"] == "error":
                    codes.append(frame["data"]["code"])
    assert closed.value.code == 1008
    assert set(codes) == {"rate.limited"} and len(codes) == 11


def test_ws_unknown_room_closes_with_4004(rooms_client: TestClient) -> None:
    with rooms_client.websocket_connect("/ws/rooms/lobby-nowhere") as ws:
        error = orjson.loads(ws.receive_text())
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert error["data"]["code"] == "room.unknown" and closed.value.code == 4004


def test_ws_foreign_origin_is_refused_at_the_handshake(rooms_client: TestClient) -> None:
    entered: list[bool] = []
    with pytest.raises(WebSocketDisconnect) as refused:
        with rooms_client.websocket_connect(
            f"/ws/rooms/{LOBBY}", headers={"origin": "https://evil.example"}
        ):
            # An accepted socket gets here, even one closed right after; a socket closed
            # before accept does not (a real ASGI server answers it with HTTP 403, see
            # tests/e2e/test_rooms_server.py).
            entered.append(True)
    assert (entered, refused.value.code) == ([], protocol.CLOSE_POLICY)
    with rooms_client.websocket_connect(
        f"/ws/rooms/{LOBBY}", headers={"origin": "http://testserver"}
    ) as ws:
        assert Conn(ws).join()["type"] == "ok"


def test_ws_guest_keeps_one_identity_per_browser(rooms_client: TestClient) -> None:
    rooms_client.get(f"/rooms/{LOBBY}")
    ids = []
    for _ in range(2):
        with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
            ids.append(Conn(ws).join()["data"]["you"]["id"])
    assert ids[0] == ids[1] and ids[0].startswith("g:")


def test_ws_bad_display_name_is_refused(rooms_client: TestClient) -> None:
    with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        conn = Conn(ws)
        conn.send("join", "j", name="\u202eevil")
        refused = conn.reply("j")
        ok = conn.join("Fine")
    assert refused["data"]["code"] == "name.invalid" and ok["type"] == "ok"


def test_ws_admin_moderates_bans_and_sees_the_audit(rooms_client: TestClient) -> None:
    # One app, one event loop: the two "browsers" are the same client with two cookie jars.
    client = rooms_client
    client.get(f"/rooms/{LOBBY}")
    guest_jar = dict(client.cookies)
    client.cookies.clear()
    login_admin(client)
    client.get(f"/rooms/{LOBBY}")
    host_jar = dict(client.cookies)

    def connect(jar: dict[str, str]) -> Any:
        client.cookies.clear()
        client.cookies.update(jar)
        return client.websocket_connect(f"/ws/rooms/{LOBBY}")

    with connect(host_jar) as wh, connect(guest_jar) as wg:
        host, guest = Conn(wh), Conn(wg)
        you = host.join("Host")["data"]["you"]
        guest_id = guest.join("Troll")["data"]["you"]["id"]
        guest.send("chat.send", "t", text="rude")
        seq = guest.reply("t")["data"]["seq"]
        host.send("chat.delete", "d", id=seq)
        assert host.reply("d")["type"] == "ok"
        host.send("mod.ban", "b", id=guest_id)
        assert host.reply("b")["type"] == "ok"
        deleted = guest.until(lambda f: f["type"] == "chat.deleted")[-1]
        with pytest.raises(WebSocketDisconnect) as banned:
            guest.next()
        host.send("mod.audit", "a")
        audit = host.reply("a")["data"]["entries"]
    with connect(guest_jar) as wg:
        again = Conn(wg)
        again.send("join", "j", name="Troll")
        refused = again.reply("j")
    assert you["moderator"] is True and you["id"].startswith("u:")
    assert deleted["data"] == {"id": seq, "by": "moderator"}
    assert banned.value.code == 4003
    assert [e["action"] for e in audit] == ["chat.deleted", "mod.banned"]
    assert refused["data"]["code"] == "user.banned"


def test_ws_participants_cannot_moderate(rooms_client: TestClient) -> None:
    with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        conn = Conn(ws)
        assert conn.join()["data"]["you"]["moderator"] is False
        conn.send("room.end", "e")
        assert conn.reply("e")["data"]["code"] == "auth.forbidden"


def test_ws_acknowledged_messages_are_in_the_database(
    rooms_client: TestClient, rooms_settings: Settings
) -> None:
    with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        conn = Conn(ws)
        conn.join()
        for n in range(5):
            conn.send("chat.send", n, text=f"durable {n}")
        seqs = [conn.reply(n)["data"]["seq"] for n in range(5)]

    async def stored() -> list[tuple[int, str]]:
        engine = make_engine(rooms_settings.database_url)
        try:
            async with engine.connect() as db:
                rows = await db.execute(
                    text("SELECT seq, kind FROM room_event WHERE room = :r ORDER BY seq"),
                    {"r": LOBBY},
                )
                return [(row[0], row[1]) for row in rows]
        finally:
            await engine.dispose()

    assert asyncio.run(stored()) == [(s, "chat.message") for s in seqs]


def test_ws_store_failure_is_reported_and_nothing_is_acknowledged(
    rooms_client: TestClient, rooms_settings: Settings
) -> None:
    with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        conn = Conn(ws)
        conn.join()
        conn.send("chat.send", "kept", text="before")
        assert conn.reply("kept")["type"] == "ok"

        async def break_table() -> None:
            engine = make_engine(rooms_settings.database_url)
            try:
                async with engine.begin() as db:
                    await db.execute(text("ALTER TABLE room_event RENAME TO room_event_gone"))
            finally:
                await engine.dispose()

        asyncio.run(break_table())
        conn.send("chat.send", "lost", text="after")
        failed = conn.reply("lost")
    assert failed["data"]["code"] == "server.unavailable"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
_frames = st.one_of(
    st.text(max_size=100),
    _json.map(json.dumps),
    st.fixed_dictionaries(
        {"type": st.sampled_from(sorted(protocol.CLIENT_TYPES))},
        optional={"ref": _json, "data": _json},
    ).map(json.dumps),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raws=st.lists(_frames, min_size=1, max_size=8))
def test_ws_fuzzed_frames_never_crash_the_server(rooms_client: TestClient, raws: list[str]) -> None:
    with rooms_client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        conn = Conn(ws)
        conn.join("Fuzz")
        for raw in raws:
            ws.send_text(raw)
        conn.send("ping", "still-here")
        assert conn.reply("still-here")["type"] == "ok"


def test_ws_session_and_home_pages_link_to_the_rooms(rooms_client: TestClient) -> None:
    session_page = rooms_client.get(f"/sessions/{LIVE_ROOM.removeprefix('session-')}")
    assert f'href="/rooms/{LIVE_ROOM}"' in session_page.text
    home = rooms_client.get("/editions/testfest-2027")
    assert f'href="/rooms/{LOBBY}"' in home.text
