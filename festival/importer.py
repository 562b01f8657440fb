"""The database side of .ics import: preview against the database, then save all or nothing.

``scheduling.ics_import`` reads the file; here each proposed session gets its stable uid (uuid5 of
the organisation and the event's UID, so importing the same file twice finds the sessions it
already made), is checked against the database, and is saved as a draft in one transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival import labels, sessions
from festival.errors import BadRequestError
from festival.i18n import gettext as _
from festival.models import CalendarImport, Edition, FestivalSession, Organisation
from festival.stores import programme as store
from scheduling import ics_import, tz
from scheduling.clock import FixedClock
from scheduling.ics_import import IcsImportError, ImportPlan, ProposedSession, SkippedEvent
from scheduling.vocabulary import SessionStatus

Progress = Callable[[str, int, int], None]  # (phase, done, total)
#: How the change log names the sessions ``festival import-ics`` makes.
COMMAND = sessions.Actor(None, "festival import-ics")


@dataclass(frozen=True)
class ImportPreview:
    """What an import would create, for one edition and organisation."""

    edition: Edition
    organisation: Organisation
    sessions: tuple[tuple[str, ProposedSession], ...]  # (session uid, proposal)
    skipped: tuple[SkippedEvent, ...]
    events: int

    @property
    def can_apply(self) -> bool:
        return bool(self.sessions)


def imported_uid(organisation: Organisation, source_uid: str) -> str:
    return sessions.session_uid(f"ics:{organisation.slug}:{source_uid}")


async def _existing_uids(db: AsyncSession, uids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(uids), 500):  # keep IN lists short for every backend
        chunk = uids[start : start + 500]
        result = await db.execute(
            select(col(FestivalSession.uid)).where(col(FestivalSession.uid).in_(chunk))
        )
        found |= {uid for (uid,) in result.all()}
    return found


async def preview_import(
    db: AsyncSession,
    data: bytes,
    edition: Edition,
    organisation: Organisation,
    language: str = "en",
    progress: Progress | None = None,
) -> ImportPreview:
    """Read the file and say what would be created; nothing is written.

    Raises ``scheduling.ics_import.IcsImportError`` for a file that cannot be imported at all.
    """
    report = None if progress is None else (lambda done, total: progress("read", done, total))
    plan: ImportPlan = ics_import.plan_import(
        data,
        organisation.tz_name,
        edition.days,
        default_languages=(language,),
        progress=report,
    )
    pairs = [(imported_uid(organisation, p.source_uid), p) for p in plan.sessions]
    existing = await _existing_uids(db, [uid for uid, _ in pairs])
    skipped = list(plan.skipped)
    to_create: list[tuple[str, ProposedSession]] = []
    for uid, proposal in pairs:
        if uid in existing:
            skipped.append(
                SkippedEvent(
                    proposal.index,
                    proposal.source_uid,
                    proposal.title,
                    ics_import.ALREADY_IMPORTED,
                    f"it was imported before (session {uid}); edit that session instead",
                    params={"uid": uid},
                )
            )
        else:
            to_create.append((uid, proposal))
    skipped.sort(key=lambda s: s.index)
    return ImportPreview(edition, organisation, tuple(to_create), tuple(skipped), plan.events)


def needing_choice(preview: ImportPreview) -> list[ProposedSession]:
    """The proposals whose start happens twice: the organiser must say which occurrence."""
    return [proposal for _uid, proposal in preview.sessions if proposal.needs_choice]


def check_choices(preview: ImportPreview, folds: Mapping[int, int]) -> dict[int, str]:
    """What is wrong with the occurrences chosen (``folds``: by event index), by event index."""
    problems: dict[int, str] = {}
    for proposal in needing_choice(preview):
        fold = folds.get(proposal.index)
        if fold is None:
            problems[proposal.index] = _(
                "%(time)s happens twice in %(zone)s that night: choose which one you mean.",
                time=proposal.local_start.strftime("%H:%M"),
                zone=proposal.tz_name,
            )
            continue
        try:
            ics_import.choose_occurrence(proposal, fold)
        except IcsImportError as exc:
            problems[proposal.index] = exc.message
    return problems


def set_aside_unchosen(preview: ImportPreview) -> ImportPreview:
    """The preview without the proposals that need a choice (where nobody can make it: the
    command line), each left out with its reason."""
    unchosen = {p.index for p in needing_choice(preview)}
    if not unchosen:
        return preview
    kept = tuple(pair for pair in preview.sessions if pair[1].index not in unchosen)
    skipped = list(preview.skipped) + [
        SkippedEvent(
            p.index,
            p.source_uid,
            p.title,
            ics_import.AMBIGUOUS_TIME,
            f"its start {p.local_start:%Y-%m-%d %H:%M} happens twice in {p.tz_name}: choose the "
            "occurrence on the admin import page (/admin/import)",
            params={"start": f"{p.local_start:%Y-%m-%d %H:%M}", "zone": p.tz_name},
        )
        for _uid, p in preview.sessions
        if p.index in unchosen
    ]
    skipped.sort(key=lambda s: s.index)
    return dataclasses.replace(preview, sessions=kept, skipped=tuple(skipped))


def _input(proposal: ProposedSession) -> sessions.SessionInput:
    return sessions.SessionInput(
        title=proposal.title,
        local_start=proposal.local_start,
        tz_name=proposal.tz_name,
        duration_minutes=proposal.duration_minutes,
        kind=proposal.kind,
        summary=proposal.summary,
        languages=proposal.languages,
        join_url=proposal.join_url,
        status=SessionStatus.DRAFT.value,
        fold=proposal.fold,
        starts_at_utc=proposal.starts_at_utc,  # derived once, by the preview
    )


async def claim_import(db: AsyncSession, token: str, now: datetime) -> bool:
    """Mark the pending import ``token`` as applied at ``now``; False if it already was.

    The first statement of the confirming transaction, so that concurrent confirmations take
    turns: PostgreSQL makes the others wait on the row, SQLite on its write lock, and then they
    find it applied. If the import fails, the rollback takes the mark back with it.
    """
    result: Any = await db.execute(
        update(CalendarImport)
        .where(col(CalendarImport.token) == token)
        .where(col(CalendarImport.applied_at_utc).is_(None))
        .values(applied_at_utc=now)
    )
    return bool(result.rowcount)


async def apply_import(
    db: AsyncSession,
    preview: ImportPreview,
    now: datetime,
    progress: Progress | None = None,
    actor: sessions.Actor = sessions.SYSTEM,
    folds: Mapping[int, int] | None = None,
) -> list[str]:
    """Create every previewed session as a draft, in the caller's transaction.

    Any failure raises before the caller commits, so nothing is saved half-way; the caller
    runs this inside ``festival.db.session_scope`` (commit on success, rollback on error).
    Every session it makes is made at ``now``, the one instant of the import, by ``actor``.
    A start that happens twice takes the occurrence ``folds`` gives for its event (by index);
    without one nothing is saved (``check_choices`` says so first).
    """
    if not preview.can_apply:
        raise BadRequestError(_("There is nothing to import in this file."), "import.nothing")
    problems = check_choices(preview, folds or {})
    if problems:
        index, problem = min(problems.items())
        raise BadRequestError(
            _("Event %(index)s: %(problem)s", index=index, problem=problem),
            "import.occurrence_needed",
        )
    created: list[str] = []
    total = len(preview.sessions)
    clock = FixedClock(now)
    for done, (uid, proposal) in enumerate(preview.sessions, start=1):
        if proposal.needs_choice:
            proposal = ics_import.choose_occurrence(proposal, (folds or {})[proposal.index])
        await sessions.create_session(
            db, preview.edition, preview.organisation, _input(proposal), clock, uid, actor
        )
        created.append(uid)
        if progress is not None:
            progress("save", done, total)
    return created


async def imported_sessions(
    db: AsyncSession, data: bytes, edition: Edition, organisation: Organisation, language: str
) -> list[tuple[str, str]]:
    """(uid, title) of the sessions an applied import made (found again from its file)."""
    plan = ics_import.plan_import(data, organisation.tz_name, edition.days, (language,))
    uids = [imported_uid(organisation, p.source_uid) for p in plan.sessions]
    found: list[tuple[str, str]] = []
    for start in range(0, len(uids), 500):
        result = await db.execute(
            select(col(FestivalSession.uid), col(FestivalSession.title))
            .where(col(FestivalSession.uid).in_(uids[start : start + 500]))
            .order_by(col(FestivalSession.starts_at_utc))
        )
        found += [(uid, title) for uid, title in result.all()]
    return found


# -- the command line -------------------------------------------------------------------------

#: ``festival import-ics`` exit status (its --help and the README say the same; 2 is a usage or
#: configuration error, decided by festival.cli).
IMPORTED_ALL, IMPORTED_NOTHING, IMPORTED_SOME = 0, 1, 3


def exit_status(preview: ImportPreview) -> int:
    """What the import did (or, in a dry run, would do): all, nothing, or some left out."""
    if not preview.can_apply:
        return IMPORTED_NOTHING
    return IMPORTED_SOME if preview.skipped else IMPORTED_ALL


class ProgressPrinter:
    """Progress lines for large files: every ``step`` events and at the end of each phase."""

    def __init__(self, write: Callable[[str], None], step: int = 100) -> None:
        self.write = write
        self.step = step

    def __call__(self, phase: str, done: int, total: int) -> None:
        if done == total or done % self.step == 0:
            verb = "read" if phase == "read" else "saved"
            self.write(f"  {verb} {done}/{total} {'events' if phase == 'read' else 'sessions'}")


def describe(preview: ImportPreview) -> list[str]:
    """The preview as lines of text (the CLI's version of the preview page)."""
    events = labels.plural(preview.events, "event", "events")
    lines = [
        f"{preview.events} {events} in the file: {len(preview.sessions)} to import as drafts of "
        f"{preview.organisation.name} ({preview.organisation.tz_name}) in "
        f"{preview.edition.name}, {len(preview.skipped)} left out."
    ]
    for _uid, p in preview.sessions:
        local = p.starts_at_utc.astimezone(tz.zone(p.tz_name))
        lines.append(
            f"  + #{p.index} {p.title}: {local:%Y-%m-%d %H:%M} {tz.utc_offset_label(local)} "
            f"({p.tz_name}), {p.duration_minutes} min"
            + (f" [{'; '.join(p.notes)}]" if p.notes else "")
        )
    for s in preview.skipped:
        lines.append(f"  - #{s.index} {s.title or s.source_uid}: {s.reason} ({s.code})")
    return lines


async def import_file(
    database_url: str,
    data: bytes,
    organisation_slug: str,
    edition_slug: str,
    language: str,
    apply: bool,
    write: Callable[[str], None],
    now: datetime,
) -> int:
    """``festival import-ics``: preview, then (unless ``apply`` is False) save all or nothing."""
    from festival import db as dbmod
    from festival import migrate

    engine = dbmod.make_engine(database_url)
    try:
        await migrate.ensure_migrated(engine)
        maker = dbmod.make_sessionmaker(engine)
        progress = ProgressPrinter(write)
        async with dbmod.session_scope(maker) as db:
            edition = await store.get_edition(db, edition_slug)
            organisation = await store.get_organisation(db, organisation_slug)
            write(f"reading {len(data)} bytes")
            preview = await preview_import(db, data, edition, organisation, language, progress)
            # Nobody at the command line can say which occurrence of a time that happens
            # twice is meant: those events wait for the admin import page.
            preview = set_aside_unchosen(preview)
            for line in describe(preview):
                write(line)
            if not apply:
                write("dry run: nothing was saved")
                return exit_status(preview)
            if not preview.can_apply:
                write("nothing to import")
                return exit_status(preview)
            created = await apply_import(db, preview, now, progress, COMMAND)
        count = len(created)
        write(f"imported {count} draft {labels.plural(count, 'session', 'sessions')}")
        return exit_status(preview)
    finally:
        await engine.dispose()
