"""The scheduling core's view of a session: a plain immutable value, no database in sight."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scheduling import tz
from scheduling.vocabulary import Audience, SessionStatus


@dataclass(frozen=True)
class Slot:
    """A programme session as the scheduling core sees it.

    ``local_start`` is the organiser's naive wall time in ``tz_name`` as entered; ``starts_at_utc``
    and ``ends_at_utc`` are aware UTC datetimes derived from it by :func:`scheduling.tz.to_utc`.
    """

    uid: str
    title: str
    kind: str
    tz_name: str
    local_start: datetime
    duration_minutes: int
    starts_at_utc: datetime
    ends_at_utc: datetime
    organisation_slug: str
    organisation_name: str
    country: str
    id: int = 0
    edition_slug: str = ""
    summary: str = ""
    languages: tuple[str, ...] = ()
    audience: str = Audience.EVERYONE.value
    sdgs: tuple[int, ...] = ()
    hosts: tuple[str, ...] = ()
    stream: str = ""
    join_url: str = ""
    capacity: int | None = None
    status: str = SessionStatus.PUBLISHED.value
    revision: int = 1
    updated_at_utc: datetime | None = None
    cancelled_at_utc: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for name in ("starts_at_utc", "ends_at_utc"):
            if getattr(self, name).tzinfo is None:
                raise ValueError(f"Slot.{name} must be timezone-aware")
        if self.local_start.tzinfo is not None:
            raise ValueError("Slot.local_start is the naive wall time as entered")

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    def is_live(self, now: datetime) -> bool:
        return self.starts_at_utc <= now < self.ends_at_utc

    def local_start_aware(self) -> datetime:
        """The start in the organiser's own zone (aware)."""
        return tz.localize(self.starts_at_utc, self.tz_name)

    def overlaps(self, other: Slot) -> bool:
        return self.starts_at_utc < other.ends_at_utc and other.starts_at_utc < self.ends_at_utc
