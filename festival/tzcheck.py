"""`festival tz-check`: re-derive every session's UTC times from its stored wall time and zone.

After a tzdata update changes a country's rules, the organiser's wall time stays the truth and
the UTC instants move. This lists what moved and, with ``apply``, writes it (bumping the
revision so calendar clients see a new SEQUENCE). Every app start runs the same check read-only
and warns when something is stale (``warn_when_stale``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from festival import db as dbmod
from festival import labels, migrate
from festival.models import FestivalSession
from festival.sessions import Actor, derive_time, update_session
from festival.stores import programme
from scheduling import tz
from scheduling.clock import Clock, SystemClock
from scheduling.errors import SchedulingError

log = logging.getLogger("festival.tzcheck")
#: How the change log names the re-derivations this writes.
TZ_CHECK = Actor(None, "festival tz-check")


@dataclass
class Moved:
    uid: str
    title: str
    zone: str
    wall: datetime
    old_utc: datetime
    new_utc: datetime


@dataclass
class TzCheckReport:
    checked: int = 0
    moved: list[Moved] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: The same as ``errors`` (which the command line prints, in English), as data for the admin
    #: page to say in its reader's language: (the session: uid and title, the error).
    problems: list[tuple[str, SchedulingError]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"MOVED {m.uid} {m.title!r}: {m.wall:%Y-%m-%d %H:%M} {m.zone} was "
            f"{m.old_utc:%Y-%m-%d %H:%M} UTC, now {m.new_utc:%Y-%m-%d %H:%M} UTC"
            for m in self.moved
        ]
        return out + [f"ERROR {e}" for e in self.errors]

    def summary(self, applied: bool) -> str:
        verb = "updated" if applied else "would move (run with --apply to write)"
        checked, errors = self.checked, len(self.errors)
        return (
            f"tzdata {tz.TZDATA_VERSION}: checked {checked} "
            f"{labels.plural(checked, 'session', 'sessions')}; {len(self.moved)} {verb}; "
            f"{errors} {labels.plural(errors, 'needs', 'need')} an organiser's decision"
        )


def recheck(row: FestivalSession, report: TzCheckReport) -> Moved | None:
    try:
        starts = derive_time(
            row.local_start, row.tz_name, row.duration_minutes, row.fold
        ).starts_at_utc
    except SchedulingError as exc:
        report.errors.append(f"{row.uid} {row.title!r}: {exc.message}")
        report.problems.append((f"{row.uid} {row.title!r}", exc))
        return None
    if starts != row.starts_at_utc:
        return Moved(row.uid, row.title, row.tz_name, row.local_start, row.starts_at_utc, starts)
    return None


async def check(db: AsyncSession, apply_with: Clock | None = None) -> TzCheckReport:
    """Re-derive every session; with a clock, write the ones that moved at its "now"."""
    report = TzCheckReport()
    for row in await programme.all_session_rows(db):
        report.checked += 1
        moved = recheck(row, report)
        if moved is None:
            continue
        report.moved.append(moved)
        if apply_with is not None:
            await update_session(db, row, apply_with, TZ_CHECK)
    return report


async def run(database_url: str, apply: bool = False, clock: Clock | None = None) -> TzCheckReport:
    """``festival tz-check``; with ``apply``, writes at ``clock``'s "now" (the system's by
    default, as for ``create_app``: this is where a command starts)."""
    engine = dbmod.make_engine(database_url)
    try:
        await migrate.ensure_migrated(engine)
        async with dbmod.session_scope(dbmod.make_sessionmaker(engine)) as db:
            return await check(db, (clock or SystemClock()) if apply else None)
    finally:
        await engine.dispose()


async def warn_when_stale(sessions: async_sessionmaker[AsyncSession]) -> TzCheckReport:
    """At startup: warn when stored UTC instants disagree with this process's tzdata.

    Servers with another tzdata would otherwise write other wall times under the same SEQUENCE;
    ``festival tz-check --apply`` re-derives and bumps them. Nothing is written here.
    """
    async with sessions() as db:
        report = await check(db)
    if report.moved or report.errors:
        log.warning(
            "tzdata %s: %d of %d sessions have stored UTC times this tz database puts elsewhere "
            "and %d have a wall time that no longer exists; run `festival tz-check` to list "
            "them (--apply writes the new times)",
            tz.TZDATA_VERSION,
            len(report.moved),
            report.checked,
            len(report.errors),
        )
    return report
