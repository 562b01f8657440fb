"""Session rules: what may be entered for a session, the UTC it means, creating and changing it.

The one home for them, whoever enters a session (the demo, an .ics import, the session editor):
fields are checked against ``scheduling.vocabulary``; the organiser's wall time and zone are the
truth and ``scheduling.tz`` derives UTC from them (an import that already has the instant hands
it over instead of deriving it a second time); every change bumps the revision, so calendars
see a new SEQUENCE, and is recorded (``session_change``: who, when, what) in the same
transaction; and "now" comes from the caller's injected ``Clock``.

The workflow: draft -> submitted (for review) -> published (by an admin, or directly by the
organisers of a trusted organisation) -> cancelled. Drafts and submitted sessions are their
organisers' and the admins' only; published and cancelled ones are public
(``scheduling.vocabulary.PUBLIC_STATUSES``). A change of time or status of a public session is
a *notice*: attendees are told the session was updated.
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from festival.auth.account import Account
from festival.errors import BadRequestError
from festival.i18n import gettext as _
from festival.models import Edition, FestivalSession, Organisation, SessionChange
from scheduling import tz, vocabulary
from scheduling.clock import Clock
from scheduling.vocabulary import Audience, SessionKind, SessionStatus

#: Namespace for deterministic session UIDs (uuid5 of a natural key), so the same session keeps
#: the same iCalendar UID on every host.
UID_NAMESPACE = uuid.UUID("6f1b6f0e-5a4e-4c39-9d8e-24012027a11e")
MAX_TITLE = 200
MAX_SUMMARY = 5000
MAX_HOSTS = 20
MAX_STREAM = 120
MAX_JOIN_URL = 2000
MAX_CAPACITY = 1_000_000
MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 24 * 60
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+\S*", re.IGNORECASE)


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


@dataclass(frozen=True)
class Actor:
    """Who makes a change, as the change log records it: an account, or a command."""

    account_id: int | None
    label: str  # the account's email address, or what ran ("festival tz-check")

    @classmethod
    def of(cls, account: Account) -> Actor:
        """The signed-in person (the ADMIN_PASSWORD admin has no account id)."""
        return cls(account.id, account.email or account.name)


#: Changes made by the code itself (a script, a test) rather than by someone.
SYSTEM = Actor(None, "festival")


class Action(enum.StrEnum):
    """What a change did, as the change log says it."""

    CREATED = "created"
    EDITED = "edited"
    SUBMITTED = "submitted"  # sent for review
    WITHDRAWN = "withdrawn"  # back to draft
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    RETIMED = "retimed"  # new tz rules moved the instant of the same wall time (tz-check)


_STATUS_ACTIONS: dict[str, Action] = {
    SessionStatus.DRAFT: Action.WITHDRAWN,
    SessionStatus.SUBMITTED: Action.SUBMITTED,
    SessionStatus.PUBLISHED: Action.PUBLISHED,
    SessionStatus.CANCELLED: Action.CANCELLED,
}
#: The fields the change log follows (the row's own columns, as the organiser sees them).
TRACKED: tuple[str, ...] = (
    "edition_id",
    "organisation_id",
    "title",
    "summary",
    "kind",
    "languages",
    "audience",
    "sdgs",
    "hosts",
    "local_start",
    "tz_name",
    "fold",
    "duration_minutes",
    "starts_at_utc",
    "ends_at_utc",
    "stream",
    "join_url",
    "capacity",
    "status",
)
#: Derived from the wall time and zone, never set directly.
DERIVED = frozenset({"starts_at_utc", "ends_at_utc"})
#: A change of any of these to a public session is shown to attendees as "updated".
NOTICE_FIELDS = DERIVED | {"status"}


def field_problems(data: SessionInput) -> dict[str, str]:
    """What is wrong with each field that is not about time (time is checked by scheduling.tz),
    by field name, in the order of the form (the first problem of a field only)."""
    bad_link = bool(data.join_url) and (
        len(data.join_url) > MAX_JOIN_URL or not _WEB_ADDRESS.fullmatch(data.join_url)
    )
    checks: list[tuple[str, bool, str]] = [
        ("title", not data.title.strip(), _("a title is required")),
        (
            "title",
            len(data.title) > MAX_TITLE,
            _("the title is longer than %(num)s characters", num=MAX_TITLE),
        ),
        (
            "summary",
            len(data.summary) > MAX_SUMMARY,
            _("the description is longer than %(num)s characters", num=MAX_SUMMARY),
        ),
        (
            "kind",
            data.kind not in vocabulary.KINDS,
            _("unknown kind %(kind)s", kind=repr(data.kind)),
        ),
        (
            "languages",
            not data.languages or any(not _LANGUAGE.fullmatch(c) for c in data.languages),
            _("give languages as two- or three-letter codes such as en, fr, sw"),
        ),
        (
            "audience",
            data.audience not in vocabulary.AUDIENCES,
            _("unknown audience %(audience)s", audience=repr(data.audience)),
        ),
        (
            "sdgs",
            any(sdg not in vocabulary.SDGS for sdg in data.sdgs),
            _("SDG tags are numbers from 1 to 17"),
        ),
        (
            "hosts",
            len(data.hosts) > MAX_HOSTS,
            _("a session has at most %(num)s hosts", num=MAX_HOSTS),
        ),
        (
            "duration_minutes",
            not MIN_DURATION_MINUTES <= data.duration_minutes <= MAX_DURATION_MINUTES,
            _("the duration must be between 5 minutes and 24 hours"),
        ),
        (
            "stream",
            len(data.stream) > MAX_STREAM,
            _("the stream name is longer than %(num)s characters", num=MAX_STREAM),
        ),
        (
            "join_url",
            bad_link,
            _("the join link must be a web address starting with https:// (or http://)"),
        ),
        (
            "capacity",
            data.capacity is not None and not 1 <= data.capacity <= MAX_CAPACITY,
            _("capacity must be at least 1"),
        ),
        (
            "status",
            data.status not in vocabulary.STATUSES,
            _("unknown status %(status)s", status=repr(data.status)),
        ),
    ]
    problems: dict[str, str] = {}
    for field, bad, message in checks:
        if bad and field not in problems:
            problems[field] = message
    return problems


def validate_input(data: SessionInput) -> None:
    """Field checks that are not about time, every problem at once in one refusal."""
    problems = field_problems(data)
    if problems:
        text = "; ".join(problems.values())
        raise BadRequestError(text[0].upper() + text[1:] + ".", "session.invalid")


def derive_time(
    local_start: datetime, tz_name: str, duration_minutes: int, fold: int | None
) -> SessionTime:
    """The UTC an entered wall time means (``scheduling.tz`` refuses gaps and unsaid folds).

    The fold is kept only where it means something: a wall time that happens once has fold 0
    whatever was said.
    """
    zone_name = tz.canonical_name(tz_name)
    starts = tz.to_utc(local_start, zone_name, fold)
    ends = starts + timedelta(minutes=duration_minutes)
    return SessionTime(zone_name, local_start, tz.to_wall(starts, zone_name).fold, starts, ends)


def session_time(data: SessionInput) -> SessionTime:
    """The time of ``data``: derived from its wall time, or the instant it brings, checked."""
    if data.starts_at_utc is None:
        return derive_time(data.local_start, data.tz_name, data.duration_minutes, data.fold)
    zone_name = tz.canonical_name(data.tz_name)
    shown = tz.to_wall(data.starts_at_utc, zone_name)
    if (shown.replace(fold=0), shown.fold) != (data.local_start, data.fold or 0):
        moment = "%Y-%m-%d %H:%M"
        raise BadRequestError(
            _(
                "The start %(utc)s UTC is %(shown)s in %(zone)s, not the wall time given "
                "(%(given)s).",
                utc=data.starts_at_utc.strftime(moment),
                shown=shown.strftime(moment),
                zone=zone_name,
                given=data.local_start.strftime(moment),
            ),
            "session.invalid",
        )
    starts = data.starts_at_utc
    ends = starts + timedelta(minutes=data.duration_minutes)
    return SessionTime(zone_name, data.local_start, shown.fold, starts, ends)


def input_of(row: FestivalSession) -> SessionInput:
    """What is entered for an existing session (the editor's starting point)."""
    return SessionInput(
        title=row.title,
        local_start=row.local_start,
        tz_name=row.tz_name,
        duration_minutes=row.duration_minutes,
        kind=row.kind,
        summary=row.summary,
        languages=tuple(row.languages),
        audience=row.audience,
        sdgs=tuple(row.sdgs),
        hosts=tuple(row.hosts),
        stream=row.stream,
        join_url=row.join_url,
        capacity=row.capacity,
        status=row.status,
        fold=row.fold,
    )


# -- the change log ---------------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def snapshot(row: FestivalSession) -> dict[str, Any]:
    """The tracked fields of a session as JSON values (how the change log stores them)."""
    return {name: _json(getattr(row, name)) for name in TRACKED}


def difference(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every tracked field that differs."""
    return {
        name: [before.get(name), after[name]] for name in TRACKED if before.get(name) != after[name]
    }


def _action(changes: dict[str, list[Any]]) -> Action:
    if "status" in changes:
        return _STATUS_ACTIONS[changes["status"][1]]
    if set(changes) <= DERIVED:
        return Action.RETIMED
    return Action.EDITED


def is_notice(status_before: str | None, changes: dict[str, list[Any]]) -> bool:
    """A change attendees are told about: the time or status of a session already public."""
    return status_before in vocabulary.PUBLIC_STATUSES and not NOTICE_FIELDS.isdisjoint(changes)


def _record(
    db: AsyncSession,
    row: FestivalSession,
    action: Action,
    actor: Actor,
    changes: dict[str, list[Any]],
    notice: bool,
    moment: datetime,
) -> None:
    assert row.id is not None
    db.add(
        SessionChange(
            session_id=row.id,
            revision=row.revision,
            at_utc=moment,
            account_id=actor.account_id,
            actor=actor.label[:254],
            action=action.value,
            changes=changes,
            notice=notice,
        )
    )


# -- create and change --------------------------------------------------------------------------


async def create_session(
    db: AsyncSession,
    edition: Edition,
    organisation: Organisation,
    data: SessionInput,
    clock: Clock,
    uid: str | None = None,
    actor: Actor = SYSTEM,
) -> FestivalSession:
    """Validate, derive UTC, add a session and its "created" record (the caller commits)."""
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
    _record(db, row, Action.CREATED, actor, difference({}, snapshot(row)), False, moment)
    return row


class SessionChangedError(BadRequestError):
    """Someone else saved the session since this change was prepared (optimistic locking)."""

    status_code = 409
    code = "session.changed"


async def update_session(
    db: AsyncSession,
    row: FestivalSession,
    clock: Clock,
    actor: Actor = SYSTEM,
    expected_revision: int | None = None,
    **changes: Any,
) -> FestivalSession:
    """Apply changes, check them, re-derive UTC from the wall time, bump the revision and
    record the change; nothing changes (no new revision) when the values are the same.

    ``expected_revision``: the revision the change was prepared from; another one means someone
    else saved in between, and SessionChangedError refuses rather than overwrite their change.
    """
    if expected_revision is not None and row.revision != expected_revision:
        raise SessionChangedError(
            _(
                "Someone else saved this session while you were editing it. "
                "Open it again to see their changes, then make yours."
            ),
        )
    unknown = [key for key in changes if key not in TRACKED or key in DERIVED]
    if unknown:
        raise BadRequestError(f"unknown session field {unknown[0]!r}", "session.invalid")
    before = snapshot(row)
    status_before = row.status
    for key, value in changes.items():
        setattr(row, key, list(value) if isinstance(value, tuple) else value)
    validate_input(input_of(row))
    when = derive_time(
        row.local_start, row.tz_name, row.duration_minutes, changes.get("fold", row.fold)
    )
    row.tz_name, row.fold = when.tz_name, when.fold
    row.starts_at_utc, row.ends_at_utc = when.starts_at_utc, when.ends_at_utc
    diff = difference(before, snapshot(row))
    if not diff:
        return row
    moment = clock.now()
    if row.status == SessionStatus.CANCELLED and row.cancelled_at_utc is None:
        row.cancelled_at_utc = moment
    elif row.status != SessionStatus.CANCELLED:
        row.cancelled_at_utc = None
    row.revision += 1
    row.updated_at_utc = moment
    db.add(row)
    await db.flush()
    _record(db, row, _action(diff), actor, diff, is_notice(status_before, diff), moment)
    return row
