"""Node.js packages some tests run (ical.js in tests/js, oidc-provider in tests/oidc): installed
with npm on first use, and what to do when they cannot be (skip with the reason; fail in CI)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(what: str, reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"{what} is needed in CI: {reason}")
    pytest.skip(f"{what} not available: {reason}")


@functools.cache
def install(directory: Path, package: str) -> str | None:
    """Make sure ``package`` is installed in ``directory`` (``npm ci`` from its lockfile, or
    ``npm install``): None when ready, else why not."""
    if shutil.which("node") is None:
        return "node is not installed"
    if (directory / "node_modules" / package / "package.json").exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed"
    command = [npm, "ci"] if (directory / "package-lock.json").exists() else [npm, "install"]
    done = subprocess.run(
        [*command, "--no-audit", "--no-fund"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        return f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}"
    return None
