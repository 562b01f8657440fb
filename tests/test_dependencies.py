"""pyproject.toml: what decides the platform's output is pinned to the versions that run.

Servers with different tzdata write different wall times under the same SEQUENCE, and an
icalendar picked by pip within a floor wrote an invalid REFRESH-INTERVAL: a floor is not enough
for these. Bumping one is a deliberate change (then ``festival tz-check``, docs/calendars.md).
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
#: The distributions whose version changes what the feeds and pages say.
DECIDE_OUTPUT = ("tzdata", "icalendar")


def requirements() -> dict[str, Requirement]:
    project = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]
    found = [Requirement(line) for line in project["dependencies"]]
    return {requirement.name: requirement for requirement in found}


def test_dependencies_that_decide_output_are_pinned_to_the_installed_version() -> None:
    declared = requirements()

    pins = {name: str(declared[name].specifier) for name in DECIDE_OUTPUT}

    assert pins == {name: f"=={importlib.metadata.version(name)}" for name in DECIDE_OUTPUT}
