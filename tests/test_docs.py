"""docs/deploy.md tells the truth about the Procfile, the settings and the shutdown close code."""

from __future__ import annotations

import re
from pathlib import Path

from realtime import protocol

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = (ROOT / "docs" / "deploy.md").read_text()
#: Reads of the environment: ``env.get("X")``, ``env["X"]``, ``os.environ.get("X")``.
ENV_READ = re.compile(r'\b(?:env|environ)(?:\.get\(|\[)"([A-Z][A-Z0-9_]*)"')


def section(heading: str) -> str:
    return DEPLOY.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_deploy_doc_shows_the_procfile_as_it_is() -> None:
    block = re.search(r"```\n(web: .*?)```", section("What runs"), flags=re.DOTALL)

    assert block is not None
    assert block.group(1) == (ROOT / "Procfile").read_text()


def test_every_variable_in_the_deploy_doc_is_one_the_code_reads() -> None:
    first_cells = re.findall(r"^\| (`[^|]+)\|", section("Environment"), flags=re.MULTILINE)
    documented = {name for cell in first_cells for name in re.findall(r"`([A-Z_]+)`", cell)}
    read = {
        name
        for module in ("festival/settings.py", "festival/cli.py")
        for name in ENV_READ.findall((ROOT / module).read_text())
    }

    assert {"DATABASE_URL", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"} <= documented
    assert sorted(documented - read) == []


def test_deploy_doc_names_the_close_code_a_stopping_worker_sends() -> None:
    said = re.findall(r"closes its sockets\s+with (\d{4})", DEPLOY)

    assert said == [str(protocol.CLOSE_SERVICE_RESTART)]
