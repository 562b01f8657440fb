"""Session rules: what may be entered for a session, the UTC it means, creating and changing it.

The one home for them, whoever enters a session (the demo, an .ics import, the session editor):
fields are checked against ``scheduling.vocabulary``; the organiser's wall time and zone are the
truth and ``scheduling.tz`` derives UTC from them (an import that already has the instant hands
it over instead of deriving it a second time); every change bumps the revision, so calendars
see a new SEQUENCE; and "now" comes from the caller's injected ``Clock``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from festival.errors import BadRequestError
from festival.models import Edition, FestivalSession, Organisation
from scheduling import tz, vocabulary
from scheduling.clock import Clock
from scheduling.vocabulary import Audience, SessionKind, SessionStatus

#: Namespace for deterministic session UIDs (uuid5 of a natural key), so the same session keeps
#: the same iCalendar UID on every host.
UID_NAMESPACE = uuid.UUID("6f1b6f0e-5a4e-4c39-9d8e-24012027a11e")
MAX_TITLE = 200
MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 24 * 60


def session_uid(natural_key: str) -> str:
    """The stable UID of the session with this natural key (``<edition>/<org>/<n>``, ...)."""
    return str(uuid.uuid5(UID_NAMESPACE, natural_key))


@dataclass(frozen=True)
class SessionInput:
    """What an organiser (or the demo, or an import) enters for a session."""

    title: str
    local_start: datetime  # naive wall time in tz_name
    tz_name: str
    duration_minutes: int
    kind: str = SessionKind.OTHER.value
    summary: str = ""
    languages: tuple[str, ...] = ("en",)
    audience: str = Audience.EVERYONE.value
    sdgs: tuple[int, ...] = ()
    hosts: tuple[str, ...] = ()
    stream: str = ""
    join_url: str = ""
    capacity: int | None = None
    status: str = SessionStatus.PUBLISHED.value
    fold: int | None = None
    #: The instant ``local_start`` means, when the caller already has it from ``scheduling.tz``
    #: (an import's preview): kept as is, after checking that it shows ``local_start``.
    starts_at_utc: datetime | None = None


@dataclass(frozen=True)
class SessionTime:
    """When a session happens: the wall time and zone as entered, and the UTC they mean."""

    tz_name: str  # canonical
    local_start: datetime  # naive
    fold: int
    starts_at_utc: datetime
    ends_at_utc: datetime


def validate_input(data: SessionInput) -> None:
    """Field checks that are not about time (time is checked by scheduling.tz)."""
    problems: list[str] = []
    if not data.title.strip():
        problems.append("a title is required")
    if len(data.title) > MAX_TITLE:
        problems.append(f"the title is longer than {MAX_TITLE} characters")
    if not MIN_DURATION_MINUTES <= data.duration_minutes <= MAX_DURATION_MINUTES:
        problems.append("the duration must be between 5 minutes and 24 hours")
    if data.kind not in vocabulary.KINDS:
        problems.append(f"unknown kind {data.kind!r}")
    if data.audience not in vocabulary.AUDIENCES:
        problems.append(f"unknown audience {data.audience!r}")
    if data.status not in vocabulary.STATUSES:
        problems.append(f"unknown status {data.status!r}")
    if any(sdg not in vocabulary.SDGS for sdg in data.sdgs):
        problems.append("SDG tags are numbers from 1 to 17")
    if data.capacity is not None and data.capacity < 1:
        problems.append("capacity must be at least 1")
    if problems:
        raise BadRequestError("; ".join(problems).capitalize() + ".", "session.invalid")


def derive_time(
    local_start: datetime, tz_name: str, duration_minutes: int, fold: int | None
) -> SessionTime:
    """The UTC an entered wall time means (``scheduling.tz`` refuses gaps and unsaid folds)."""
    zone_name = tz.canonical_name(tz_name)
    starts = tz.to_utc(local_start, zone_name, fold)
    ends = starts + timedelta(minutes=duration_minutes)
    return SessionTime(zone_name, local_start, fold or 0, starts, ends)


def session_time(data: SessionInput) -> SessionTime:
    """The time of ``data``: derived from its wall time, or the instant it brings, checked."""
    if data.starts_at_utc is None:
        return derive_time(data.local_start, data.tz_name, data.duration_minutes, data.fold)
    zone_name = tz.canonical_name(data.tz_name)
    shown = tz.to_wall(data.starts_at_utc, zone_name)
    if (shown.replace(fold=0), shown.fold) != (data.local_start, data.fold or 0):
        raise BadRequestError(
            f"The start {data.starts_at_utc:%Y-%m-%d %H:%M} UTC is {shown:%Y-%m-%d %H:%M} "
            f"in {zone_name}, not the wall time given ({data.local_start:%Y-%m-%d %H:%M}).",
            "session.invalid",
        )
    starts = data.starts_at_utc
    ends = starts + timedelta(minutes=data.duration_minutes)
    return SessionTime(zone_name, data.local_start, shown.fold, starts, ends)


async def create_session(
    db: AsyncSession,
    edition: Edition,
    organisation: Organisation,
    data: SessionInput,
    clock: Clock,
    uid: str | None = None,
) -> FestivalSession:
    """Validate, derive UTC, and add a session (the caller commits)."""
    validate_input(data)
    when = session_time(data)
    moment = clock.now()
    row = FestivalSession(
        uid=uid or str(uuid.uuid4()),
        edition_id=edition.id,  # type: ignore[arg-type]
        organisation_id=organisation.id,  # type: ignore[arg-type]
        title=data.title.strip(),
        summary=data.summary,
        kind=data.kind,
        languages=list(data.languages),
        audience=data.audience,
        sdgs=list(data.sdgs),
        hosts=list(data.hosts),
        local_start=data.local_start,
        tz_name=when.tz_name,
        fold=when.fold,
        duration_minutes=data.duration_minutes,
        starts_at_utc=when.starts_at_utc,
        ends_at_utc=when.ends_at_utc,
        stream=data.stream,
        join_url=data.join_url,
        capacity=data.capacity,
        status=data.status,
        revision=1,
        created_at_utc=moment,
        updated_at_utc=moment,
        cancelled_at_utc=moment if data.status == SessionStatus.CANCELLED else None,
    )
    db.add(row)
    await db.flush()
    return row


async def update_session(
    db: AsyncSession, row: FestivalSession, clock: Clock, **changes: Any
) -> FestivalSession:
    """Apply changes, re-derive UTC from the wall time, and bump the revision."""
    moment = clock.now()
    for key, value in changes.items():
        if not hasattr(row, key):
            raise BadRequestError(f"unknown session field {key!r}", "session.invalid")
        setattr(row, key, list(value) if isinstance(value, tuple) else value)
    when = derive_time(
        row.local_start, row.tz_name, row.duration_minutes, changes.get("fold", row.fold)
    )
    row.tz_name, row.fold = when.tz_name, when.fold
    row.starts_at_utc, row.ends_at_utc = when.starts_at_utc, when.ends_at_utc
    if changes.get("status") == SessionStatus.CANCELLED and row.cancelled_at_utc is None:
        row.cancelled_at_utc = moment
    row.revision += 1
    row.updated_at_utc = moment
    db.add(row)
    await db.flush()
    return row
