"""Sessions as a spreadsheet: CSV (RFC 4180), UTF-8, one header row, every status.

Each session's time is written three ways, so nobody has to convert anything: the organiser's
wall time as entered, its UTC offset at that moment with the zone's name (the two occurrences of
a time that happens twice differ by their offset), and the instant in UTC (ISO 8601, ``Z``).

Cells are text that organisers and the public typed, opened in spreadsheet programs that run
formulas: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
with a leading apostrophe so that it is shown, never evaluated (OWASP, "CSV Injection"). No
column the code itself writes starts with one of those (offsets read ``UTC-03:30``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from scheduling import tz
from scheduling.slots import Slot

#: What a spreadsheet program may take for the start of a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPE = "text/csv; charset=utf-8; header=present"  # RFC 4180 §3, RFC 7111


def safe_cell(value: str) -> str:
    """The cell as a spreadsheet shows it and never runs it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _utc(instant: datetime | None) -> str:
    return "" if instant is None else instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _offset(slot: Slot) -> str:
    """``UTC+05:45``, ``UTC-03:30``, ``UTC+00:00``: ASCII, and never a formula's first sign."""
    delta = tz.localize(slot.starts_at_utc, slot.tz_name).utcoffset()
    assert delta is not None
    minutes = int(delta.total_seconds() // 60)
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours:02d}:{mins:02d}"


#: (header, value) of every column, in order.
COLUMNS: tuple[tuple[str, Callable[[Slot], object]], ...] = (
    ("uid", lambda s: s.uid),
    ("status", lambda s: s.status),
    ("edition", lambda s: s.edition_slug),
    ("organisation", lambda s: s.organisation_name),
    ("organisation_slug", lambda s: s.organisation_slug),
    ("country", lambda s: s.country),
    ("title", lambda s: s.title),
    ("organiser_local_start", lambda s: f"{s.local_start:%Y-%m-%d %H:%M}"),
    ("organiser_utc_offset", _offset),
    ("organiser_zone", lambda s: s.tz_name),
    ("starts_at_utc", lambda s: _utc(s.starts_at_utc)),
    ("ends_at_utc", lambda s: _utc(s.ends_at_utc)),
    ("duration_minutes", lambda s: s.duration_minutes),
    ("kind", lambda s: s.kind),
    ("languages", lambda s: " ".join(s.languages)),
    ("audience", lambda s: s.audience),
    ("sdgs", lambda s: " ".join(str(n) for n in s.sdgs)),
    ("hosts", lambda s: "; ".join(s.hosts)),
    ("stream", lambda s: s.stream),
    ("join_url", lambda s: s.join_url),
    ("capacity", lambda s: "" if s.capacity is None else s.capacity),
    ("revision", lambda s: s.revision),
    ("updated_at_utc", lambda s: _utc(s.updated_at_utc)),
    ("cancelled_at_utc", lambda s: _utc(s.cancelled_at_utc)),
    ("summary", lambda s: s.summary),
)


def sessions_csv(slots: Iterable[Slot]) -> bytes:
    """The sessions as one CSV document: a header row, then one row per session (CRLF lines)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for header, _ in COLUMNS])
    for slot in slots:
        writer.writerow([safe_cell(str(value(slot))) for _, value in COLUMNS])
    return buffer.getvalue().encode("utf-8")
