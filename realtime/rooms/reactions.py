"""Reactions: a small fixed set of emoji, counted and broadcast once per second, never stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from realtime.errors import InvalidError
from realtime.rooms.feature import Counted, Feature, Snapshot
from realtime.rooms.shapes import OneOf

EMOJI: tuple[str, ...] = ("👏", "❤️", "😂", "😮", "🎉", "👍")
#: How often the counts are broadcast.
WINDOW_SECONDS = 1.0


def check(data: dict[str, Any]) -> str:
    emoji = data.get("emoji")
    if not isinstance(emoji, str) or emoji not in EMOJI:
        raise InvalidError(f"Reactions are {' '.join(EMOJI)}.", "reaction.unknown")
    return emoji


@dataclass(slots=True)
class ReactionWindow:
    """Counts since the last flush: this process's own, and those other workers reported."""

    counts: dict[str, int] = field(default_factory=dict)
    remote: dict[str, int] = field(default_factory=dict)

    def add(self, emoji: str) -> None:
        self.counts[emoji] = self.counts.get(emoji, 0) + 1

    def merge(self, counts: dict[str, int]) -> None:
        """Add counts another worker saw (they are shown with the next window)."""
        for emoji, count in counts.items():
            if emoji in EMOJI and isinstance(count, int) and count > 0:
                self.remote[emoji] = self.remote.get(emoji, 0) + count

    def flush(self) -> dict[str, int] | None:
        """The counts of the window that just ended (in EMOJI order), or None if it was quiet."""
        if not self.counts and not self.remote:
            return None
        counts = {
            e: self.counts.get(e, 0) + self.remote.get(e, 0)
            for e in EMOJI
            if e in self.counts or e in self.remote
        }
        self.counts = {}
        self.remote = {}
        return counts


FEATURE: Feature[None] = Feature(
    "reactions",
    counted={
        "react": Counted(
            check,
            "Send a reaction emoji (counted, broadcast per second).",
            "react",
            {"emoji": OneOf(EMOJI)},
        )
    },
    errors={"reaction.unknown": "The reaction is not one of the room's emoji."},
    transients={"reactions": "Transient: reaction counts over the last second."},
    snapshot=Snapshot("reactions", lambda room, viewer, now: list(EMOJI)),
    switch="reactions",
)
