"""Structured logs: LOG_FORMAT=json gives one JSON object per record."""

from __future__ import annotations

import json
import logging
import shlex
import signal
import sys
from pathlib import Path

import pytest

from festival import migrate
from festival.logs import (
    ClientFaultsInOneLine,
    JsonFormatter,
    configure_logging,
    logging_to_stderr,
)
from festival.settings import Settings, SettingsError, normalise_database_url
from tests.festival.commands import FESTIVAL, ROOT, UVICORN_FACTORY, environment, serve


def record(message: str, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("festival.test", logging.WARNING, __file__, 1, message, (), None)
    made.created = 1800000000.25  # 2027-01-15T08:00:00.25Z
    made.process = 4242
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def test_json_formatter_writes_one_object_with_extra_fields() -> None:
    line = JsonFormatter().format(record("room %s opened", room="session-abc"))
    assert json.loads(line) == {
        "ts": "2027-01-15T08:00:00.250000Z",
        "level": "WARNING",
        "logger": "festival.test",
        "message": "room %s opened",
        "pid": 4242,
        "room": "session-abc",
    }


def test_json_formatter_includes_the_exception() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        failing = record("failed")
        failing.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(failing))
    assert entry["exception"].splitlines()[-1] == "ValueError: boom"


def test_a_clients_invalid_utf8_is_one_line_without_a_traceback() -> None:
    try:
        b"\xff".decode()
    except UnicodeDecodeError:
        fault = record("Invalid UTF-8 sequence received from client.")
        fault.name = "uvicorn.error"
        fault.exc_info = sys.exc_info()
    other = record("failed")
    other.exc_info = (ValueError, ValueError("boom"), None)
    assert ClientFaultsInOneLine().filter(fault) and ClientFaultsInOneLine().filter(other)
    entry = json.loads(JsonFormatter().format(fault))
    assert (entry["message"], "exception" in entry) == (
        "Invalid UTF-8 sequence received from client. (invalid start byte); closed with 1007",
        False,
    )
    assert other.exc_info is not None  # only the client's fault is shortened


def test_configure_logging_json_installs_the_formatter() -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        configure_logging("json")
        assert [type(h.formatter) for h in root.handlers] == [JsonFormatter]
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])


def test_settings_log_format_comes_from_the_environment() -> None:
    assert Settings.from_env({"LOG_FORMAT": "JSON", "SECRET_KEY": "k"}).log_format == "json"
    assert Settings.from_env({"SECRET_KEY": "k"}).log_format == "text"
    with pytest.raises(SettingsError, match="LOG_FORMAT='xml'"):
        Settings.from_env({"LOG_FORMAT": "xml", "SECRET_KEY": "k"})


def test_json_formatter_leaves_out_uvicorns_coloured_copy() -> None:
    line = JsonFormatter().format(record("Started server process", color_message="\x1b[36m"))
    assert "color_message" not in json.loads(line)


def test_configure_logging_quiets_alembic_below_warning() -> None:
    with logging_to_stderr("text"):
        alembic = logging.getLogger("alembic.runtime.migration")
        assert (alembic.isEnabledFor(logging.INFO), alembic.isEnabledFor(logging.WARNING)) == (
            False,
            True,
        )
    with logging_to_stderr("text", level=logging.DEBUG):
        assert logging.getLogger("alembic.runtime.migration").isEnabledFor(logging.DEBUG)


def test_logging_to_stderr_puts_the_previous_set_up_back() -> None:
    root, access = logging.getLogger(), logging.getLogger("uvicorn.access")
    before = (root.handlers[:], root.level, access.handlers[:], access.propagate)

    with logging_to_stderr("json"):
        assert [type(h.formatter) for h in root.handlers] == [JsonFormatter]

    assert (root.handlers[:], root.level, access.handlers[:], access.propagate) == before


# -- the real commands: every line of a server's output is JSON when LOG_FORMAT=json ----------


def procfile_web(host: str) -> list[str]:
    """The Procfile's ``web`` command, listening on ``host`` instead of every interface."""
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    return shlex.split(line.removeprefix("web:").replace("0.0.0.0", host))


SERVERS = {
    # name: (command, workers); PORT=0 and WEB_CONCURRENCY come from the environment
    "procfile, 2 workers": (procfile_web("127.0.0.1"), 2),
    "festival serve": ([FESTIVAL, "serve"], 1),
    "uvicorn factory": ([*UVICORN_FACTORY, "--host", "127.0.0.1", "--port", "0"], 1),
}


@pytest.fixture
def migrated_sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    migrate.upgrade(normalise_database_url(url))
    return url


@pytest.mark.e2e
@pytest.mark.parametrize("name", list(SERVERS))
def test_every_line_a_server_writes_is_json_when_asked(
    name: str, migrated_sqlite: str, tmp_path: Path
) -> None:
    command, workers = SERVERS[name]
    env = environment(
        DATABASE_URL=migrated_sqlite,
        LOG_FORMAT="json",
        PORT="0",
        WEB_CONCURRENCY=str(workers),
        REDIS_URL="",
    )

    served = serve(command, env, tmp_path, paths=["/healthz", "/metrics"], workers=workers)

    lines = (served.out + served.err).splitlines()
    entries = [json.loads(line) for line in lines]  # raises on the first line that is not JSON
    assert entries and all(
        {"ts", "level", "logger", "message", "pid"} <= entry.keys() for entry in entries
    )
    access = [e["message"] for e in entries if e["logger"] == "uvicorn.access"]
    assert {m.split('"')[1] for m in access} == {"GET /healthz HTTP/1.1", "GET /metrics HTTP/1.1"}
    assert [e for e in entries if e["logger"].startswith("alembic")] == []
    # Said once per serving command: by the one process, or by the parent that hands its
    # workers one shared key.
    secret = [e for e in entries if "SECRET_KEY is not set" in e["message"]]
    assert [(e["level"], e["logger"]) for e in secret] == [("WARNING", "festival.settings")]
    # Stopped cleanly by SIGTERM (uvicorn re-raises the signal after a graceful shutdown).
    assert served.status in {0, -signal.SIGTERM}
    assert sum(e["message"].startswith("Finished server process") for e in entries) == workers
