"""`festival tz-check`: re-derive every session's UTC times from its stored wall time and zone.

After a tzdata update changes a country's rules, the organiser's wall time stays the truth and
the UTC instants move. This lists what moved and, with ``apply``, writes it (bumping the
revision so calendar clients see a new SEQUENCE).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from festival import db as dbmod
from festival import migrate
from festival.models import FestivalSession
from festival.stores import programme
from scheduling import tz
from scheduling.errors import SchedulingError


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

    def lines(self) -> list[str]:
        out = [
            f"MOVED {m.uid} {m.title!r}: {m.wall:%Y-%m-%d %H:%M} {m.zone} was "
            f"{m.old_utc:%Y-%m-%d %H:%M} UTC, now {m.new_utc:%Y-%m-%d %H:%M} UTC"
            for m in self.moved
        ]
        return out + [f"ERROR {e}" for e in self.errors]

    def summary(self, applied: bool) -> str:
        verb = "updated" if applied else "would move (run with --apply to write)"
        return (
            f"tzdata {tz.TZDATA_VERSION}: checked {self.checked} sessions; "
            f"{len(self.moved)} {verb}; {len(self.errors)} need an organiser's decision"
        )


def recheck(row: FestivalSession, report: TzCheckReport) -> Moved | None:
    try:
        _zone, _fold, starts, _ends = programme.derive_utc(
            row.local_start, row.tz_name, row.duration_minutes, row.fold
        )
    except SchedulingError as exc:
        report.errors.append(f"{row.uid} {row.title!r}: {exc.message}")
        return None
    if starts != row.starts_at_utc:
        return Moved(row.uid, row.title, row.tz_name, row.local_start, row.starts_at_utc, starts)
    return None


async def run(database_url: str, apply: bool = False) -> TzCheckReport:
    engine = dbmod.make_engine(database_url)
    report = TzCheckReport()
    try:
        await migrate.ensure_migrated(engine)
        async with dbmod.session_scope(dbmod.make_sessionmaker(engine)) as db:
            for row in await programme.all_session_rows(db):
                report.checked += 1
                moved = recheck(row, report)
                if moved is None:
                    continue
                report.moved.append(moved)
                if apply:
                    await programme.update_session(db, row, now=datetime.now(UTC))
    finally:
        await engine.dispose()
    return report
