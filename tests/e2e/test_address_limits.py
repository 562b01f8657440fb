"""Limits per network address against real uvicorn servers and real ``websockets`` clients on
loopback: many cookie-less connections from one address (limited together), clients behind a
trusted proxy (each on its own), an untrusted peer's X-Forwarded-For (ignored), and two workers
sharing one Redis (limited together across them). Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from tests.festival.rooms_seed import LOBBY, seed_rooms
from tests.redis_server import RedisServer

from .rooms_server import RoomClient, RoomServer

pytestmark = pytest.mark.e2e

#: Small enough to reach with a few connections (the defaults allow hundreds).
TIGHT = {
    "ROOM_ADDRESS_CONNECTIONS": "6",
    "ROOM_ADDRESS_NEW_GUESTS": "4/1h",
    "ROOM_ADDRESS_COMMANDS": "20/1h",
}


@pytest.fixture
def seeded_url(database_url: str) -> str:
    asyncio.run(seed_rooms(database_url))
    return database_url


@pytest.fixture
def server(seeded_url: str) -> Iterator[RoomServer]:
    running = RoomServer(seeded_url, **TIGHT).start()
    yield running
    running.stop()


@pytest.fixture
def proxied_server(seeded_url: str) -> Iterator[RoomServer]:
    """As if behind a load balancer on 127.0.0.1 (the tests' own address)."""
    running = RoomServer(seeded_url, TRUSTED_PROXIES="127.0.0.1", **TIGHT).start()
    yield running
    running.stop()


async def attempt(
    url: str, name: str, forwarded_for: str | None = None, cookie: str | None = None
) -> Any:
    """Open a connection (cookie-less unless given one) and join: the joined client, or the
    refusal as (error code, close code)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    if cookie is not None:
        headers["Cookie"] = cookie
    client = await RoomClient.open(url, additional_headers=headers)
    code = None
    try:
        with contextlib.suppress(ConnectionClosed):  # refused at once: the close may come first
            await client.send("join", "join", name=name)
        while True:
            frame = await client.next(timeout=10)
            if frame["type"] == "ok" and frame["ref"] == "join":
                return client
            if frame["type"] == "error":
                code = frame["data"]["code"]
    except ConnectionClosed as closed:
        await client.close()
        return (code, closed.rcvd.code if closed.rcvd else None)


async def replies(client: RoomClient, count: int) -> list[dict[str, Any]]:
    """The next ``count`` command replies (refusals may come before earlier acks)."""
    found: list[dict[str, Any]] = []
    while len(found) < count:
        frame = await client.next(timeout=10)
        if frame["type"] in ("ok", "error"):
            found.append(frame)
    return found


async def close_all(clients: list[Any]) -> None:
    for client in clients:
        if isinstance(client, RoomClient):
            await client.close()


async def test_address_limits_cookieless_connections_from_one_address_are_limited(
    server: RoomServer,
) -> None:
    url = server.ws_url(LOBBY)
    joined = [await attempt(url, f"Sock {n}") for n in range(4)]
    try:
        refused = [await attempt(url, "One too many") for _ in range(3)]
        # The four that joined share the address's 20 commands, not 4 x 8 per identity.
        for n, client in enumerate(joined):
            for m in range(8):
                await client.send("chat.send", f"{n}-{m}", text=f"{n}.{m}")
        got = [frame for client in joined for frame in await replies(client, 8)]
    finally:
        await close_all(joined)
    codes = {f["data"]["code"] for f in got if f["type"] == "error"}
    assert all(isinstance(client, RoomClient) for client in joined)
    assert refused == [("address.guests", 1013)] * 3
    assert sum(f["type"] == "ok" for f in got) == 20 and codes == {"rate.address"}


async def test_address_limits_concurrent_connections_are_limited(server: RoomServer) -> None:
    url = server.ws_url(LOBBY)
    first = await attempt(url, "First")
    cookie = first.ws.response.headers["set-cookie"].split(";")[0]
    tabs = [first]
    try:
        for n in range(5):  # one guest, six tabs: the address's six connections
            client = await RoomClient.open(url, additional_headers={"Cookie": cookie})
            tabs.append(client)
            assert (await client.join(f"Tab {n}"))["type"] == "ok"
        seventh = await RoomClient.open(url, additional_headers={"Cookie": cookie})
        frame = await seventh.next(timeout=10)
        with pytest.raises(ConnectionClosed) as closed:
            await seventh.next(timeout=10)
        await tabs.pop().close()
        rejoined: Any = None
        for _ in range(50):  # the server counts the closed tab out as soon as it sees the close
            rejoined = await attempt(url, "Again", cookie=cookie)
            if isinstance(rejoined, RoomClient):
                tabs.append(rejoined)
                break
            await asyncio.sleep(0.1)
    finally:
        await close_all(tabs)
    assert frame["data"]["code"] == "address.connections"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
    assert isinstance(rejoined, RoomClient)


async def test_address_limits_trusted_proxy_clients_are_not_limited_together(
    proxied_server: RoomServer,
) -> None:
    url = proxied_server.ws_url(LOBBY)
    people = [await attempt(url, f"P{n}", f"1.2.3.4, 203.0.113.{n + 1}") for n in range(8)]
    try:
        same = [await attempt(url, "Again", "203.0.113.1") for _ in range(4)]
    finally:
        await close_all(people)
    await close_all(same)
    assert all(isinstance(person, RoomClient) for person in people)
    assert [isinstance(s, RoomClient) for s in same[:3]] == [True] * 3  # its 4th new guest...
    assert same[3] == ("address.guests", 1013)  # ... is one too many for that address


async def test_address_limits_forwarded_for_from_an_untrusted_peer_is_ignored(
    server: RoomServer,
) -> None:
    url = server.ws_url(LOBBY)
    outcomes = [await attempt(url, f"P{n}", f"203.0.113.{n + 1}") for n in range(6)]
    await close_all(outcomes)
    assert [isinstance(o, RoomClient) for o in outcomes] == [True] * 4 + [False] * 2
    assert outcomes[4:] == [("address.guests", 1013)] * 2


async def test_address_limits_hold_across_two_workers_sharing_redis(
    seeded_url: str, private_redis: RedisServer
) -> None:
    env = {**TIGHT, "REDIS_URL": private_redis.url}
    workers = [RoomServer(seeded_url, **env).start(), RoomServer(seeded_url, **env).start()]
    clients: list[Any] = []
    try:
        # Alternating workers: each has seen only two new guests when the address has four.
        outcomes = [await attempt(workers[n % 2].ws_url(LOBBY), f"Sock {n}") for n in range(6)]
        clients = outcomes
    finally:
        await close_all(clients)
        for worker in workers:
            worker.stop()
    assert [isinstance(o, RoomClient) for o in outcomes] == [True] * 4 + [False] * 2
    assert outcomes[4:] == [("address.guests", 1013)] * 2
