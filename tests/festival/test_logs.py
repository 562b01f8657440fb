"""Structured logs: LOG_FORMAT=json gives one JSON object per record."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from festival.logs import JsonFormatter, configure_logging
from festival.settings import Settings, SettingsError


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
