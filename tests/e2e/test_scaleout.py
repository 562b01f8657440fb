"""Scale-out with real processes: two uvicorn workers on two loopback ports sharing one private
redis-server and one database (SQLite file, and PostgreSQL when reachable), real clients on
both. Redis is stopped and started, a worker is SIGKILLed; two deployments share one Redis.
Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from festival import migrate
from tests.festival.rooms_seed import LOBBY, seed_rooms
from tests.redis_server import RedisServer

from .rooms_server import RoomClient, RoomServer

pytestmark = pytest.mark.e2e


class Cluster:
    """Two workers of one deployment."""

    def __init__(self, database_url: str, redis: RedisServer, **env: str) -> None:
        self.redis = redis
        self.workers = [
            RoomServer(database_url, REDIS_URL=redis.url, **env),
            RoomServer(database_url, REDIS_URL=redis.url, **env),
        ]

    def start(self) -> Cluster:
        for worker in self.workers:
            worker.start()
        return self

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


@pytest.fixture
def seeded_url(database_url: str) -> str:
    asyncio.run(seed_rooms(database_url))
    return database_url


@pytest.fixture
def cluster(seeded_url: str, private_redis: RedisServer) -> Iterator[Cluster]:
    running = Cluster(seeded_url, private_redis, ROOM_RATE_LIMITS="off").start()
    yield running
    running.stop()


@pytest.fixture
def limited_cluster(seeded_url: str, private_redis: RedisServer) -> Iterator[Cluster]:
    running = Cluster(seeded_url, private_redis).start()
    yield running
    running.stop()


def readyz(server: RoomServer) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(server.http + "/readyz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def metrics(server: RoomServer) -> dict[str, float]:
    with urllib.request.urlopen(server.http + "/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def chat(frames: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(f["seq"], f["data"]["text"]) for f in frames if f["type"] == "chat.message"]


async def wait_for_frame(client: RoomClient, kind: str, seconds: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        frame = await client.next(timeout=seconds, skip_transient=False)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} within {seconds} s")


async def until_event(client: RoomClient, match: Any, seconds: float = 15.0) -> None:
    """Until ``client`` has received a room event matching ``match`` (it may already have)."""
    deadline = time.monotonic() + seconds
    while not any(match(event) for event in client.events):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no matching event within {seconds} s")
        await client.next(timeout=left, skip_transient=False)


async def wait_for_presence(client: RoomClient, count: int, seconds: float) -> float:
    """Seconds until ``client`` hears a presence count of ``count``."""
    started = time.monotonic()
    while client.presence != count:
        left = seconds - (time.monotonic() - started)
        if left <= 0:
            raise AssertionError(f"presence is {client.presence}, not {count}, after {seconds} s")
        try:
            await client.next(timeout=left, skip_transient=False)
        except TimeoutError:
            continue
    return time.monotonic() - started


async def test_scaleout_two_workers_serve_one_room_in_one_order(cluster: Cluster) -> None:
    one, two = cluster.workers
    clients = [await RoomClient.open(server.ws_url(LOBBY)) for server in (one, one, two, two)]
    for n, client in enumerate(clients):
        await client.join(f"Person {n}")

    async def talk(client: RoomClient, n: int) -> None:
        for m in range(15):
            await client.send("chat.send", f"{n}-{m}", text=f"p{n} m{m}")

    await asyncio.gather(*(talk(client, n) for n, client in enumerate(clients)))
    seen = [await client.until(lambda f, c=client: len(c.events) >= 60) for client in clients]
    figures = [metrics(server) for server in (one, two)]
    for client in clients:
        await client.close()
    for found in figures:  # each worker counts its own members, rooms and fanned-out events
        assert found["festival_ws_connections"] == 2
        assert found["festival_rooms_active"] == 1
        assert found["festival_room_events_total"] == 60
        assert found["festival_broker_connected"] == 1
    orders = [chat(frames) for frames in seen]
    assert [seq for seq, _ in orders[0]] == list(range(1, 61))
    assert orders[1] == orders[0] and orders[2] == orders[0] and orders[3] == orders[0]
    for n in range(4):  # each person's own messages keep their order
        assert [t for _, t in orders[0] if t.startswith(f"p{n} ")] == [
            f"p{n} m{m}" for m in range(15)
        ]


async def test_scaleout_redis_stop_refuses_then_resumes_in_order(cluster: Cluster) -> None:
    one, two = cluster.workers
    a = await RoomClient.open(one.ws_url(LOBBY))
    b = await RoomClient.open(two.ws_url(LOBBY))
    await a.join("Ana")
    await b.join("Ben")
    await a.send("chat.send", "before", text="before")
    assert (await a.reply("before"))["type"] == "ok"
    await b.until(lambda f: f["type"] == "chat.message")

    cluster.redis.stop()
    await wait_for_frame(a, "room.degraded")
    await wait_for_frame(b, "room.degraded")
    for server in (one, two):
        status, body = readyz(server)
        assert status == 503
        assert body["checks"]["broker"].startswith("reconnecting: ")
    await a.send("chat.send", "during", text="during")
    refused = await a.reply("during")
    assert (refused["type"], refused["data"]["code"]) == ("error", "server.unavailable")

    cluster.redis.start()
    await wait_for_frame(a, "room.restored", seconds=20)
    await wait_for_frame(b, "room.restored", seconds=20)
    assert [readyz(server)[0] for server in (one, two)] == [200, 200]
    await b.send("chat.send", "after", text="after")
    assert (await b.reply("after"))["type"] == "ok"
    for client in (a, b):
        await until_event(client, lambda event: event["data"].get("text") == "after")
    await a.close()
    await b.close()
    assert chat(a.events) == chat(b.events) == [(1, "before"), (2, "after")]


async def test_scaleout_killed_worker_clients_resume_on_the_other(cluster: Cluster) -> None:
    one, two = cluster.workers
    sender = await RoomClient.open(one.ws_url(LOBBY))
    await sender.join("Sender")
    watchers = [await RoomClient.open(two.ws_url(LOBBY)) for _ in range(2)]
    for n, watcher in enumerate(watchers):
        await watcher.join(f"Watcher {n}")
    for m in range(10):
        await sender.send("chat.send", m, text=f"m{m}")
        assert (await sender.reply(m))["type"] == "ok"
    for watcher in watchers:
        await watcher.until(lambda f, w=watcher: len(w.events) >= 10)

    two.kill()  # SIGKILL: no goodbye to anyone
    for m in range(10, 20):  # the room goes on while the watchers are away
        await sender.send("chat.send", m, text=f"m{m}")
        assert (await sender.reply(m))["type"] == "ok"
    moved = []
    for n, watcher in enumerate(watchers):
        again = await RoomClient.open(one.ws_url(LOBBY))
        assert watcher.last_seq is not None
        reply = await again.join(f"Watcher {n}", last_seq=watcher.last_seq)
        assert reply["data"]["mode"] == "replay"
        moved.append(again)
    for m in range(20, 25):
        await sender.send("chat.send", m, text=f"m{m}")
        assert (await sender.reply(m))["type"] == "ok"
    for watcher, again in zip(watchers, moved, strict=True):
        await again.until(lambda f, c=again: bool(c.events) and c.events[-1]["seq"] >= 25)
        everything = chat(watcher.events) + chat(again.events)
        assert everything == [(m + 1, f"m{m}") for m in range(25)]  # no gap, no duplicate
        await again.close()
    await sender.close()


async def test_scaleout_dead_workers_people_leave_presence_in_bounded_time(
    cluster: Cluster,
) -> None:
    one, two = cluster.workers
    a = await RoomClient.open(one.ws_url(LOBBY))
    await a.join("Ana")
    others = [await RoomClient.open(two.ws_url(LOBBY)) for _ in range(2)]
    for n, other in enumerate(others):
        await other.join(f"Other {n}")
    await wait_for_presence(a, 3, seconds=10)
    two.kill()
    # A dead worker's people expire with its presence keys (10 s), counted at the next tick.
    elapsed = await wait_for_presence(a, 1, seconds=20)
    await a.close()
    assert elapsed <= 10 + 2.5


async def test_scaleout_rate_limit_holds_across_workers(limited_cluster: Cluster) -> None:
    one, two = limited_cluster.workers
    first = await RoomClient.open(one.ws_url(LOBBY))
    assert first.ws.response is not None
    cookie = first.ws.response.headers["set-cookie"].split(";", 1)[0]
    second = await RoomClient.open(two.ws_url(LOBBY), additional_headers={"Cookie": cookie})
    joined_first = await first.join("Ana")
    joined_second = await second.join("Ana")
    assert joined_first["data"]["you"]["id"] == joined_second["data"]["you"]["id"]
    results = []
    for n in range(12):  # one identity, alternating workers; the chat burst is 8
        client = first if n % 2 == 0 else second
        await client.send("chat.send", n, text=f"flood {n}")
        reply = await client.reply(n)
        results.append(reply["type"] if reply["type"] == "ok" else reply["data"]["code"])
    await first.close()
    await second.close()
    assert results.count("ok") == 8
    assert results.count("rate.limited") == 4


def worker_samples(server: RoomServer, name: str) -> dict[str, float]:
    """``name``'s value per ``worker`` label, from one scrape (whichever worker answers)."""
    with urllib.request.urlopen(server.http + "/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        sample.labels["worker"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


async def test_scaleout_metrics_dir_answers_for_every_worker_behind_one_port(
    seeded_url: str, private_redis: RedisServer, tmp_path: Path
) -> None:
    """The Procfile's shape: uvicorn --workers 2 on one port. Any scrape reports both workers,
    and the members they hold add up to the clients connected."""
    share = tmp_path / "metrics"
    server = RoomServer(
        seeded_url, workers=2, REDIS_URL=private_redis.url, METRICS_DIR=str(share)
    ).start()
    clients: list[RoomClient] = []
    try:
        for n in range(6):
            client = await RoomClient.open(server.ws_url(LOBBY))
            await client.join(f"guest {n}")
            clients.append(client)
        deadline = time.monotonic() + 20
        connections: dict[str, float] = {}
        while time.monotonic() < deadline:
            connections = worker_samples(server, "festival_ws_connections")
            if len(connections) == 2 and sum(connections.values()) == 6:
                break
            await asyncio.sleep(0.25)
        assert len(connections) == 2, connections  # two pids, whichever worker answered
        assert sum(connections.values()) == 6
        assert sorted(p.name for p in share.glob("*.prom")) == sorted(
            f"{pid}.prom" for pid in connections
        )
    finally:
        for client in clients:
            await client.close()
        server.stop()
    assert list(share.glob("*.prom")) == []  # each worker removed its file as it stopped


@pytest.fixture
def two_festivals(tmp_path: Path) -> tuple[str, str]:
    """Two deployments' databases (SQLite), each holding the same programme and so the same
    room names."""
    urls = []
    for name in ("one", "two"):
        url = f"sqlite+aiosqlite:///{tmp_path / name}.db"
        migrate.upgrade(url)
        asyncio.run(seed_rooms(url))
        urls.append(url)
    return urls[0], urls[1]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param((1, None), (2, None), id="two-databases"),
        pytest.param((0, "blue"), (0, "green"), id="one-database-two-namespaces"),
    ],
)
async def test_scaleout_two_deployments_on_one_redis_never_hear_each_other(
    two_festivals: tuple[str, str],
    private_redis: RedisServer,
    first: tuple[int, str | None],
    second: tuple[int, str | None],
) -> None:
    """Redis pub/sub ignores the database number: without a prefix per deployment, a client
    of the second festival received the first one's chat in the lobby of the same name."""
    base = private_redis.url.rsplit("/", 1)[0]
    servers = []
    for database_url, (database, namespace) in zip(two_festivals, (first, second), strict=True):
        env = {"REDIS_URL": f"{base}/{database}", "ROOM_RATE_LIMITS": "off"}
        if namespace is not None:
            env["REDIS_NAMESPACE"] = namespace
        servers.append(RoomServer(database_url, **env))
    try:
        for server in servers:
            server.start()
        a = await RoomClient.open(servers[0].ws_url(LOBBY))
        b = await RoomClient.open(servers[1].ws_url(LOBBY))
        await a.join("Ana")
        await b.join("Ben")
        # Each message is acknowledged once Redis took it, before the next is sent, and a
        # worker hears its subscriptions in that order: a client that has its own last message
        # has everything the other festival could have leaked to it before.
        for client, ref, text in ((a, "a1", "ana 1"), (b, "b1", "ben 1"), (a, "a2", "ana 2")):
            await client.send("chat.send", ref, text=text)
            assert (await client.reply(ref))["type"] == "ok"
            await until_event(client, lambda event, t=text: event["data"].get("text") == t)
        await a.close()
        await b.close()
    finally:
        for server in servers:
            server.stop()
    assert chat(a.events) == [(1, "ana 1"), (2, "ana 2")]
    assert chat(b.events) == [(1, "ben 1")]
