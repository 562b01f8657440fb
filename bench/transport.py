"""Issue 13's headline table: live rooms as browsers connect, on the Procfile's command.

    python bench/transport.py                  # browser-like clients (Origin + permessage-deflate)
    python bench/transport.py --repeat 2       # every figure the median of 2 rounds
    python bench/transport.py --plain-clients  # clients with neither (no deflate table then)

Every run starts the festival server exactly as the Procfile's ``web:`` line does
(``festival serve``, host 127.0.0.1, ``PORT`` a free port, seeded SQLite, rate limits off with
``ROOM_RATE_LIMITS=off``; ``--workers 2`` and a private redis-server for the two-worker rows)
and the reference, a stock ``websockets.broadcast()`` relay (bench/fanout_reference.py, which
accepts permessage-deflate like any stock server), with the same clients (bench/fanout.py and
bench/fanout_client.py do the work). Workloads, each with the reference in the same round:

* two in flight: one publisher per room keeps at most two messages in flight (message k+2
  leaves once message k reached every member); 1,000 and 5,000 in one room, 200 rooms x 25:
  deliveries/s, server CPU per delivery (CPU time of the server's processes / deliveries),
  p50/p99 latency from send to receipt;
* light load: 5 messages/s in one room of 5,000: p50/p99 latency;
* join storm: the connect phase of the 5,000 and 200 x 25 runs (wall time until every client
  has joined, 64 handshakes in flight per client process; for the reference: connected);
* memory: server RSS per idle connection (after the joins, minus the RSS before them), and
  peak RSS / clients under load at 5,000;
* two workers with Redis against one worker, per core (deliveries per CPU second);
* with browser-like clients, the same two-in-flight runs again with plain clients at 1,000
  and 5,000: what compression costs per delivery and per idle connection.

Every client checks that it got every message once and in order. Prints each run's full row
(bench/fanout.py's columns), then the headline table in Markdown for docs/benchmarks.md.
Bounded: every wait has a timeout (``--timeout`` for the deliveries).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout import ROOT, Scenario, Setup, drop, report, run, seed  # noqa: E402


@dataclass(frozen=True)
class Step:
    """One workload on one scenario, for some servers."""

    key: str  # names the step in the headline table
    scenario: Scenario
    servers: tuple[str, ...]
    messages: int
    window: int = 0  # messages in flight per room; 0: open loop at ``rate``
    rate: float = 0.0
    plain: bool = False  # clients without Origin and permessage-deflate


def steps(plain_clients: bool, scale: float) -> list[Step]:
    both = ("festival", "reference")
    one, five, many = Scenario(1, 1000), Scenario(1, 5000), Scenario(200, 25)

    def n(messages: int) -> int:
        return max(4, round(messages * scale))

    chosen = [
        Step("w1000", one, (*both, "festival-redis-x2"), n(150), window=2, plain=plain_clients),
        Step("w5000", five, both, n(30), window=2, plain=plain_clients),
        Step("w200x25", many, (*both, "festival-redis-x2"), n(30), window=2, plain=plain_clients),
        Step("light5000", five, both, n(25), rate=5.0, plain=plain_clients),
    ]
    if not plain_clients:  # what compression costs: the same runs with plain clients
        chosen += [
            Step("p1000", one, both, n(150), window=2, plain=True),
            Step("p5000", five, both, n(30), window=2, plain=True),
        ]
    return chosen


def namespace(step: Step, args: argparse.Namespace) -> argparse.Namespace:
    return argparse.Namespace(
        messages=step.messages,
        rate=step.rate or 100.0,
        window=step.window,
        plain_clients=step.plain,
        workers=args.workers,
        timeout=args.timeout,
        check_every=1,
        idle=args.idle,
        pin=0,
        gc_tuning="on",
        postgres=None,
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory:.0f} GiB, Python {sys.version.split()[0]}, "
        f"commit {commit}"
    )


def median(results: list[dict[str, Any]], key: str) -> float:
    values = [r[key] for r in results if key in r]  # runs saved before a figure existed
    return statistics.median(values) if values else float("nan")


class Figures:
    """Every run's result, by step and server."""

    def __init__(self) -> None:
        self.runs: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def add(self, step: str, result: dict[str, Any]) -> None:
        self.runs.setdefault((step, result["kind"]), []).append(result)

    def get(self, step: str, server: str, key: str) -> float:
        return median(self.runs.get((step, server), []), key)

    def has(self, step: str) -> bool:
        return any(key[0] == step for key in self.runs)

    def all(self) -> list[dict[str, Any]]:
        return [r for runs in self.runs.values() for r in runs]

    def save(self, path: Path) -> None:
        rows = [{"step": step, **r} for (step, _), runs in self.runs.items() for r in runs]
        path.write_text(json.dumps(rows, indent=1))

    def load(self, path: Path) -> None:
        for row in json.loads(path.read_text()):
            self.add(row.pop("step"), row)


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs and ours == ours and theirs == theirs else "—"


def verdict(ok: bool, *figures: float) -> str:
    """The target's state; "not measured" when a figure is missing (NaN)."""
    if any(figure != figure for figure in figures):
        return "not measured"
    return "**met**" if ok else "not met"


def number(value: float, digits: int = 1) -> str:
    return "—" if value != value else f"{value:,.{digits}f}"  # NaN: not measured


def headline(f: Figures, plain_clients: bool) -> list[str]:
    """The Markdown rows: | target | measured | festival | reference | figure | met |."""
    clients = "plain" if plain_clients else "browser-like"
    rows = [
        "| issue 13 target | measured | festival | reference | figure | |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]

    def row(target: str, measured: str, ours: str, theirs: str, figure: str, ok: str) -> None:
        rows.append(f"| {target} | {measured} | {ours} | {theirs} | {figure} | {ok} |")

    if not plain_clients:
        idle = f.get("w5000", "festival", "idle_kib")
        row(
            "≤ 40 KiB per idle connection (deflate clients)",
            "5,000 in 1 room, KiB/conn",
            number(idle),
            number(f.get("w5000", "reference", "idle_kib")),
            "",
            verdict(idle <= 40, idle),
        )
        row(
            "(the same, plain clients)",
            "5,000 in 1 room, KiB/conn",
            number(f.get("p5000", "festival", "idle_kib")),
            number(f.get("p5000", "reference", "idle_kib")),
            "",
            "",
        )
        for size in ("1000", "5000"):
            deflate = f.get(f"w{size}", "festival", "us_per_delivery")
            plain = f.get(f"p{size}", "festival", "us_per_delivery")
            row(
                "CPU per delivery with deflate within 10 % of plain",
                f"two in flight, {int(size):,} in 1 room, µs/delivery deflate / plain",
                f"{number(deflate)} / {number(plain)}",
                f"{number(f.get(f'w{size}', 'reference', 'us_per_delivery'))} / "
                f"{number(f.get(f'p{size}', 'reference', 'us_per_delivery'))}",
                ratio(deflate, plain),
                verdict(deflate <= 1.1 * plain, deflate, plain),
            )
    for step, name in (("w1000", "1,000 in 1 room"), ("w5000", "5,000 in 1 room"),
                       ("w200x25", "200 rooms x 25")):  # fmt: skip
        ours = f.get(step, "festival", "delivered_per_s")
        theirs = f.get(step, "reference", "delivered_per_s")
        row(
            "two in flight, one worker: ≥ 1.2x the reference's deliveries/s",
            f"{name}, deliveries/s ({clients})",
            number(ours, 0),
            number(theirs, 0),
            ratio(ours, theirs),
            verdict(ours >= 1.2 * theirs, ours, theirs),
        )
        cost = f.get(step, "festival", "us_per_delivery")
        row(
            "… ≤ ~10 µs of server CPU per delivery",
            f"{name}, µs/delivery",
            number(cost),
            number(f.get(step, "reference", "us_per_delivery")),
            "",
            verdict(cost <= 10, cost),
        )
        p50, p99 = f.get(step, "festival", "p50_ms"), f.get(step, "festival", "p99_ms")
        ref99 = f.get(step, "reference", "p99_ms")
        row(
            "… p99 latency ≤ the reference's",
            f"{name}, p50 / p99 ms",
            f"{number(p50)} / {number(p99)}",
            f"{number(f.get(step, 'reference', 'p50_ms'))} / {number(ref99)}",
            "",
            verdict(p99 <= ref99, p99, ref99),
        )
    p50, p99 = f.get("light5000", "festival", "p50_ms"), f.get("light5000", "festival", "p99_ms")
    r50, r99 = f.get("light5000", "reference", "p50_ms"), f.get("light5000", "reference", "p99_ms")
    row(
        "5 messages/s, 5,000 clients: p50 and p99 ≤ the reference's",
        "5,000 in 1 room, p50 / p99 ms",
        f"{number(p50)} / {number(p99)}",
        f"{number(r50)} / {number(r99)}",
        "",
        verdict(p50 <= r50 and p99 <= r99, p50, p99, r50, r99),
    )
    storm = f.get("w5000", "festival", "connect_s")
    row(
        "5,000 clients connect and join one room in ≤ 2.5 s",
        "join storm, 5,000 in 1 room, s",
        number(storm, 2),
        number(f.get("w5000", "reference", "connect_s"), 2),
        "",
        verdict(storm <= 2.5, storm),
    )
    row(
        "(join storm, 200 rooms x 25)",
        "200 x 25, s",
        number(f.get("w200x25", "festival", "connect_s"), 2),
        number(f.get("w200x25", "reference", "connect_s"), 2),
        "",
        "",
    )
    loaded = f.get("w5000", "festival", "load_kib")
    row(
        "≤ 40 KiB per connection under load at 5,000",
        "two in flight, 5,000 in 1 room: peak RSS / clients, KiB",
        number(loaded),
        number(f.get("w5000", "reference", "load_kib")),
        f"{number(f.get('w5000', 'festival', 'peak_mib'), 0)} MiB; "
        f"{number(f.get('w5000', 'festival', 'load_added_kib'))} KiB/conn above the RSS "
        "before the joins",
        verdict(loaded <= 40, loaded),
    )
    if not plain_clients:
        for step, name in (("w5000", "5,000 in 1 room"), ("w200x25", "200 rooms x 25")):
            row(
                "(bytes on the wire: compressed / inflated message payloads)",
                f"two in flight, {name}: join replies, presence, chat",
                number(f.get(step, "festival", "wire_ratio"), 2),
                number(f.get(step, "reference", "wire_ratio"), 2),
                "",
                "",
            )
    for step, name in (("w1000", "1,000 in 1 room"), ("w200x25", "200 rooms x 25")):
        single = f.get(step, "festival", "per_core")
        pair = f.get(step, "festival-redis-x2", "per_core")
        row(
            "two workers with Redis ≥ 0.9x one worker per core (two in flight)",
            f"{name}, deliveries per server CPU second: 2 workers / 1 worker",
            f"{number(pair, 0)} / {number(single, 0)}",
            "",
            ratio(pair, single),
            verdict(pair >= 0.9 * single, pair, single),
        )
    everything = f.all()
    lost = sum(r["lost"] for r in everything)
    duplicated = sum(r["duplicated"] for r in everything)
    disordered = sum(r["out_of_order"] for r in everything)
    row(
        "0 lost, 0 duplicated, 0 out of order everywhere",
        f"all {len(everything)} runs",
        f"{lost} / {duplicated} / {disordered}",
        "",
        "",
        verdict(lost == duplicated == disordered == 0, len(everything) or float("nan")),
    )
    return rows


def before_and_after(before: list[str], after: list[str]) -> list[str]:
    """The headline with a "before" column: the festival's figure on an earlier server (runs
    saved with --save) next to this one's; the reference, ratio and verdict are this run's."""
    rows = []
    for old, new in zip(before, after, strict=True):
        old_cells, new_cells = old.split(" | "), new.split(" | ")
        if new_cells[2] == "festival":
            cell = "festival before"
        elif new_cells[2].startswith("---"):
            cell = "---:"
        else:
            cell = old_cells[2]
        rows.append(" | ".join([*new_cells[:2], cell, *new_cells[2:]]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--plain-clients",
        action="store_true",
        help="clients without Origin and permessage-deflate (default: browser-like)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds; figures are medians")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply every step's messages per room"
    )
    parser.add_argument(
        "--only", help="comma-separated step keys (w1000, w5000, w200x25, light5000, p1000, p5000)"
    )
    parser.add_argument("--workers", type=int, default=2, help="client processes")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for delivery")
    parser.add_argument("--idle", type=float, default=1.5, help="seconds idle after the joins")
    parser.add_argument("--save", type=Path, help="write every run's figures to this JSON file")
    parser.add_argument(
        "--load",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="run nothing: print the headline (medians) of runs saved with --save",
    )
    parser.add_argument(
        "--before",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="runs saved with --save on an earlier server: a 'festival before' column",
    )
    args = parser.parse_args()
    if args.load:
        figures = Figures()
        for path in args.load:
            figures.load(path)
        print("\n".join(table(figures, args)))
        return
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    chosen = steps(args.plain_clients, args.scale)
    if args.only:
        keys = set(args.only.split(","))
        chosen = [step for step in chosen if step.key in keys]
    web = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    started = time.monotonic()
    print(f"issue 13 headline, {time.strftime('%Y-%m-%d %H:%M %Z')}: {machine()}")
    print(
        f"server: the Procfile's {web!r} (host 127.0.0.1, PORT free); load average {load_average()}"
    )
    figures = Figures()
    for step in chosen:
        results = []
        for round_ in range(1, args.repeat + 1):
            for server in step.servers:
                db = seed(step.scenario.rooms)
                try:
                    result = run(Setup.parse(server), step.scenario, namespace(step, args), db)
                finally:
                    drop(db[0])
                results.append({**result, "round": round_})
                figures.add(step.key, result)
        load = f"{step.window} in flight" if step.window else f"{step.rate:g}/s"
        clients = "plain clients" if step.plain else "browser-like clients"
        print(f"\n# {step.key}: {step.messages} messages per room, {load}, {clients}")
        report(step.scenario, results)
        print(f"(load average {load_average()}, {time.monotonic() - started:.0f} s so far)")
        if args.save:
            figures.save(args.save)
    print(f"\n## Headline ({time.monotonic() - started:.0f} s; load average {load_average()})\n")
    print("\n".join(table(figures, args)))


def table(figures: Figures, args: argparse.Namespace) -> list[str]:
    rows = headline(figures, args.plain_clients)
    if not args.before:
        return rows
    before = Figures()
    for path in args.before:
        before.load(path)
    return before_and_after(headline(before, args.plain_clients), rows)


if __name__ == "__main__":
    main()
