"""What one total order per room costs: commands per second into one hot room, decided by one
worker alone or by two workers sharing it through Redis (write lease + head, docs/architecture.md).

    python bench/ordering.py                       # in-memory store: the ordering cost alone
    python bench/ordering.py --postgres postgresql://postgres@127.0.0.1:5432/test

Both "workers" run in this one process (two runtimes, each with its own Redis broker and
connections), so the figures measure coordination, not parallelism. Senders submit
``--commands`` chat messages as fast as the room takes them (at most ``--window`` unacknowledged
per sender); the run ends when every command is acknowledged or after ``--timeout`` seconds.
Needs a Redis: ``--redis`` (default: a private redis-server started for the run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from realtime.broker.base import Broker  # noqa: E402
from realtime.broker.memory import MemoryBroker  # noqa: E402
from realtime.broker.redis import RedisBroker  # noqa: E402
from realtime.fanout import Member  # noqa: E402
from realtime.identity import Identity  # noqa: E402
from realtime.limits import Limits  # noqa: E402
from realtime.outbox import Outbox  # noqa: E402
from realtime.rooms.lifecycle import RoomInfo  # noqa: E402
from realtime.runtime import RoomRuntime  # noqa: E402
from realtime.storage import MemoryEventStore  # noqa: E402
from scheduling.clock import FixedClock  # noqa: E402

INFO = RoomInfo("lobby-ordering", "Ordering bench", "lobby")
CLOCK = FixedClock(datetime(2027, 1, 24, 12, tzinfo=UTC))


class Counting:
    """An event store wrapper that counts appends (= batches decided)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.appends = 0
        self.events = 0

    async def append(self, room: str, events: Any) -> None:
        self.appends += 1
        self.events += len(events)
        await self.inner.append(room, events)

    async def read(self, room: str, after_seq: int, limit: int | None = None) -> Any:
        return await self.inner.read(room, after_seq, limit)


def private_redis() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="ordering-redis-")
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder,
         "--logfile", os.path.join(folder, "redis.log")],
    )  # fmt: skip
    time.sleep(0.3)
    return process, f"redis://127.0.0.1:{port}/0"


async def sql_store(postgres: str) -> tuple[Any, Any]:
    import asyncpg

    from festival import migrate
    from festival.db import make_engine, make_sessionmaker
    from festival.stores.rooms import SqlEventStore

    name = f"festival_ordering_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(postgres)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    base, _, _ = postgres.rpartition("/")
    url = f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)
    await asyncio.to_thread(migrate.upgrade, url)
    engine = make_engine(url)
    store = SqlEventStore(make_sessionmaker(engine))
    await store.start()
    return store, engine


async def run(label: str, workers: int, redis_url: str | None, args: argparse.Namespace) -> None:
    engine = None
    if args.postgres:
        inner, engine = await sql_store(args.postgres)
    else:
        inner = MemoryEventStore()
    store = Counting(inner)
    prefix = f"ordering-{uuid.uuid4().hex[:8]}:"
    brokers: list[Broker] = []
    runtimes: list[RoomRuntime] = []
    for _ in range(workers):
        broker: Broker = RedisBroker(redis_url, prefix=prefix) if redis_url else MemoryBroker()
        await broker.start()
        runtime = RoomRuntime(INFO, store, broker, CLOCK, Limits.unlimited())  # type: ignore[arg-type]
        await runtime.start()
        brokers.append(broker)
        runtimes.append(runtime)
    senders = [
        (runtimes[n % workers], Member(Identity(f"g:s{n}", f"s{n}"), Outbox(10**6, 10**9)))
        for n in range(args.senders)
    ]
    for runtime, member in senders:
        await runtime.join(member, None, None)
        member.outbox.take()
    per_sender = args.commands // args.senders
    acked = 0

    async def send(runtime: RoomRuntime, member: Member) -> None:
        nonlocal acked
        done = 0
        sent = 0
        while done < per_sender:
            while sent < per_sender and sent - done < args.window:
                runtime.submit(member, sent, "chat.send", {"text": f"m{sent}"}, 0.0)
                sent += 1
            await asyncio.sleep(0.001)
            done += sum(frame.count('"type":"ok"') for frame in member.outbox.take())
        acked += done

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(send(r, m) for r, m in senders)), args.timeout)
    elapsed = time.perf_counter() - started
    stored = await store.read(INFO.name, 0)
    seqs = [event.seq for event in stored]
    ok = seqs == list(range(1, len(seqs) + 1)) and len(seqs) == acked
    batches = max(1, store.appends)
    print(
        f"{label:28} {acked:>8} {acked / elapsed:>10,.0f} {store.appends:>8} "
        f"{store.events / batches:>8.1f} {1000 * elapsed / batches:>9.2f}"
        f"  {'one order, no gap' if ok else 'ORDER BROKEN'}"
    )
    for runtime in runtimes:
        await runtime.stop()
    for broker in brokers:
        await broker.close()
    if engine is not None:
        await inner.close()
        await engine.dispose()
        import asyncpg

        name = str(engine.url.database)
        conn = await asyncpg.connect(args.postgres)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=20_000)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--window", type=int, default=50, help="unacknowledged per sender")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--redis", help="a Redis URL (default: a private redis-server)")
    parser.add_argument("--postgres", help="store events in a fresh PostgreSQL database")
    args = parser.parse_args()
    process = None
    redis_url = args.redis
    if redis_url is None:
        process, redis_url = private_redis()
    store = "PostgreSQL" if args.postgres else "in-memory store"
    print(f"one room, {args.commands} commands from {args.senders} senders; {store}")
    print(
        f"{'setup':28} {'acked':>8} {'commands/s':>10} {'batches':>8} {'per batch':>8} "
        f"{'ms/batch':>9}"
    )
    try:
        await run("1 worker, in-process broker", 1, None, args)
        await run("1 worker, Redis (lease)", 1, redis_url, args)
        await run("2 workers, Redis (lease)", 2, redis_url, args)
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    asyncio.run(main())
