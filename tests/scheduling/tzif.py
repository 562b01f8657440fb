"""The real offset changes of every zone, as an oracle for scheduling.tz's DST policy.

Two independent sources, neither of them ``scheduling.tz``:

* the transitions written in the zone's compiled file of the ``tzdata`` package, read here byte
  by byte (TZif, RFC 8536 §3), and
* the transitions its rules make after the last written one (the footer's POSIX TZ rule; the
  package's files are "slim", so Paris's last written transition is in 1996), in the festival's
  years, found by asking ``zoneinfo`` (reading the same file) for the offset every six hours
  and bisecting to the second.

From one transition at UTC instant ``T``, from offset ``before`` to offset ``after``, the wall
times that do not exist or happen twice follow by arithmetic alone: a forward jump skips the
wall times ``[T + before, T + after)``, a backward jump repeats ``[T + after, T + before)``.
"""

from __future__ import annotations

import functools
import importlib.resources
import io
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling import tz

#: Transitions from here on are checked (earlier ones use local mean time, to the second).
FIRST = datetime(1970, 1, 2, tzinfo=UTC)
#: Rule-made transitions are looked for from here to LAST (the festival's years: scanning
#: every year since a zone's last written transition would cost seconds and add nothing new).
RULES_FROM = datetime(2026, 1, 1, tzinfo=UTC)
LAST = datetime(2029, 1, 1, tzinfo=UTC)
#: Two transitions closer than this would make their gaps and folds overlap: skipped.
ISOLATION = timedelta(days=3)


@dataclass(frozen=True)
class Transition:
    """At ``at_utc`` the zone's UTC offset changes from ``before`` to ``after``."""

    zone_name: str
    at_utc: datetime
    before: timedelta
    after: timedelta

    @property
    def is_gap(self) -> bool:
        return self.after > self.before

    @property
    def is_fold(self) -> bool:
        return self.after < self.before

    @property
    def low_wall(self) -> datetime:
        """First wall time skipped (gap) or repeated (fold)."""
        return (self.at_utc + min(self.before, self.after)).replace(tzinfo=None)

    @property
    def high_wall(self) -> datetime:
        """First wall time after the skipped or repeated ones: it happens exactly once."""
        return (self.at_utc + max(self.before, self.after)).replace(tzinfo=None)


def _tzif_bytes(zone_name: str) -> bytes:
    parts = zone_name.split("/")
    return importlib.resources.files("tzdata.zoneinfo").joinpath(*parts).read_bytes()


def written_transitions(zone_name: str) -> list[tuple[datetime, timedelta, timedelta]]:
    """(instant, offset before, offset after) for every transition in the zone's TZif file."""
    data = _tzif_bytes(zone_name)
    assert data[:4] == b"TZif" and data[4:5] >= b"2", f"{zone_name}: not a TZif v2+ file"
    # Skip the version 1 block (32-bit times), RFC 8536 §3.1–3.2.
    isut, isstd, leap, time, types, chars = struct.unpack(">6l", data[20:44])
    start = 44 + time * 5 + types * 6 + chars + leap * 8 + isstd + isut
    assert data[start : start + 4] == b"TZif"
    isut, isstd, leap, time, types, chars = struct.unpack(">6l", data[start + 20 : start + 44])
    at = start + 44
    times = struct.unpack(f">{time}q", data[at : at + 8 * time])
    at += 8 * time
    indices = data[at : at + time]
    at += time
    offsets = [
        timedelta(seconds=struct.unpack(">lBB", data[at + 6 * i : at + 6 * i + 6])[0])
        for i in range(types)
    ]
    # Before the first transition the zone is in local time type 0 (RFC 8536 §3.2).
    found = []
    previous = offsets[0]
    for when, index in zip(times, indices, strict=True):
        offset = offsets[index]
        if offset != previous:
            found.append((datetime.fromtimestamp(when, UTC), previous, offset))
        previous = offset
    return found


def _offset(z: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(z).utcoffset()
    assert offset is not None
    return offset


def rule_transitions(
    zone_name: str, after: datetime, until: datetime
) -> list[tuple[datetime, timedelta, timedelta]]:
    """Offset changes in (after, until] according to zoneinfo, to the second."""
    z = ZoneInfo.from_file(io.BytesIO(_tzif_bytes(zone_name)), key=zone_name)
    found = []
    low = after
    while low < until:
        high = min(low + timedelta(hours=6), until)
        if _offset(z, high) != _offset(z, low):
            lo, hi = low, high
            while hi - lo > timedelta(seconds=1):
                mid = (lo + (hi - lo) / 2).replace(microsecond=0)
                lo, hi = (mid, hi) if _offset(z, mid) == _offset(z, lo) else (lo, mid)
            found.append((hi, _offset(z, lo), _offset(z, hi)))
            high = hi
        low = high
    return found


@functools.cache
def transitions() -> tuple[Transition, ...]:
    """Every isolated offset change of every canonical zone written since 1970, and those its
    rules make from 2026 to 2028."""
    out: list[Transition] = []
    for zone_name in tz.canonical_zones():
        written = written_transitions(zone_name)
        last_written = written[-1][0] if written else FIRST
        footer_rule = _tzif_bytes(zone_name).rstrip(b"\n").rsplit(b"\n", 1)[-1]
        made = []
        if b"," in footer_rule:  # a DST rule: transitions go on after the last written one
            made = rule_transitions(zone_name, max(last_written, RULES_FROM), LAST)
        changes = written + made
        for i, (at_utc, before, after) in enumerate(changes):
            near = [c[0] for c in changes[max(0, i - 1) : i + 2] if c[0] != at_utc]
            isolated = all(abs(other - at_utc) >= ISOLATION for other in near)
            if FIRST <= at_utc <= LAST and isolated:
                out.append(Transition(zone_name, at_utc, before, after))
    return tuple(out)
