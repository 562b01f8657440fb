"""Logging set up in one place: readable lines for people, or one JSON object per line.

``LOG_FORMAT=json`` (``Settings.log_format``) gives structured logs for a log pipeline: each
record is ``{"ts", "level", "logger", "message", "pid"}`` plus ``exception`` when there is one
and any ``extra={...}`` fields the caller passed. Timestamps are UTC with a ``Z``.

Every record of the process goes through the one handler installed here, uvicorn's own
(startup, access, errors) included, so that ``json`` means every line. Alembic's per-start
chatter (plugin set-up, "Context impl", each step of an upgrade) is kept below WARNING:
``festival migrate`` says in one line what it did.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
#: ``color_message`` is uvicorn's copy of the message with terminal colours: not for a pipeline.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "color_message"}
)
#: Loggers that say too much at INFO for every start; their warnings and errors still show.
QUIET = ("alembic",)


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process or os.getpid(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        return json.dumps(entry, default=str, ensure_ascii=False)


class ClientFaultsInOneLine(logging.Filter):
    """uvicorn logs a whole traceback for a text frame that is not UTF-8, a client's fault it
    answers by closing with 1007 (RFC 6455 §8.1): one line says all there is to say."""

    def filter(self, record: logging.LogRecord) -> bool:
        fault = record.exc_info[1] if record.exc_info else None
        if record.name.startswith("uvicorn") and isinstance(fault, UnicodeDecodeError):
            record.msg = f"{record.getMessage()} ({fault.reason}); closed with 1007"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """Send every log record (ours, uvicorn's, the libraries') to stderr in ``log_format``."""
    if log_format not in FORMATS:
        raise ValueError(f"log format {log_format!r}: use one of {', '.join(FORMATS)}")
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(ClientFaultsInOneLine())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn installs its own handlers; let its records flow to ours instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    for name in QUIET:
        logging.getLogger(name).setLevel(level if level <= logging.DEBUG else logging.WARNING)


@contextmanager
def logging_to_stderr(log_format: str, level: int = logging.INFO) -> Iterator[None]:
    """``configure_logging`` for the length of a command, then the previous set-up again.

    A command run in-process (the tests call ``festival.cli.main``) must not leave its
    handler on the root logger of the process that called it.
    """
    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access", *QUIET)
    saved = [
        (logger, logger.handlers[:], logger.level, logger.propagate)
        for logger in map(logging.getLogger, names)
    ]
    configure_logging(log_format, level)
    try:
        yield
    finally:
        for logger, handlers, was_level, propagate in saved:
            logger.handlers[:] = handlers
            logger.setLevel(was_level)
            logger.propagate = propagate
