"""Live-room fan-out benchmark: one command, prints figures (docs/benchmarks.md records them).

    python bench/fanout.py                         # 1,000 / 5,000 / 10,000 in one room, 200 x 25
    python bench/fanout.py --scenarios 5000 --messages 200 --rate 100

For each scenario, the festival server and the reference (a plain ``websockets.broadcast()``
relay, same clients) run in turn on a free 127.0.0.1 port. The festival server is started
exactly as the Procfile's ``web:`` line says (``festival serve ...``; the host made 127.0.0.1,
the port given as ``PORT``), with a seeded SQLite database and the environment of a
deployment; the only benchmark setting is ``ROOM_RATE_LIMITS=off``. Its log goes to a file.

Clients are browser-like by default: they send ``Origin: <SITE_URL>`` and offer
``permessage-deflate; client_max_window_bits`` as Chromium does; ``--plain-clients`` for
neither. ``--window 2`` publishes "two in flight" (a room's message k+2 leaves once message k
reached every member) instead of at ``--rate``.

Scale-out (``--servers festival,festival-redis,festival-redis-x2``): ``festival-redis`` is one
worker with the Redis broker, ``festival-redis-xN`` is the Procfile's command with
``--workers N`` and ``REDIS_URL`` (a private redis-server): N uvicorn workers sharing the
port, the kernel spreading the connections. "per core" figures divide deliveries per second
by the CPU the server processes used (redis-server's CPU is reported on its own).
``--postgres URL`` runs on a fresh PostgreSQL database instead of SQLite.

Per core with the same CPU budget (docs/benchmarks.md, "Scale-out"): ``--pin 1`` puts every
server process on the first CPU and the clients on the others, ``--repeat N`` runs the setups in
turn N times and prints the median ratio, ``--check-every 10`` makes nine clients in ten only
count deliveries, so that the servers saturate before the clients do.

Clients connect (and join), sit idle for a moment (memory per idle connection), then one
publisher per room sends ``--messages`` at ``--rate`` per second and every client counts
what it gets: deliveries per second, latency from send to receipt,
lost / duplicated / out-of-order messages, server CPU and peak RSS. Bounded: at most
``--timeout`` seconds of waiting per scenario and server.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fanout_client import BUCKET_US, Tally, worker  # noqa: E402

#: Where the ``festival`` command of this Python lives (the Procfile names it bare).
BIN = Path(sys.executable).parent

TICK = os.sysconf("SC_CLK_TCK")
EDITION = "bench-2027"


@dataclass
class Scenario:
    rooms: int
    per_room: int

    @property
    def name(self) -> str:
        return f"{self.rooms} x {self.per_room}" if self.rooms > 1 else f"{self.per_room} in 1 room"

    @classmethod
    def parse(cls, text: str) -> Scenario:
        rooms, _, per_room = text.partition("x")
        return cls(int(rooms), int(per_room)) if per_room else cls(1, int(rooms))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def proc_stat(pid: int) -> tuple[float, int, int]:
    """(CPU seconds used, current RSS bytes, peak RSS bytes) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICK
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    rss = int(status["VmRSS"].split()[0]) * 1024
    peak = int(status["VmHWM"].split()[0]) * 1024
    return cpu, rss, peak


def process_tree(root: int) -> list[int]:
    """``root`` and every process below it (uvicorn's workers and what they start)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def tree_stat(root: int) -> tuple[float, int, int]:
    """``proc_stat`` summed over ``root``'s process tree."""
    cpu = rss = peak = 0.0
    for pid in process_tree(root):
        try:
            one = proc_stat(pid)
        except (OSError, KeyError):
            continue  # gone meanwhile
        cpu, rss, peak = cpu + one[0], rss + one[1], peak + one[2]
    return cpu, int(rss), int(peak)


def web_command(procfile: str, workers: int = 1) -> list[str]:
    """The Procfile's ``web:`` command, listening on 127.0.0.1 (the port comes from ``PORT``),
    with ``--workers N`` when more than one worker is asked for."""
    lines = [line for line in procfile.splitlines() if line.startswith("web:")]
    if len(lines) != 1:
        raise SystemExit(f"the Procfile has {len(lines)} web: lines, not one")
    words = shlex.split(lines[0].removeprefix("web:"))
    command: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--host":
            skip = True
        elif not word.startswith("--host="):
            command.append(word)
    command += ["--host", "127.0.0.1"]
    if workers > 1:
        command += ["--workers", str(workers)]
    return command


@dataclass(frozen=True)
class Setup:
    """What serves: ``festival`` / ``reference``, how many workers, with Redis or not."""

    label: str
    kind: str  # the clients' protocol: festival or reference
    workers: int = 1
    redis: bool = False

    @classmethod
    def parse(cls, text: str) -> Setup:
        if text == "reference":
            return cls(text, "reference")
        if text == "festival":
            return cls(text, "festival")
        if text.startswith("festival-redis"):
            workers = int(text.rpartition("-x")[2]) if "-x" in text else 1
            return cls(text, "festival", workers, redis=True)
        raise SystemExit(f"unknown server {text!r}")


def run_sql(server: str, statement: str) -> None:
    """Run one statement on the PostgreSQL server at ``server`` (outside a transaction)."""
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(server.replace("+asyncpg", ""))
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def fresh_postgres(url: str) -> str:
    """A new, empty database on the PostgreSQL server at ``url``; returns its URL."""
    name = f"festival_bench_{uuid.uuid4().hex[:8]}"
    run_sql(url, f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)


def drop_postgres(server: str, url: str) -> None:
    run_sql(server, f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


def drop(url: str, postgres: str | None = None) -> None:
    """Remove a database ``seed`` made: the PostgreSQL one, or the SQLite file's folder."""
    if postgres:
        drop_postgres(postgres, url)
    else:
        shutil.rmtree(Path(url.removeprefix("sqlite+aiosqlite:///")).parent, ignore_errors=True)


def seed(rooms: int, postgres: str | None = None) -> tuple[str, list[str]]:
    """A migrated database (SQLite, or a fresh PostgreSQL one) with one edition (its lobby) and
    ``rooms`` sessions."""
    from festival import migrate
    from festival.db import make_engine, make_sessionmaker, session_scope
    from festival.models import Edition, Organisation
    from festival.sessions import SessionInput, create_session, session_uid
    from scheduling.clock import SystemClock

    if postgres:
        url = fresh_postgres(postgres)
    else:
        path = Path(tempfile.mkdtemp(prefix="fanout-")) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)

    async def fill() -> list[str]:
        engine = make_engine(url)
        names = [f"lobby-{EDITION}"]
        async with session_scope(make_sessionmaker(engine)) as db:
            edition = Edition(
                slug=EDITION, name="Bench", first_day=date(2027, 1, 24), last_day=date(2027, 1, 24)
            )
            org = Organisation(slug="bench", name="Bench", country="FR", tz_name="Europe/Paris")
            db.add_all([edition, org])
            await db.flush()
            for n in range(1, rooms):
                uid = session_uid(f"bench-{n}")
                start = datetime(2027, 1, 24, 10, 0)  # noqa: DTZ001 - wall time in its zone
                data = SessionInput(f"Bench room {n}", start, "Europe/Paris", 60)
                await create_session(db, edition, org, data, SystemClock(), uid=uid)
                names.append(f"session-{uid}")
        await engine.dispose()
        return names

    return url, asyncio.run(fill())


def pinned(command: list[str], cpus: set[int] | None) -> list[str]:
    """``command`` run on ``cpus`` only (taskset), or as it is."""
    if not cpus:
        return command
    return ["taskset", "--cpu-list", ",".join(map(str, sorted(cpus))), *command]


def start_redis(cpus: set[int] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """A private redis-server on a free port (nothing saved); returns it and its URL."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    folder = tempfile.mkdtemp(prefix="fanout-redis-")
    process = subprocess.Popen(
        pinned([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", folder,
                "--logfile", os.path.join(folder, "redis.log")], cpus),
    )  # fmt: skip
    import socket

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def start_server(
    kind: str,
    port: int,
    database_url: str,
    redis_url: str | None = None,
    cpus: set[int] | None = None,
    gc_tuning: str = "on",
    workers: int = 1,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """The festival server as the Procfile starts it, or the reference relay, its output in
    ``log``; returns once it answers (every worker ready)."""
    log = log or Path(tempfile.mkdtemp(prefix="fanout-server-")) / "server.log"
    if kind == "festival":
        env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PORT": str(port),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-secret-not-for-production",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "ROOM_RATE_LIMITS": "off",
            "GC_TUNING": gc_tuning,
        }
        for name in ("REDIS_URL", "WEB_CONCURRENCY", "HOST"):
            env.pop(name, None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        command = [
            word.replace("$PORT", str(port)).replace("${PORT}", str(port))
            for word in web_command((ROOT / "Procfile").read_text(), workers)
        ]
    else:
        env = dict(os.environ)
        command = [sys.executable, str(ROOT / "bench" / "fanout_reference.py"), "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            pinned(command, cpus), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if ready(kind, port, log, workers):
            return process
        time.sleep(0.1)
    process.kill()
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"the {kind} server did not start: {' '.join(command)}\n{tail}")


def ready(kind: str, port: int, log: Path, workers: int) -> bool:
    """The reference accepts connections; the festival answers /healthz and each of its
    workers said its startup is complete."""
    import socket
    from urllib.request import urlopen

    try:
        if kind != "festival":
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            time.sleep(0.3)
            return True
        with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            if response.status != 200:
                return False
    except OSError:
        return False
    return log.read_text(errors="replace").count("Application startup complete") >= workers


def gc_pauses(kind: str, ports: list[int]) -> tuple[float, float]:
    """(full collections, seconds of all collections) so far, summed over the workers, from
    their /metrics (festival_gc_pause_seconds); zeros for the reference relay."""
    if kind != "festival":
        return 0.0, 0.0
    from urllib.request import urlopen

    from prometheus_client.parser import text_string_to_metric_families

    full = seconds = 0.0
    for port in ports:
        with urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            text = response.read().decode()
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "festival_gc_pause_seconds_sum":
                    seconds += sample.value
                elif sample.name == "festival_gc_pause_seconds_count":
                    full += sample.value if sample.labels["generation"] == "2" else 0
    return full, seconds


def cpu_split(pin: int) -> tuple[set[int] | None, set[int] | None]:
    """With ``--pin N``: the server processes (all workers together) get the first N CPUs, the
    clients, the publisher and redis-server the rest; without it, everything shares them all."""
    if not pin:
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    if pin >= len(cpus):
        raise SystemExit(f"--pin {pin} leaves no CPU for the clients ({len(cpus)} CPUs)")
    return set(cpus[:pin]), set(cpus[pin:])


def percentile(histogram: list[int], fraction: float) -> float:
    """In milliseconds, from the merged 0.1 ms histogram."""
    total = sum(histogram)
    if not total:
        return float("nan")
    rank = fraction * total
    running = 0
    for bucket, count in enumerate(histogram):
        running += count
        if running >= rank:
            return (bucket + 1) * BUCKET_US / 1000
    return float("nan")


def run(
    setup: Setup, scenario: Scenario, args: argparse.Namespace, db: tuple[str, list[str]]
) -> dict[str, Any]:
    """One server, one scenario: connect (the join storm), idle, publish, collect. ``args``:
    messages, rate or window, workers, timeout, check_every, idle, pin, gc_tuning,
    plain_clients."""
    url, names = db
    rooms = names[: scenario.rooms]
    clients = scenario.rooms * scenario.per_room
    room_of = [i % scenario.rooms for i in range(clients)]
    server_cpus, client_cpus = cpu_split(args.pin)
    redis, redis_url = start_redis(client_cpus) if setup.redis else (None, None)
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="fanout-run-"))  # the server's log, the notes' socket
    server = start_server(
        setup.kind, port, url, redis_url, server_cpus, args.gc_tuning, setup.workers,
        folder / "server.log",
    )  # fmt: skip
    origin = f"http://127.0.0.1:{port}"  # the festival's SITE_URL
    wire = {"origin": None, "deflate": False} if args.plain_clients else {
        "origin": origin, "deflate": True
    }  # fmt: skip
    window = getattr(args, "window", 0)
    notes = folder / "notes.sock"
    context = multiprocessing.get_context("spawn")
    pipes = []
    processes = []
    try:
        for _ in range(args.workers + 1):  # the last one publishes
            parent, child = context.Pipe()
            process = context.Process(
                target=worker, args=(child, setup.kind, port, client_cpus), daemon=True
            )
            process.start()
            pipes.append(parent)
            processes.append(process)
        baseline_rss = tree_stat(server.pid)[1]
        started = time.monotonic()
        shares = [list(range(i, clients, args.workers)) for i in range(args.workers)]
        for pipe, share in zip(pipes, shares, strict=False):
            connect = {
                "paths": [f"/ws/rooms/{rooms[room_of[c]]}" for c in share],
                "rooms": [room_of[c] for c in share],
                "flight": bool(window),
                "count": True,
                "check_every": args.check_every,
                "messages": args.messages,
                **wire,
            }
            pipe.send(("connect", connect))
        for pipe in pipes[:-1]:
            reply(pipe, args.timeout + 60, "connect")
        connect_seconds = time.monotonic() - started
        publishers = [f"/ws/rooms/{r}" for r in rooms]
        pipes[-1].send(("connect", {"paths": publishers, "count": False, "messages": 0, **wire}))
        reply(pipes[-1], 60, "connect the publishers")
        if window:
            procs = [sum(1 for share in shares if any(room_of[c] == r for c in share))
                     for r in range(scenario.rooms)]  # fmt: skip
            listen = {"messages": args.messages, "procs": procs, "window": window}
            pipes[-1].send(("listen", {**listen, "path": str(notes)}))
            reply(pipes[-1], 10, "listen")
            for pipe, share in zip(pipes, shares, strict=False):
                if share:
                    pipe.send(("attach", {"path": str(notes)}))
                    reply(pipe, 10, "attach")
        time.sleep(0.5)
        idle_cpu = tree_stat(server.pid)[0]
        time.sleep(args.idle)
        idle_cpu = tree_stat(server.pid)[0] - idle_cpu
        idle_rss = tree_stat(server.pid)[1]
        gc_before = gc_pauses(setup.kind, [port])
        cpu_before = tree_stat(server.pid)[0]
        redis_before = proc_stat(redis.pid)[0] if redis else 0.0
        publish = {"messages": args.messages, "rate": args.rate, "window": window}
        pipes[-1].send(("publish", {**publish, "timeout": args.timeout}))
        for pipe in pipes[:-1]:
            pipe.send(("collect", {"messages": args.messages, "timeout": args.timeout}))
        first_send, last_send = reply(pipes[-1], args.timeout + 30, "publish")
        tallies: list[Tally] = [reply(pipe, args.timeout + 30, "collect") for pipe in pipes[:-1]]
        cpu_after, _, peak_rss = tree_stat(server.pid)
        redis_cpu = proc_stat(redis.pid)[0] - redis_before if redis else 0.0
        gc_after = gc_pauses(setup.kind, [port])
        for pipe in pipes:
            pipe.send(("close", {}))
            reply(pipe, 30, "close")
    finally:
        stop(processes, server, redis)
        shutil.rmtree(folder, ignore_errors=True)
    histogram = [sum(t.latency[i] for t in tallies) for i in range(len(tallies[0].latency))]
    deliveries = sum(t.deliveries for t in tallies)
    last = max(t.last_ns for t in tallies)
    window_s = (last - first_send) / 1e9
    cpu_s = cpu_after - cpu_before
    cores = cpu_s / window_s if window_s > 0 else 0.0
    delivered_per_s = deliveries / window_s if window_s > 0 else 0.0
    return {
        "kind": setup.label,
        "workers": setup.workers,
        "clients": clients,
        "connect_s": connect_seconds,
        "idle_kib": (idle_rss - baseline_rss) / clients / 1024,
        "delivered_per_s": delivered_per_s,
        "per_core": delivered_per_s / cores if cores > 0 else 0.0,
        "us_per_delivery": 1e6 * cpu_s / deliveries if deliveries else float("nan"),
        "events_per_frame": deliveries / max(1, sum(t.frames for t in tallies)),
        "p50_ms": percentile(histogram, 0.50),
        "p99_ms": percentile(histogram, 0.99),
        "max_ms": percentile(histogram, 1.0),
        "cpu_s": cpu_s,
        "cpu_pct": 100 * cores,
        "idle_cpu_pct": 100 * idle_cpu / args.idle,
        "redis_cpu_s": redis_cpu,
        "full_gcs": gc_after[0] - gc_before[0],
        "gc_s": gc_after[1] - gc_before[1],
        "peak_mib": peak_rss / 2**20,
        "load_kib": peak_rss / clients / 1024,
        "load_added_kib": (peak_rss - baseline_rss) / clients / 1024,
        "lost": sum(t.lost for t in tallies),
        "duplicated": sum(t.duplicates for t in tallies),
        "out_of_order": sum(t.out_of_order for t in tallies),
        "closed": sum(t.closed for t in tallies),
        "deflated": sum(t.deflated for t in tallies),
        "wire_ratio": sum(t.wire_bytes for t in tallies)
        / max(1, sum(t.message_bytes for t in tallies)),
        "send_s": (last_send - first_send) / 1e9,
        "expected": clients * args.messages,
        "deflate": not args.plain_clients,
    }


def stop(
    processes: list[Any], server: subprocess.Popen[bytes], redis: subprocess.Popen[bytes] | None
) -> None:
    """End the client processes, the server (all its workers) and redis-server, bounded."""
    for process in processes:
        process.join(10)
        if process.is_alive():
            process.kill()
    for child in (server, redis):
        if child is None:
            continue
        child.terminate()
        try:
            child.wait(20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(10)


def reply(pipe: Any, timeout: float, what: str) -> Any:
    """A client process's answer, or an error after ``timeout`` seconds."""
    if not pipe.poll(timeout):
        raise RuntimeError(f"no answer from a client process to {what!r} in {timeout:.0f} s")
    return pipe.recv()


def report(scenario: Scenario, results: list[dict[str, Any]]) -> None:
    print(f"\n## {scenario.name}")
    header = (
        f"{'server':18} {'clients':>7} {'connect s':>9} {'idle KiB/conn':>13} "
        f"{'delivered/s':>11} {'per core':>9} {'µs/deliv':>8} {'ev/frame':>8} {'p50 ms':>7} "
        f"{'p99 ms':>7} "
        f"{'max ms':>7} {'CPU s':>6} {'CPU %':>6} {'idle %':>6} {'GC s':>5} {'full GCs':>8} "
        f"{'redis s':>7} {'peak MiB':>8} {'wire/msg':>8} "
        f"{'lost':>5} {'dup':>4} {'order':>5}"
    )
    print(header)
    for r in results:
        print(
            f"{r['kind']:18} {r['clients']:>7} {r['connect_s']:>9.2f} {r['idle_kib']:>13.1f} "
            f"{r['delivered_per_s']:>11,.0f} {r['per_core']:>9,.0f} {r['us_per_delivery']:>8.1f} "
            f"{r['events_per_frame']:>8.1f} "
            f"{r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['max_ms']:>7.1f} {r['cpu_s']:>6.1f} "
            f"{r['cpu_pct']:>6.0f} {r['idle_cpu_pct']:>6.1f} {r['gc_s']:>5.2f} "
            f"{r['full_gcs']:>8.0f} {r['redis_cpu_s']:>7.1f} {r['peak_mib']:>8.0f} "
            f"{r['wire_ratio']:>8.2f} "
            f"{r['lost']:>5} {r['duplicated']:>4} {r['out_of_order']:>5}"
        )
    if any(r["lost"] for r in results):
        print(
            "some messages were lost: CPU was measured until the wait for them ended, past the "
            "last delivery, so per core and CPU % are off for those runs"
        )
    ours, reference = results[0], results[-1]
    if reference["kind"] == "reference" and reference["delivered_per_s"]:
        ratio = ours["delivered_per_s"] / reference["delivered_per_s"]
        print(f"festival / reference delivered per second: {ratio:.2f}x")
    for kind, ratios in per_core_ratios(results).items():
        shown = ", ".join(f"{r:.2f}x" for r in ratios)
        print(
            f"{kind} / single worker, delivered per second per core: median "
            f"{statistics.median(ratios):.2f}x (each round: {shown})"
        )


def per_core_ratios(results: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Per round, each setup's per-core figure over the single worker's of the same round."""
    ratios: dict[str, list[float]] = {}
    for round_ in sorted({r["round"] for r in results}):
        runs = [r for r in results if r["round"] == round_ and r["kind"] != "reference"]
        single = next((r for r in runs if r["workers"] == 1), None)
        if single is None or not single["per_core"]:
            continue
        for r in runs:
            if r is not single:
                ratios.setdefault(r["kind"], []).append(r["per_core"] / single["per_core"])
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenarios",
        default="1000,5000,10000,200x25",
        help="comma-separated: N (clients in one room) or RxN (rooms x clients)",
    )
    parser.add_argument("--messages", type=int, default=100, help="messages per publisher")
    parser.add_argument(
        "--rate", type=float, default=100.0, help="messages per second per publisher"
    )
    parser.add_argument(
        "--window",
        type=int,
        default=0,
        metavar="K",
        help="publish with K messages in flight per room (message n+K leaves once message n "
        "reached every member) instead of at --rate; 2 is the issue 13 workload",
    )
    parser.add_argument(
        "--plain-clients",
        action="store_true",
        help="clients that send no Origin and do not offer permessage-deflate (default: "
        "browser-like clients that do both)",
    )
    parser.add_argument("--workers", type=int, default=2, help="client processes")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for delivery")
    parser.add_argument(
        "--check-every",
        type=int,
        default=1,
        metavar="N",
        help="every Nth client checks order, duplicates and latency; the others only count "
        "deliveries (cheaper clients, so that the servers rather than the clients saturate)",
    )
    parser.add_argument(
        "--gc-tuning",
        choices=["on", "off"],
        default="on",
        help="GC_TUNING for the festival servers (off: CPython's garbage collector settings)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds: every setup runs once per round, in turn"
    )
    parser.add_argument(
        "--idle",
        type=float,
        default=1.5,
        help="seconds the connected clients sit idle before publishing (idle CPU and memory)",
    )
    parser.add_argument(
        "--servers",
        default="festival,reference",
        help="comma-separated: festival, reference, festival-redis, festival-redis-xN",
    )
    parser.add_argument("--postgres", help="a PostgreSQL URL: bench on a fresh database there")
    parser.add_argument(
        "--pin",
        type=int,
        default=0,
        metavar="N",
        help="run all server processes on the first N CPUs and the clients and redis-server on "
        "the others (taskset), so that every setup gets the same CPU budget",
    )
    args = parser.parse_args()
    # 10,000 clients need 10,000 sockets in the client processes and in the servers.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    scenarios = [Scenario.parse(s) for s in args.scenarios.split(",")]
    setups = [Setup.parse(s) for s in args.servers.split(",")]
    rooms = max(s.rooms for s in scenarios)
    load = f"{args.window} in flight" if args.window else f"at {args.rate:g}/s"
    clients = "plain clients" if args.plain_clients else "browser-like clients (Origin, deflate)"
    print(
        f"fan-out benchmark: {args.messages} messages per publisher {load}, {clients}, "
        f"{args.workers} client processes, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"{'PostgreSQL' if args.postgres else 'SQLite'}"
    )
    if args.pin:
        server_cpus, client_cpus = cpu_split(args.pin)
        print(f"servers pinned to CPUs {sorted(server_cpus or ())}, clients and redis-server to "
              f"{sorted(client_cpus or ())}")  # fmt: skip
    for scenario in scenarios:
        results = []
        for round_ in range(1, args.repeat + 1):  # setups take turns: drift hits them alike
            for setup in setups:
                db = seed(rooms, args.postgres)  # a fresh database per run: no history carried
                try:
                    results.append({**run(setup, scenario, args, db), "round": round_})
                finally:
                    drop(db[0], args.postgres)
        report(scenario, results)


if __name__ == "__main__":
    main()
