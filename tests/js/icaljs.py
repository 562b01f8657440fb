"""Run Mozilla's ical.js (the parser inside Thunderbird) from the tests, through node.

``require_icaljs()`` returns a parser function. When ``node_modules`` is missing it runs
``npm install`` in this folder once per test session; if node or npm is missing or the install
fails, the tests that need it are skipped outside CI and fail in CI (CI=true).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.node_packages import install, unavailable

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "parse_ics.mjs"

IcalJs = Callable[[bytes], dict[str, Any]]


def parse_with_icaljs(ics: bytes, tmp_dir: Path) -> dict[str, Any]:
    path = tmp_dir / "feed.ics"
    path.write_bytes(ics)
    done = subprocess.run(
        ["node", str(SCRIPT), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"ical.js could not read the feed: {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def require_icaljs(tmp_dir: Path) -> IcalJs:
    reason = install(HERE, "ical.js")
    if reason is not None:
        unavailable("ical.js", reason)
    return lambda ics: parse_with_icaljs(ics, tmp_dir)


def utc(text: str) -> datetime:
    """``2027-01-24T12:00:00Z`` -> aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def icaljs_instants(parsed: dict[str, Any]) -> dict[str, tuple[datetime, datetime]]:
    return {e["uid"]: (utc(e["start"]), utc(e["end"])) for e in parsed["events"]}


def icalendar_instants(ics: bytes) -> dict[str, tuple[datetime, datetime]]:
    """The same reading by the Python ``icalendar`` library."""
    from icalendar import Calendar

    calendar = Calendar.from_ical(ics)
    out: dict[str, tuple[datetime, datetime]] = {}
    for event in calendar.walk("VEVENT"):
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        assert start.tzinfo is not None and end.tzinfo is not None, event["UID"]
        out[str(event["UID"])] = (start.astimezone(UTC), end.astimezone(UTC))
    return out


#: RFC 5545 §3.3.11 TEXT: a backslash, semicolon or comma appears only escaped (``\\`` ``\;``
#: ``\,``, and ``\n`` for a line break), and no control character but HTAB appears at all.
STRICT_TEXT = re.compile(r"(?:[^\\;,\x00-\x08\x0a-\x1f\x7f]|\\[\\;,nN])*")
#: The calendar's own TEXT properties (RFC 7986 §5.1–5.2 and Apple's X-WR- forms).
CALENDAR_TEXT = ("NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC")


def icalendar_calendar_texts(ics: bytes) -> dict[str, str]:
    """The calendar's TEXT properties as the Python ``icalendar`` parser reads them, strictly.

    A value that is not RFC 5545 TEXT (an unescaped comma, say) fails the assertion, as a strict
    parser refuses it. Keys are lower case, as ical.js gives them.
    """
    from icalendar.parser import Contentline

    lines = ics.decode("utf-8").replace("\r\n ", "").split("\r\n")
    texts: dict[str, str] = {}
    for line in lines[1:]:  # after BEGIN:VCALENDAR
        if line.startswith(("BEGIN:", "END:")):
            break  # the calendar's own properties come before its components
        name, _params, value = Contentline(line).parts()
        if name.upper() in CALENDAR_TEXT:
            raw = line.split(":", 1)[1]
            assert STRICT_TEXT.fullmatch(raw), f"not RFC 5545 TEXT: {line!r}"
            texts[name.lower()] = str(value)
    return texts
