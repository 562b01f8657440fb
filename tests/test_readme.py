"""The README tells the truth about the commands, the settings, the docs and the license."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

import pytest

from festival import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
#: Reads of the environment: ``env.get("X")``, ``env["X"]``, ``os.environ.get("X")``.
ENV_READ = re.compile(r'\b(?:env|environ)(?:\.get\(|\[)"([A-Z][A-Z0-9_]*)"')
#: The AGPL-3.0 as the FSF publishes it (https://www.gnu.org/licenses/agpl-3.0.txt).
AGPL_SHA256 = "8486a10c4393cee1c25392769ddd3b2d6c242d6ec7928e1414efff7dfb2f07ef"


def table_keys(heading: str) -> set[str]:
    """The backticked first cells of the table under ``## heading``."""
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)`", section, flags=re.MULTILINE))


def help_commands(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The commands `festival --help` lists."""
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    return re.findall(r"^    ([a-z][a-z-]*)(?: |$)", capsys.readouterr().out, flags=re.MULTILINE)


def test_every_command_of_festival_help_is_in_the_readme(
    capsys: pytest.CaptureFixture[str],
) -> None:
    documented = {key.split()[1] for key in table_keys("Commands") if key.startswith("festival ")}

    listed = help_commands(capsys)

    assert listed == ["serve", "demo", "migrate", "tz-check", "import-ics", "createadmin"]
    assert set(listed) == documented


def test_every_variable_the_code_reads_is_in_the_readme() -> None:
    read = {
        name
        for module in ("festival/settings.py", "festival/cli.py")
        for name in ENV_READ.findall((ROOT / module).read_text())
    }

    assert {"DATABASE_URL", "SECRET_KEY", "ADMIN_PASSWORD", "PORT"} <= read  # the scan finds them
    assert sorted(read - table_keys("Configuration")) == []


def test_every_document_is_linked_from_the_readme() -> None:
    documents = sorted(path.name for path in (ROOT / "docs").glob("*.md"))

    assert "architecture.md" in documents
    assert [name for name in documents if f"](docs/{name})" not in README] == []
    assert "](CONTRIBUTING.md)" in README and "](LICENSE)" in README


def test_the_readme_starts_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.DOTALL)

    assert blocks[:2] == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && festival demo",
        "scripts/test",
    ]
    assert (ROOT / "scripts" / "test").stat().st_mode & 0o111


def test_the_license_is_the_agpl_the_package_declares() -> None:
    text = (ROOT / "LICENSE").read_bytes()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    assert hashlib.sha256(text).hexdigest() == AGPL_SHA256  # verbatim, not paraphrased
    assert project["license"] == {"text": "AGPL-3.0-or-later"}


def test_the_readme_shows_the_screenshots_of_each_key_page_at_both_sizes() -> None:
    shown = re.findall(r'<img src="(docs/screenshots/[^"]+)"', README)
    pages = {"home", "programme", "session", "room", "calendars", "programme-fr", "room-fr"}

    expected = {
        f"docs/screenshots/{p}-{size}.png" for p in pages for size in ("1280x800", "390x844")
    }
    assert set(shown) == expected
    for path in shown:
        assert (ROOT / path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
