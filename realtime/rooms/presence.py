"""Presence: how many people are in the room (exact), and who (for moderators).

People are counted once however many tabs they have open. With several workers, each reports
the people it holds (:meth:`Presence.report`) and learns the room's count and names across
workers (:meth:`Presence.shared`); until then the count is this process's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NotRequired, TypedDict

from realtime.identity import Identity
from realtime.rooms.feature import Feature

#: Moderators see at most this many names (the count is always exact).
WHO_LIMIT = 500


class PersonView(TypedDict):
    """Someone in the room, as moderators see them."""

    id: str
    name: str
    moderator: bool


class PresenceView(TypedDict):
    """How many are in the room, and (for moderators) who."""

    count: int
    who: NotRequired[list[PersonView]]


def describe(identity: Identity) -> str:
    """How a person is reported to the other workers: moderator flag, then the name."""
    return ("1" if identity.moderator else "0") + identity.name


@dataclass(slots=True)
class Presence:
    people: dict[str, tuple[Identity, int]] = field(default_factory=dict)
    changed: bool = False
    #: The room's count across every worker, once known (None: this process is all there is).
    total: int | None = None
    #: Up to WHO_LIMIT people across every worker (id -> describe()), once known.
    everyone: dict[str, str] | None = None
    #: What was last reported to the other workers (id -> describe()).
    reported: dict[str, str] = field(default_factory=dict)
    unreported: bool = False

    def join(self, identity: Identity) -> None:
        known = self.people.get(identity.id)
        tabs = known[1] if known else 0
        self.people[identity.id] = (identity, tabs + 1)
        self.changed = self.changed or known is None or known[0] != identity
        self.unreported = self.unreported or known is None or known[0] != identity

    def leave(self, identity: Identity) -> None:
        known = self.people.get(identity.id)
        if known is None:
            return
        if known[1] <= 1:
            del self.people[identity.id]
            self.changed = True
            self.unreported = True
        else:
            self.people[identity.id] = (known[0], known[1] - 1)

    @property
    def count(self) -> int:
        return len(self.people) if self.total is None else self.total

    def report(self) -> tuple[dict[str, str], list[str]]:
        """Who arrived (id -> describe()) and who left here since the last report."""
        if not self.unreported:
            return {}, []
        self.unreported = False
        current = {key: describe(identity) for key, (identity, _) in self.people.items()}
        arrived = {key: info for key, info in current.items() if self.reported.get(key) != info}
        left = [key for key in self.reported if key not in current]
        self.reported = current
        return arrived, left

    def report_failed(self) -> None:
        """The last report did not arrive: report everyone again next time."""
        self.reported = {}
        self.unreported = True

    def shared(self, total: int, everyone: dict[str, str] | None) -> None:
        """The room across every worker: its count, and (for moderators) who is there."""
        if total != self.total or (everyone is not None and everyone != self.everyone):
            self.changed = True
        self.total = total
        if everyone is not None:
            self.everyone = everyone

    def name_of(self, identity_id: str) -> str | None:
        known = self.people.get(identity_id)
        return known[0].name if known else None

    def who(self) -> list[PersonView]:
        if self.everyone is not None and self.total is not None:
            found: list[PersonView] = [
                {"id": key, "name": info[1:], "moderator": info[:1] == "1"}
                for key, info in self.everyone.items()
            ]
            found.sort(key=lambda p: (p["name"].casefold(), p["id"]))
            return found[:WHO_LIMIT]
        people = sorted(self.people.values(), key=lambda p: (p[0].name.casefold(), p[0].id))
        return [
            {"id": i.id, "name": i.name, "moderator": i.moderator} for i, _ in people[:WHO_LIMIT]
        ]

    def view(self, moderator: bool) -> PresenceView:
        if moderator:
            return {"count": self.count, "who": self.who()}
        return {"count": self.count}

    def take_change(self) -> bool:
        changed, self.changed = self.changed, False
        return changed


#: Presence lives with each process's connections (:class:`Presence`), not in the room's log.
FEATURE: Feature[None] = Feature(
    "presence",
    transients={"presence": "Transient: how many are in the room (moderators also get who)."},
)
