"""The year's other learning celebrations (every edition but the flagship), as the
``/celebrations`` page shows them: upcoming and running first, soonest first; then past ones,
most recent first, archived with their programme.

Pure: the editions, their public sessions and "now" come in; an edition is past once its global
window (scheduling.window: the last moment any of its local days is still running somewhere)
has ended.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from festival.models import Edition, EditionKind
from scheduling import window
from scheduling.slots import Slot


@dataclass(frozen=True)
class Celebration:
    """One celebration with what the page says of it."""

    edition: Edition
    window: window.Window
    sessions: tuple[Slot, ...]
    organisers: tuple[tuple[str, str], ...]  # (slug, name) of the organisations, by name

    def is_running(self, now: datetime) -> bool:
        return self.window.starts_at_utc <= now < self.window.ends_at_utc


@dataclass(frozen=True)
class Celebrations:
    upcoming: tuple[Celebration, ...]
    past: tuple[Celebration, ...]


def is_celebration(edition: Edition) -> bool:
    return edition.kind != EditionKind.FLAGSHIP


def arrange(editions: Iterable[Edition], sessions: Sequence[Slot], now: datetime) -> Celebrations:
    """Split the non-flagship editions into upcoming (and running) and past ones."""
    by_edition: dict[str, list[Slot]] = {}
    for slot in sessions:
        by_edition.setdefault(slot.edition_slug, []).append(slot)
    found = []
    for edition in editions:
        if not is_celebration(edition):
            continue
        slots = tuple(by_edition.get(edition.slug, ()))
        organisers = tuple(
            sorted({(s.organisation_slug, s.organisation_name) for s in slots}, key=lambda o: o[1])
        )
        found.append(Celebration(edition, window.window_for_dates(edition.days), slots, organisers))
    upcoming = sorted(
        (c for c in found if c.window.ends_at_utc > now), key=lambda c: c.window.starts_at_utc
    )
    past = sorted(
        (c for c in found if c.window.ends_at_utc <= now),
        key=lambda c: c.window.starts_at_utc,
        reverse=True,
    )
    return Celebrations(tuple(upcoming), tuple(past))
