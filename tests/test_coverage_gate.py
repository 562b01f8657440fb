"""scripts/coverage-gate: the branch-coverage floor scripts/check enforces, run on real data.

Each test lays out a small tree with the gated paths (``scheduling/``, ``realtime/...``),
measures a script with coverage.py (branches on, as scripts/test does) and runs the gate there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GATE = Path(__file__).resolve().parent.parent / "scripts" / "coverage-gate"

#: Both branches of the ``if`` are taken only when kind() sees a positive and another number.
WITH_ELSE = """
def kind(n):
    if n > 0:
        return "positive"
    return "other"
"""
#: Every statement runs with kind(1) alone, but then "if n > 0" is never false.
WITHOUT_ELSE = """
def kind(n):
    out = "other"
    if n > 0:
        out = "positive"
    return out
"""
BOTH_WAYS = "for m in (core, protocol, chat):\n    m.kind(1)\n    m.kind(-1)\n"


def environment() -> dict[str, str]:
    """This environment without coverage settings that would point the child elsewhere."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE", "COV_CORE"))}


def measure(
    tree: Path, calls: str, core: str = WITH_ELSE, source: str = "scheduling,realtime"
) -> None:
    """Lay out the gated packages and run ``calls`` under coverage, branches measured."""
    for package in ("scheduling", "realtime", "realtime/rooms"):
        (tree / package).mkdir(parents=True, exist_ok=True)
        (tree / package / "__init__.py").write_text("")
    (tree / "scheduling" / "core.py").write_text(core)
    (tree / "realtime" / "protocol.py").write_text(WITH_ELSE)
    (tree / "realtime" / "rooms" / "chat.py").write_text(WITH_ELSE)
    imports = "from scheduling import core\nfrom realtime import protocol\n"
    (tree / "run.py").write_text(imports + "from realtime.rooms import chat\n" + calls)
    command = [sys.executable, "-m", "coverage", "run", "--branch", f"--source={source}"]
    subprocess.run(command + ["run.py"], cwd=tree, env=environment(), check=True)


def gate(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GATE)],
        cwd=tree,
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_gate_passes_when_every_branch_is_taken(tmp_path: Path) -> None:
    measure(tmp_path, BOTH_WAYS)

    result = gate(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "scheduling: statements 100.0 % (4/4), branches 100.0 % (2/2)" in result.stdout
    assert "realtime core: statements 100.0 % (8/8), branches 100.0 % (4/4)" in result.stdout
    assert "changed since" not in result.stdout


def test_gate_fails_on_a_branch_never_taken_and_names_it(tmp_path: Path) -> None:
    measure(tmp_path, BOTH_WAYS.replace("m.kind(-1)", "m.kind(m is core or -1)"), WITHOUT_ELSE)

    result = gate(tmp_path)

    assert result.returncode == 1
    assert "scheduling: statements 100.0 % (5/5), branches 50.0 % (1/2)" in result.stdout
    assert "BELOW THE FLOOR" in result.stdout
    assert "    scheduling/core.py: statements 100.0 %, branches 50.0 %; branches 4->6\n" in (
        result.stdout
    )
    assert "realtime core: statements 100.0 % (8/8), branches 100.0 % (4/4)" in result.stdout


def test_gate_fails_when_a_group_measured_no_file(tmp_path: Path) -> None:
    measure(tmp_path, BOTH_WAYS, source="scheduling")

    result = gate(tmp_path)

    assert result.returncode == 1
    assert "scheduling: statements 100.0 % (4/4)" in result.stdout
    assert "realtime core: statements 100.0 % (0/0), branches 100.0 % (0/0)" in result.stdout
    assert "NO FILES MEASURED" in result.stdout


def test_gate_says_when_a_source_changed_after_it_was_measured(tmp_path: Path) -> None:
    measure(tmp_path, BOTH_WAYS)
    # Sources measured, then the data written, then one source edited: in that order in time.
    written = (tmp_path / ".coverage").stat().st_mtime
    for path in [*tmp_path.rglob("*.py"), tmp_path / ".coverage"]:
        moment = written - (20 if path.suffix == ".py" else 10)
        os.utime(path, (moment, moment))
    (tmp_path / "scheduling" / "core.py").write_text(WITH_ELSE.replace("other", "negative"))

    result = gate(tmp_path)

    assert result.returncode == 0
    assert "1 gated file(s) changed since .coverage was written (scheduling/core.py)" in (
        result.stdout
    )


def test_gate_without_data_says_so(tmp_path: Path) -> None:
    result = gate(tmp_path)

    assert result.returncode == 2
    assert "no data at" in result.stderr and "run scripts/test first" in result.stderr
