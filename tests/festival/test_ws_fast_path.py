"""The room WebSocket is served below the middleware stack and the router (festival/app.py),
and keeps everything the stack gave it: the Origin check, the client address behind trusted
proxies, the address limits, the signed guest cookie and the signed-in session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

from festival.app import FestivalApp, create_app
from festival.settings import Settings
from realtime import protocol
from scheduling.clock import FixedClock

from .rooms_seed import LOBBY
from .test_ws import Conn, cookieless, limited_client, login_admin, refusal, rooms_settings

__all__ = ["rooms_settings"]  # the fixture, shared with test_ws.py


class Stack:
    """The app's middleware stack, recording what goes through it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen: list[tuple[str, str]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.seen.append((scope["type"], scope.get("path", "")))
        await self.app(scope, receive, send)


def watched(client: TestClient) -> Stack:
    """Wrap the (started) app's middleware stack; the room sockets must not go through it."""
    app = client.app
    assert isinstance(app, FestivalApp) and app.middleware_stack is not None
    stack = Stack(app.middleware_stack)
    app.middleware_stack = stack
    return stack


def sockets(stack: Stack) -> list[tuple[str, str]]:
    return [seen for seen in stack.seen if seen[0] == "websocket"]


@pytest.fixture
def fast(rooms_settings: Settings, clock: FixedClock) -> Iterator[tuple[TestClient, Stack]]:
    with TestClient(create_app(rooms_settings, clock=clock)) as client:
        yield client, watched(client)


def test_fast_path_serves_the_room_socket_and_http_still_goes_through_the_stack(
    fast: tuple[TestClient, Stack],
) -> None:
    client, stack = fast
    assert client.get(f"/rooms/{LOBBY}").status_code == 200
    with client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        assert Conn(ws).join()["type"] == "ok"
    # Any other WebSocket path is the router's (and is refused there: no such route).
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect(f"/ws/rooms/{LOBBY}/more"):
            pass
    assert ("http", f"/rooms/{LOBBY}") in stack.seen
    assert sockets(stack) == [("websocket", f"/ws/rooms/{LOBBY}/more")]


def test_fast_path_checks_the_origin(fast: tuple[TestClient, Stack]) -> None:
    client, stack = fast
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect(
            f"/ws/rooms/{LOBBY}", headers={"origin": "https://evil.example"}
        ):
            pass
    assert refused.value.code == protocol.CLOSE_POLICY
    with client.websocket_connect(
        f"/ws/rooms/{LOBBY}", headers={"origin": "http://testserver"}
    ) as ws:
        assert Conn(ws).join()["type"] == "ok"
    assert sockets(stack) == []


def test_fast_path_keeps_the_guest_cookie_and_the_signed_in_session(
    fast: tuple[TestClient, Stack],
) -> None:
    client, stack = fast
    client.get(f"/rooms/{LOBBY}")  # the page sets the guest cookie; both sockets read it
    with client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        first: dict[str, Any] = Conn(ws).join()["data"]["you"]
    with client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:
        again: dict[str, Any] = Conn(ws).join()["data"]["you"]
    login_admin(client)
    with client.websocket_connect(f"/ws/rooms/{LOBBY}") as ws:  # the session cookie
        admin: dict[str, Any] = Conn(ws).join()["data"]["you"]
    assert first["id"].startswith("g:") and again["id"] == first["id"]
    assert (admin["id"].startswith("u:"), admin["moderator"], admin["signed_in"]) == (
        True,
        True,
        True,
    )
    assert sockets(stack) == []


def test_fast_path_limits_clients_behind_trusted_proxies_each_on_their_own(
    rooms_settings: Settings, clock: FixedClock
) -> None:
    outcomes: list[object] = []
    with limited_client(
        rooms_settings, clock, peer="10.0.0.2", trusted_proxies=("10.0.0.0/8",)
    ) as client:
        stack = watched(client)
        for n in range(4):  # four people behind the proxy: each under its own limit
            with cookieless(client, {"x-forwarded-for": f"203.0.113.{n + 1}"}) as ws:
                outcomes.append(Conn(ws).join()["type"])
        for _ in range(3):  # one of them three more times: its own limit is reached
            with cookieless(client, {"x-forwarded-for": "203.0.113.1"}) as ws:
                outcomes.append(refusal(ws) if len(outcomes) == 6 else Conn(ws).join()["type"])
    assert outcomes == ["ok"] * 6 + [("address.guests", 1013)]
    assert sockets(stack) == []
