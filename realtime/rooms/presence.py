"""Presence: how many people are in the room (exact), and who (for moderators).

People are counted once however many tabs they have open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from realtime.identity import Identity

#: Moderators see at most this many names (the count is always exact).
WHO_LIMIT = 500


@dataclass(slots=True)
class Presence:
    people: dict[str, tuple[Identity, int]] = field(default_factory=dict)
    changed: bool = False

    def join(self, identity: Identity) -> None:
        known = self.people.get(identity.id)
        tabs = known[1] if known else 0
        self.people[identity.id] = (identity, tabs + 1)
        self.changed = self.changed or known is None or known[0] != identity

    def leave(self, identity: Identity) -> None:
        known = self.people.get(identity.id)
        if known is None:
            return
        if known[1] <= 1:
            del self.people[identity.id]
            self.changed = True
        else:
            self.people[identity.id] = (known[0], known[1] - 1)

    @property
    def count(self) -> int:
        return len(self.people)

    def name_of(self, identity_id: str) -> str | None:
        known = self.people.get(identity_id)
        return known[0].name if known else None

    def who(self) -> list[dict[str, Any]]:
        people = sorted(self.people.values(), key=lambda p: (p[0].name.casefold(), p[0].id))
        return [
            {"id": i.id, "name": i.name, "moderator": i.moderator} for i, _ in people[:WHO_LIMIT]
        ]

    def view(self, moderator: bool) -> dict[str, Any]:
        if moderator:
            return {"count": self.count, "who": self.who()}
        return {"count": self.count}

    def take_change(self) -> bool:
        changed, self.changed = self.changed, False
        return changed
