"""Double bookings: an organisation or a host in two places at once, or one stream/room twice.

Slots are grouped by what they share (organisation slug, normalised host name, normalised
stream name) and each group is swept in start order with a heap of the sessions still running,
so the cost is O(n log n + conflicts) rather than comparing every pair. Intervals are half-open:
a session ending at 10:00 and another starting at 10:00 do not conflict.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduling.slots import Slot
from scheduling.vocabulary import SessionStatus

KIND_ORDER: tuple[str, ...] = ("organisation", "host", "stream")


@dataclass(frozen=True)
class Conflict:
    """Two sessions sharing an organisation, a host or a stream at overlapping times."""

    kind: str  # "organisation" | "host" | "stream"
    key: str  # the organisation slug, normalised host name or normalised stream name
    first: Slot  # the one starting first (ties broken by uid)
    second: Slot
    overlap_minutes: int  # rounded up to whole minutes


def normalise_name(name: str) -> str:
    """``"  Ada   LOVELACE "`` -> ``"ada lovelace"``: how hosts and streams are compared."""
    return " ".join(name.split()).casefold()


def _keys(slot: Slot) -> Iterator[tuple[str, str]]:
    if slot.organisation_slug:
        yield "organisation", slot.organisation_slug
    for host in sorted({normalise_name(h) for h in slot.hosts} - {""}):
        yield "host", host
    stream = normalise_name(slot.stream)
    if stream:
        yield "stream", stream


def _order(slot: Slot) -> tuple[datetime, datetime, str, int]:
    return (slot.starts_at_utc, slot.ends_at_utc, slot.uid, slot.id)


def _overlap_minutes(a: Slot, b: Slot) -> int:
    overlap = min(a.ends_at_utc, b.ends_at_utc) - max(a.starts_at_utc, b.starts_at_utc)
    return -(-overlap // timedelta(minutes=1))


def _sweep(kind: str, key: str, group: list[Slot]) -> Iterator[Conflict]:
    """Conflicts inside one group; ``group`` is sorted by :func:`_order`."""
    running: list[tuple[datetime, int, Slot]] = []  # heap of (end, position, slot)
    for position, slot in enumerate(group):
        while running and running[0][2].ends_at_utc <= slot.starts_at_utc:
            heapq.heappop(running)
        for _, _, earlier in sorted(running, key=lambda item: item[1]):
            if earlier.uid != slot.uid:
                yield Conflict(kind, key, earlier, slot, _overlap_minutes(earlier, slot))
        heapq.heappush(running, (slot.ends_at_utc, position, slot))


def find_conflicts(slots: Iterable[Slot]) -> list[Conflict]:
    """Every double booking among the non-cancelled slots, in a deterministic order.

    Ordered by the first session's start, then the second's, then kind and key.
    """
    groups: dict[tuple[str, str], list[Slot]] = {}
    for slot in slots:
        if slot.status == SessionStatus.CANCELLED:
            continue
        for group_key in _keys(slot):
            groups.setdefault(group_key, []).append(slot)
    conflicts: list[Conflict] = []
    for (kind, key), group in groups.items():
        group.sort(key=_order)
        conflicts.extend(_sweep(kind, key, group))
    conflicts.sort(
        key=lambda c: (
            _order(c.first),
            _order(c.second),
            KIND_ORDER.index(c.kind),
            c.key,
        )
    )
    return conflicts
