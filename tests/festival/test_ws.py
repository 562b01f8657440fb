"""The live rooms through Starlette's TestClient: pages, handshake, protocol, moderation."""

from __future__ import annotations

import asyncio
import contextlib
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
from festival.stores import accounts as accounts_store
from realtime import protocol
from realtime.admission import AddressLimits
from realtime.limits import Rate
from scheduling.clock import FixedClock
from tests.dbtools import with_db

from .accounts_seed import add_account
from .rooms_seed import LATER_ROOM, LIVE_ROOM, LOBBY, seed_rooms
from .test_accounts import set_signin_id

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


# -- limits per network address (issue #14: free guest identities) ---------------------------

#: Small enough to reach in a test; what an attacker with one address would hit first.
TIGHT = AddressLimits(
    connections=4,
    joins=Rate(6, 0.001),
    new_guests=Rate(3, 0.001),
    commands=Rate(20, 0.001),
)


def limited_client(
    settings: Settings, clock: FixedClock, peer: str = "198.51.100.7", **changes: Any
) -> TestClient:
    changed = settings.with_(room_address_limits=TIGHT, **changes)
    return TestClient(create_app(changed, clock=clock), client=(peer, 50000))


def cookieless(client: TestClient, headers: dict[str, str] | None = None) -> Any:
    """A WebSocket that has no guest cookie: every one is a new identity."""
    client.cookies.clear()
    return client.websocket_connect(f"/ws/rooms/{LOBBY}", headers=dict(headers or {}))


def refusal(ws: Any) -> tuple[str, int]:
    """The error code an address-limited handshake gets, and the close code that follows."""
    error = orjson.loads(ws.receive_text())
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_text()
    return error["data"]["code"], closed.value.code


def test_ws_new_guests_from_one_address_are_limited(
    rooms_settings: Settings, clock: FixedClock
) -> None:
    outcomes: list[object] = []
    with limited_client(rooms_settings, clock) as client:
        for n in range(5):
            with cookieless(client) as ws:
                if n < 3:
                    outcomes.append(Conn(ws).join(f"Sock {n}")["type"])
                else:
                    outcomes.append(refusal(ws))
        other = limited_client(rooms_settings, clock, peer="203.0.113.9")
        with other, cookieless(other) as ws:  # another address has its own budget
            outcomes.append(Conn(ws).join("Elsewhere")["type"])
        scraped = client.get("/metrics").text
    assert outcomes == ["ok"] * 3 + [("address.guests", 1013)] * 2 + ["ok"]
    assert 'festival_address_refusals_total{code="address.guests"} 2.0' in scraped


def test_ws_a_guest_who_keeps_its_cookie_is_not_a_new_guest(
    rooms_settings: Settings, clock: FixedClock
) -> None:
    with limited_client(rooms_settings, clock) as client:
        client.get(f"/rooms/{LOBBY}")  # the page hands out the cookie: one new guest
        kinds = []
        for _ in range(5):
            with client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
                kinds.append(Conn(ws).join()["type"])
    assert kinds == ["ok"] * 5


def test_ws_room_page_hands_out_no_cookie_past_the_new_guest_limit(
    rooms_settings: Settings, clock: FixedClock
) -> None:
    with limited_client(rooms_settings, clock) as client:
        given = []
        for _ in range(5):
            client.cookies.clear()
            response = client.get(f"/rooms/{LOBBY}")
            given.append((response.status_code, "festival_guest" in response.cookies))
    assert given == [(200, True)] * 3 + [(200, False)] * 2


def test_ws_concurrent_connections_from_one_address_are_limited(
    rooms_settings: Settings, clock: FixedClock
) -> None:
    with limited_client(rooms_settings, clock) as client:
        client.get(f"/rooms/{LOBBY}")  # one guest, many tabs: the cookie is kept
        with contextlib.ExitStack() as tabs:
            sockets = [tabs.enter_context(client.websocket_connect(f"/ws/rooms/{LOBBY}"))]
            for _ in range(3):
                sockets.append(tabs.enter_context(client.websocket_connect(f"/ws/rooms/{LOBBY}")))
            joined = [Conn(ws).join()["type"] for ws in sockets]
            with client.websocket_connect(f"/ws/rooms/{LOBBY}") as fifth:
                refused = refusal(fifth)
            sockets.pop().close()
        with client.websocket_connect(f"/ws/rooms/{LOBBY}") as again:  # the slots came free
            rejoined = Conn(again).join()["type"]
    assert joined == ["ok"] * 4 and refused == ("address.connections", 1013)
    assert rejoined == "ok"


def test_ws_joins_from_one_address_are_limited(rooms_settings: Settings, clock: FixedClock) -> None:
    with limited_client(rooms_settings, clock) as client:
        client.get(f"/rooms/{LOBBY}")
        replies = []
        for _ in range(7):
            with client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
                conn = Conn(ws)
                reply = conn.join()
                replies.append(reply["type"] if reply["type"] == "ok" else reply["data"]["code"])
                if reply["type"] == "error":
                    with pytest.raises(WebSocketDisconnect) as closed:
                        conn.next()
    assert replies == ["ok"] * 6 + ["address.joins"] and closed.value.code == 1013


def test_ws_many_identities_from_one_address_share_one_command_budget(
    rooms_settings: Settings, clock: FixedClock
) -> None:
    # The issue: 50 cookie-less connections sent 400/400 chat messages, 8 with one cookie.
    # Each of these three identities may send 8 at once; the address may send 20 in all.
    sent = accepted = 0
    codes: set[str] = set()
    with limited_client(rooms_settings, clock) as client:
        for n in range(3):
            with cookieless(client) as ws:
                conn = Conn(ws)
                conn.join(f"Sock {n}")
                for m in range(8):
                    conn.send("chat.send", m, text=f"{n}.{m}")
                    sent += 1
                replies: list[Frame] = []
                while len(replies) < 8:  # refusals come before the acks of what was stored
                    frame = conn.next()
                    if frame["type"] in ("ok", "error"):
                        replies.append(frame)
                accepted += sum(reply["type"] == "ok" for reply in replies)
                codes |= {reply["data"]["code"] for reply in replies if reply["type"] == "error"}
    assert (sent, accepted, codes) == (24, 20, {"rate.address"})


def test_ws_signed_in_admin_is_not_counted_against_the_address(
    rooms_settings: Settings, clock: FixedClock
) -> None:
    with limited_client(rooms_settings, clock) as client:
        login_admin(client)
        session_cookie = dict(client.cookies)
        kinds = []
        with contextlib.ExitStack() as tabs:
            # Seven at once: more new identities (3), connections (4) and joins (6) than a
            # guest's address may have.
            for _ in range(7):
                client.cookies.clear()
                client.cookies.update(session_cookie)
                ws = tabs.enter_context(client.websocket_connect(f"/ws/rooms/{LOBBY}"))
                reply = Conn(ws).join("Host")
                kinds.append((reply["type"], reply["data"]["you"]["moderator"]))
    assert kinds == [("ok", True)] * 7


def test_ws_trusted_proxy_clients_are_limited_each_on_their_own(
    rooms_settings: Settings, clock: FixedClock
) -> None:
    outcomes = []
    with limited_client(
        rooms_settings, clock, peer="10.0.0.2", trusted_proxies=("10.0.0.0/8",)
    ) as client:
        for n in range(6):  # six people behind the load balancer, three new guests each
            forwarded = {"x-forwarded-for": f"203.0.113.{n + 1}"}
            with cookieless(client, forwarded) as ws:
                outcomes.append(Conn(ws).join(f"Person {n}")["type"])
        for _ in range(3):  # and one of them three more times: three more new guests
            with cookieless(client, {"x-forwarded-for": "1.2.3.4, 203.0.113.1"}) as ws:
                outcomes.append(refusal(ws) if len(outcomes) == 8 else Conn(ws).join()["type"])
    assert outcomes == ["ok"] * 8 + [("address.guests", 1013)]


def test_ws_forwarded_for_from_an_untrusted_peer_is_ignored(
    rooms_settings: Settings, clock: FixedClock
) -> None:
    outcomes: list[object] = []
    with limited_client(rooms_settings, clock, trusted_proxies=("10.0.0.0/8",)) as client:
        for n in range(4):  # the peer is not a trusted proxy: a header of its own changes nothing
            with cookieless(client, {"x-forwarded-for": f"203.0.113.{n + 1}"}) as ws:
                outcomes.append(Conn(ws).join()["type"] if n < 3 else refusal(ws))
    assert outcomes == ["ok"] * 3 + [("address.guests", 1013)]


def test_ws_banned_guest_who_drops_its_cookie_is_still_refused(
    rooms_client: TestClient,
) -> None:
    client = rooms_client
    client.get(f"/rooms/{LOBBY}")
    guest_jar = dict(client.cookies)
    client.cookies.clear()
    login_admin(client)
    host_jar = dict(client.cookies)

    def connect(jar: dict[str, str]) -> Any:
        client.cookies.clear()
        client.cookies.update(jar)
        return client.websocket_connect(f"/ws/rooms/{LOBBY}")

    with connect(host_jar) as wh, connect(guest_jar) as wg:
        host, troll = Conn(wh), Conn(wg)
        host.join("Host")
        troll_id = troll.join("Troll")["data"]["you"]["id"]
        troll.send("chat.send", "t", text="rude")
        troll.reply("t")
        host.send("mod.ban", "b", id=troll_id)
        host.reply("b")
        covered = host.until(lambda f: f["type"] == "mod.addresses_banned")[-1]
        with pytest.raises(WebSocketDisconnect):
            while True:
                troll.next()
    with connect({}) as again:  # no cookie: a new identity, from the same address
        refused = Conn(again).join("Not a troll")
        with pytest.raises(WebSocketDisconnect) as closed:
            Conn(again).next()
    assert covered["data"]["target"]["id"] == troll_id
    assert refused["type"] == "error" and refused["data"]["code"] == "user.banned"
    assert closed.value.code == 4003


def test_ws_only_signed_in_people_vote_when_the_host_says_so(rooms_client: TestClient) -> None:
    client = rooms_client
    client.get(f"/rooms/{LOBBY}")
    guest_jar = dict(client.cookies)
    client.cookies.clear()
    login_admin(client)
    host_jar = dict(client.cookies)

    def connect(jar: dict[str, str]) -> Any:
        client.cookies.clear()
        client.cookies.update(jar)
        return client.websocket_connect(f"/ws/rooms/{LOBBY}")

    with connect(host_jar) as wh, connect(guest_jar) as wg:
        host, guest = Conn(wh), Conn(wg)
        signed_in = host.join("Host")["data"]["you"]["signed_in"]
        guest_signed_in = guest.join("Guest")["data"]["you"]["signed_in"]
        host.send("room.configure", "c", votes_require_sign_in=True)
        configured = host.reply("c")
        host.send("poll.create", "p", question="Which?", options=["x", "y"])
        host.reply("p")
        guest.until(lambda f: f["type"] == "poll.opened")
        guest.send("poll.vote", "v", choices=[0])
        refused = guest.reply("v")
        host.send("poll.vote", "hv", choices=[1])
        voted = host.reply("hv")
    assert (signed_in, guest_signed_in, configured["type"]) == (True, False, "ok")
    assert refused["data"]["code"] == "vote.sign_in_required"
    assert voted["type"] == "ok" and voted["data"]["counts"] == [0, 1]


def test_ws_signed_in_person_is_one_identity_uncounted_and_may_vote(
    rooms_settings: Settings, clock: FixedClock
) -> None:
    account_id = add_account(rooms_settings, "ana@example.org", name="Ana")
    with limited_client(rooms_settings, clock) as client:
        login_admin(client)
        host_jar = dict(client.cookies)
        client.cookies.clear()
        sid = with_db(
            rooms_settings, lambda db: accounts_store.start_signin(db, account_id, clock.now())
        )
        set_signin_id(client, rooms_settings, sid)
        ana_jar = dict(client.cookies)

        def connect(jar: dict[str, str]) -> Any:
            client.cookies.clear()
            client.cookies.update(jar)  # no guest cookie: a new browser each time
            return client.websocket_connect(f"/ws/rooms/{LOBBY}")

        with contextlib.ExitStack() as tabs:
            host = Conn(tabs.enter_context(connect(host_jar)))
            host.join("Host")
            browsers = [Conn(tabs.enter_context(connect(ana_jar))) for _ in range(5)]
            yous = [browser.join("Ana")["data"]["you"] for browser in browsers]
            host.send("room.configure", "c", votes_require_sign_in=True)
            host.reply("c")
            host.send("poll.create", "p", question="Which?", options=["x", "y"])
            host.reply("p")
            first, second = browsers[0], browsers[1]
            first.until(lambda f: f["type"] == "poll.opened")
            first.send("poll.vote", "v", choices=[0])
            voted = first.reply("v")
            second.send("poll.vote", "v", choices=[1])
            again = second.reply("v")
    # Five browsers: more than the address's 3 new guests and 4 connections, one identity.
    assert {(you["id"], you["signed_in"], you["moderator"]) for you in yous} == {
        (f"u:account-{account_id}", True, False)
    }
    assert voted["type"] == "ok"
    assert again["data"]["code"] == "poll.already_voted"  # one person, one vote
