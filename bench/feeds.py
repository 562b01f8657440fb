"""Benchmark: a festival feed of 2,000 sessions served from cache, and regenerated after a change.

Builds 2,000 published sessions (in 60 zones, DST-observing ones included) in a temporary SQLite
database, then calls the real app (middleware included) directly as an ASGI application: no
network, no server, no client-side decoding, so the figures are the app's own time per request:

* cold: the first request (every event rendered);
* cached: repeated requests while nothing changes (identity and gzip);
* after a change: one session's title changes, then the next request re-renders (one event
  re-rendered, the rest joined from the memo), repeated for several sessions.

Run: ``python bench/feeds.py [--sessions 2000] [--repeat 300]``. Targets (issue 5): cached <= 5 ms,
regenerated <= 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from festival import db as dbmod
from festival import migrate, sessions
from festival.app import create_app
from festival.models import Edition, Organisation
from festival.settings import Settings
from festival.state import app_state
from festival.stores import programme as store
from scheduling import tz
from scheduling.clock import FixedClock

SLUG = "bench-2027"
FEED = f"/editions/{SLUG}/calendar.ics"
NOW = datetime(2027, 1, 24, 12, 0, tzinfo=UTC)
KINDS = ("lecture", "debate", "workshop", "game", "reading", "qa", "performance", "other")
LANGS = ("en", "fr", "es", "ar", "hi", "ja", "sw", "pt")


async def seed(url: str, count: int) -> list[str]:
    engine = dbmod.make_engine(url)
    uids: list[str] = []
    try:
        async with dbmod.session_scope(dbmod.make_sessionmaker(engine)) as db:
            edition = Edition(
                slug=SLUG,
                name="Benchmark festival",
                first_day=date(2027, 1, 24),
                last_day=date(2027, 1, 24),
                created_at_utc=NOW,
                updated_at_utc=NOW,
            )
            db.add(edition)
            zones = tz.canonical_zones()[::7][:60]
            orgs = []
            for i, zone in enumerate(zones):
                org = Organisation(
                    slug=f"org-{i}",
                    name=f"Organisation {i}",
                    country="FR",
                    tz_name=zone,
                    created_at_utc=NOW,
                )
                db.add(org)
                orgs.append(org)
            await db.flush()
            for i in range(count):
                org = orgs[i % len(orgs)]
                wall = datetime.fromisoformat("2027-01-24 06:00") + timedelta(minutes=15 * (i % 56))
                try:
                    tz.to_utc(wall, org.tz_name)
                except Exception:  # noqa: BLE001 - a gap/fold wall time: take the next hour
                    wall += timedelta(hours=1)
                row = await sessions.create_session(
                    db,
                    edition,
                    org,
                    sessions.SessionInput(
                        title=f"Session {i}: learning together around the world",
                        local_start=wall,
                        tz_name=org.tz_name,
                        duration_minutes=45 + 15 * (i % 4),
                        kind=KINDS[i % len(KINDS)],
                        summary="A session of the benchmark festival. " * 4,
                        languages=(LANGS[i % len(LANGS)],),
                        hosts=(f"Host {i}",),
                        fold=0,
                    ),
                    FixedClock(NOW - timedelta(days=30)),
                )
                uids.append(row.uid)
    finally:
        await engine.dispose()
    return uids


async def get(app: Any, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One GET through the ASGI app: (status, headers, body)."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    response_headers = {k.decode(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], response_headers, body


def summary(label: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (
        f"{label:<34} n={len(ms):<4} median={statistics.median(ms):8.2f} ms  "
        f"p95={p95:8.2f} ms  max={ms[-1]:8.2f} ms"
    )


async def run(count: int, repeat: int, changes: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await asyncio.to_thread(migrate.upgrade, url)  # alembic runs its own event loop
        started = time.perf_counter()
        uids = await seed(url, count)
        print(f"seeded {len(uids)} sessions in {time.perf_counter() - started:.1f} s")
        clock = FixedClock(NOW)
        settings = Settings(
            database_url=url,
            secret_key="bench",
            secret_key_generated=False,
            site_url="https://festival.example.org",
        )
        app = create_app(settings, clock=clock)
        async with app.router.lifespan_context(app):
            await measure(app, clock, uids, count, repeat, changes)


async def measure(
    app: Any, clock: FixedClock, uids: list[str], count: int, repeat: int, changes: int
) -> None:
    identity = {"accept-encoding": "identity"}
    gzip = {"accept-encoding": "gzip"}
    t = time.perf_counter()
    status, headers, body = await get(app, FEED, identity)
    cold = time.perf_counter() - t
    assert status == 200 and body.count(b"BEGIN:VEVENT") == count
    print(f"feed: {len(body) / 1e6:.2f} MB, {count} events")
    print(summary("cold (first render)", [cold]))
    etag = headers["etag"]
    await get(app, FEED, gzip)  # compressed once per rendering
    cases = (
        ("cached, identity", identity, 200),
        ("cached, gzip", gzip, 200),
        ("cached, 304 Not Modified", {**identity, "if-none-match": etag}, 304),
    )
    for label, request_headers, expected in cases:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            status, _, _ = await get(app, FEED, request_headers)
            times.append(time.perf_counter() - t)
            assert status == expected
        print(summary(label, times))
    regen: dict[str, list[float]] = {"identity": [], "gzip": []}
    maker = app_state(app).sessions
    for n in range(changes):
        clock.advance(60)
        async with dbmod.session_scope(maker) as db:
            row = await store.get_session_row(db, uids[(n * 97) % len(uids)])
            await sessions.update_session(db, row, clock, title=f"Changed {n}")
        coding = "gzip" if n % 2 else "identity"
        t = time.perf_counter()
        status, headers, body = await get(app, FEED, {"accept-encoding": coding})
        regen[coding].append(time.perf_counter() - t)
        assert status == 200 and headers["etag"] != etag
    print(summary("after a change, identity", regen["identity"]))
    print(summary("after a change, gzip", regen["gzip"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.sessions, args.repeat, args.changes))


if __name__ == "__main__":
    main()
