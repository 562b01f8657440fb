"""The real `festival` and `uvicorn` commands as subprocesses: what an operator runs and reads."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The console script pip installed next to this interpreter (pyproject's [project.scripts]).
FESTIVAL = str(Path(sys.executable).with_name("festival"))
UVICORN_FACTORY = [sys.executable, "-m", "uvicorn", "--factory", "festival.app:asgi"]
#: What the operator's shell may carry that would change what these commands do.
CLEARED = (
    "SECRET_KEY",
    "LOG_FORMAT",
    "METRICS_DIR",
    "REDIS_URL",
    "PORT",
    "HOST",
    "WEB_CONCURRENCY",
    "DEBUG",
)
_RUNNING_ON = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")


def environment(**values: str) -> dict[str, str]:
    """This process's environment without the festival's variables, plus ``values``; the
    interpreter's scripts first on PATH, as in an activated virtual environment."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return {**env, **values}


@dataclass
class Finished:
    status: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def run(command: Sequence[str], env: Mapping[str, str], timeout: float = 60) -> Finished:
    """Run a command that ends by itself."""
    done = subprocess.run(
        list(command), cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=timeout
    )
    return Finished(done.returncode, done.stdout, done.stderr)


@dataclass
class Served(Finished):
    """A server that ran, answered ``responses`` (path -> body), and was stopped with SIGTERM."""

    responses: dict[str, str]


def serve(
    command: Sequence[str],
    env: Mapping[str, str],
    tmp_path: Path,
    paths: Sequence[str] = ("/healthz",),
    workers: int = 1,
    timeout: float = 60,
    headers: Mapping[str, str] | None = None,
) -> Served:
    """Start a server on a port it chose itself (``--port 0``), fetch ``paths``, stop it.

    Ready means: the port appeared in its log, ``workers`` processes said their startup is
    complete, and ``/healthz`` answers. Output goes to files (a full pipe would block it).
    """
    out_path, err_path = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with out_path.open("w") as out, err_path.open("w") as err:
        process = subprocess.Popen(list(command), cwd=ROOT, env=dict(env), stdout=out, stderr=err)
    responses: dict[str, str] = {}
    try:
        base = _wait_ready(process, out_path, err_path, workers, timeout)
        for path in paths:
            request = urllib.request.Request(base + path, headers=dict(headers or {}))
            with urllib.request.urlopen(request, timeout=10) as response:
                responses[path] = response.read().decode()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    return Served(process.returncode, out_path.read_text(), err_path.read_text(), responses)


def _wait_ready(
    process: subprocess.Popen[bytes], out: Path, err: Path, workers: int, timeout: float
) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}: {err.read_text()}")
        logs = out.read_text() + err.read_text()
        port = _RUNNING_ON.search(logs)
        if port and logs.count("Application startup complete") >= workers:
            base = f"http://127.0.0.1:{port.group(1)}"
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return base
            except OSError:
                pass
        time.sleep(0.1)
    raise AssertionError(f"the server was not ready in {timeout} s: {err.read_text()}")
