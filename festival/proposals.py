"""The call for sessions: a new organisation proposes itself and its first session; an admin
accepts (the organisation, the session and its organiser's invitation are made at once) or
declines with a message.

The session's time is handled as in the session editor (festival/sessions.py: the organiser's
wall time and zone are the truth; a time in a DST gap is refused with the reason, a time that
happens twice asks which occurrence). Spam is kept out without any third party: a hidden field
that people never fill (:data:`HONEYPOT`) and a limit of :data:`MAX_PER_ADDRESS` proposals a
day per network address (festival/addresses.py decides the address behind trusted proxies).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival import editor, i18n, labels, mail, organisations, sessions, times
from festival.auth.account import Account
from festival.errors import FestivalError, NotFoundError
from festival.forms import MAX_TEXT, Fields, wall_time
from festival.i18n import current_locale
from festival.i18n import gettext as _
from festival.models import Edition, FestivalSession, Organisation
from festival.models.celebrations import CelebrationProposal
from festival.models.proposals import Proposal, ProposalStatus
from festival.settings import Settings
from festival.stores import accounts as accounts_store
from festival.stores import invitations
from scheduling import tz, vocabulary, window
from scheduling.clock import Clock
from scheduling.errors import AmbiguousTimeError, NonexistentTimeError
from scheduling.vocabulary import SessionStatus

#: Proposals one network address may send in :data:`LIMIT_WINDOW`.
MAX_PER_ADDRESS = 3
LIMIT_WINDOW = timedelta(hours=24)
#: A field hidden from people (CSS and aria-hidden) that form-filling robots fill in.
HONEYPOT = "website"
MAX_CONTACT_NAME = 120
MAX_DECLINE_MESSAGE = 2000


class ProposalLimitedError(FestivalError):
    status_code = 429
    code = "proposal.rate_limited"


class ProposalDecidedError(FestivalError):
    """Someone else accepted or declined it first."""

    status_code = 409
    code = "proposal.decided"


@dataclass(frozen=True)
class ProposalInput:
    """A complete, valid proposal."""

    organisation: organisations.OrganisationInput
    contact_name: str
    contact_email: str
    edition_id: int
    session: sessions.SessionInput
    starts_at_utc: datetime


@dataclass(frozen=True)
class Occurrence:
    """One of the two moments a wall time that happens twice means."""

    fold: int
    label: str  # "01:30 the first time (UTC−02:30, 04:00 UTC)"


@dataclass(frozen=True)
class Reading:
    """What a submitted form says: the proposal, or the problems (and, for a time that happens
    twice, the two occurrences to choose from)."""

    proposal: ProposalInput | None
    occurrences: tuple[Occurrence, ...] = ()


def open_editions(editions: list[Edition], now: datetime) -> list[Edition]:
    """The editions that can still take a session: their last day is not over everywhere on
    Earth (scheduling/window.py)."""
    return [e for e in editions if now < window.window_for(e.last_day).ends_at_utc]


def _occurrences(exc: AmbiguousTimeError) -> tuple[Occurrence, ...]:
    return tuple(
        Occurrence(
            fold,
            f"{moment:%H:%M} the {which} time ({tz.utc_offset_label(moment)}, "
            f"{tz.localize(moment, 'UTC'):%H:%M} UTC)",
        )
        for fold, which, moment in ((0, "first", exc.first), (1, "second", exc.second))
    )


def read_form(fields: Fields, editions: list[Edition]) -> Reading:
    """The proposal a submitted form describes, or the problems in ``fields.errors``."""
    org = organisations.read_form(fields, prefix="organisation_")
    contact_name = fields.text(
        "contact_name",
        required=_("Give your name, so that we know whom to write to."),
        max_length=MAX_CONTACT_NAME,
        label=_("Your name"),
    )
    contact_email = fields.values.get("contact_email", "")
    try:
        contact_email = accounts_store.check_email(contact_email)
    except accounts_store.InvalidEmailError as exc:
        fields.fail("contact_email", exc.message)
    by_slug = {edition.slug: edition for edition in editions}
    edition_slug = fields.choice("edition", by_slug, _("Choose the festival edition."))
    title = fields.text(
        "title",
        required=_("Give your session a title."),
        max_length=sessions.MAX_TITLE,
        label=_("The title"),
    )
    summary = fields.text("summary", max_length=MAX_TEXT, label=_("The description"))
    kind = fields.choice("kind", vocabulary.KINDS, _("Choose what kind of session it is."))
    language = fields.choice(
        "language", labels.LANGUAGE_NAMES, _("Choose the language the session is in.")
    )
    day = fields.date("date", _("Give the date of the session, such as 2027-01-24."))
    start = fields.clock("start", _("Give the start time in your time zone, such as 09:30."))
    minutes = fields.integer(
        "duration_minutes",
        sessions.MIN_DURATION_MINUTES,
        sessions.MAX_DURATION_MINUTES,
        _("Give the length in minutes, from 5 to 1440 (24 hours)."),
    )
    fold = fields.values.get("fold", "")
    edition = by_slug.get(edition_slug or "")
    if edition is not None and day is not None and not edition.first_day <= day <= edition.last_day:
        first, last = editor.long_date(edition.first_day), editor.long_date(edition.last_day)
        fields.fail(
            "date",
            _(
                "%(edition)s runs on %(first)s, in each organiser's own time zone: "
                "choose this day.",
                edition=edition.name,
                first=first,
            )
            if edition.first_day == edition.last_day
            else _(
                "%(edition)s runs from %(first)s to %(last)s, in each organiser's own time "
                "zone: choose one of its days.",
                edition=edition.name,
                first=first,
                last=last,
            ),
        )
    wall = wall_time(day, start)
    if org is None or wall is None or minutes is None:
        return Reading(None)
    try:
        when = sessions.derive_time(wall, org.tz_name, minutes, int(fold) if fold else None)
    except NonexistentTimeError as exc:
        # English keeps the scheduling core's own sentence; other languages the editor's.
        english = current_locale() == "en"
        fields.fail("start", exc.message if english else editor.gap_message(wall, org.tz_name, exc))
        return Reading(None)
    except AmbiguousTimeError as exc:
        fields.fail(
            "fold",
            _(
                "%(time)s happens twice that night in %(city)s, when the clocks go back: "
                "choose which one you mean.",
                time=wall.strftime("%H:%M"),
                city=times.city_name(org.tz_name),
            ),
        )
        return Reading(None, _occurrences(exc))
    if not fields.ok or edition is None or edition.id is None or kind is None or language is None:
        return Reading(None)
    session = sessions.SessionInput(
        title=title,
        local_start=wall,
        tz_name=org.tz_name,
        duration_minutes=minutes,
        kind=kind,
        summary=summary,
        languages=(language,),
        status=SessionStatus.DRAFT.value,
        fold=when.fold,
    )
    sessions.validate_input(session)  # the rules' own last word (nothing above should fail it)
    return Reading(
        ProposalInput(org, contact_name, contact_email, edition.id, session, when.starts_at_utc)
    )


# -- the store ------------------------------------------------------------------------------------


async def check_limit(db: AsyncSession, address_key: str, now: datetime) -> None:
    """ProposalLimitedError when this address sent :data:`MAX_PER_ADDRESS` proposals lately."""
    result = await db.execute(
        select(func.count())
        .select_from(Proposal)
        .where(
            col(Proposal.address_key) == address_key,
            col(Proposal.created_at_utc) > now - LIMIT_WINDOW,
        )
    )
    if int(result.scalar_one()) >= MAX_PER_ADDRESS:
        raise ProposalLimitedError(
            _(
                "%(count)s proposals have already been sent from your network today. "
                "Please wait a day, or write to the festival team.",
                count=MAX_PER_ADDRESS,
            )
        )


async def submit(
    db: AsyncSession, data: ProposalInput, address_key: str, now: datetime
) -> Proposal:
    """Store a proposal for review (the caller commits)."""
    row = Proposal(
        organisation_name=data.organisation.name,
        organisation_kind=data.organisation.kind,
        country=data.organisation.country,
        tz_name=data.organisation.tz_name,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        edition_id=data.edition_id,
        title=data.session.title,
        summary=data.session.summary,
        session_kind=data.session.kind,
        languages=list(data.session.languages),
        local_start=data.session.local_start,
        fold=data.session.fold or 0,
        duration_minutes=data.session.duration_minutes,
        starts_at_utc=data.starts_at_utc,
        contact_language=i18n.current_locale(),
        address_key=address_key,
        created_at_utc=now,
    )
    db.add(row)
    await db.flush()
    return row


#: What the review queue decides: a proposed session (here) or a proposed celebration
#: (festival/celebration_proposals.py); both are waited for, fetched and claimed the same way.
Decidable = TypeVar("Decidable", Proposal, CelebrationProposal)


async def waiting(db: AsyncSession, model: type[Decidable]) -> list[Decidable]:
    """Proposals of ``model`` waiting for a decision, oldest first."""
    result = await db.execute(
        select(model)
        .where(col(model.status) == ProposalStatus.PENDING.value)
        .order_by(col(model.created_at_utc), col(model.id))
    )
    return list(result.scalars())


async def fetch(db: AsyncSession, model: type[Decidable], proposal_id: int) -> Decidable:
    row = await db.get(model, proposal_id)
    if row is None:
        raise NotFoundError(_("There is no proposal %(id)s.", id=proposal_id), "proposal.not_found")
    return row


async def pending(db: AsyncSession) -> list[Proposal]:
    """Proposals waiting for a decision, oldest first."""
    return await waiting(db, Proposal)


async def get(db: AsyncSession, proposal_id: int) -> Proposal:
    return await fetch(db, Proposal, proposal_id)


async def made_from(
    db: AsyncSession, row: Proposal
) -> tuple[Organisation | None, FestivalSession | None]:
    """The organisation and the session accepting the proposal made (if they still exist)."""
    org = await db.get(Organisation, row.organisation_id) if row.organisation_id else None
    session = await db.get(FestivalSession, row.session_id) if row.session_id else None
    return org, session


async def namesakes(db: AsyncSession, row: Proposal) -> list[Organisation]:
    """Organisations already called what the proposal calls itself (whatever the case): the
    admin should know before accepting a second one."""
    result = await db.execute(
        select(Organisation).where(
            func.lower(col(Organisation.name)) == row.organisation_name.strip().lower()
        )
    )
    return [org for org in result.scalars() if org.id != row.organisation_id]


async def claim(
    db: AsyncSession,
    model: type[Decidable],
    proposal_id: int,
    status: ProposalStatus,
    admin: Account,
    now: datetime,
) -> Decidable:
    """Mark the proposal decided, if nobody did first (one conditional UPDATE: of two admins
    deciding at once, one wins and the other is told)."""
    result = await db.execute(
        update(model)
        .where(
            col(model.id) == proposal_id,
            col(model.status) == ProposalStatus.PENDING.value,
        )
        .values(
            status=status.value,
            decided_at_utc=now,
            decided_by_account_id=admin.id,
            decided_by=(admin.email or admin.name)[:254],
        )
    )
    row = await fetch(db, model, proposal_id)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        who = row.decided_by or _("someone else")
        raise ProposalDecidedError(
            _("This proposal was already accepted by %(who)s.", who=who)
            if row.status == ProposalStatus.ACCEPTED.value
            else _("This proposal was already declined by %(who)s.", who=who)
        )
    await db.refresh(row)
    return row


@dataclass(frozen=True)
class Accepted:
    organisation: Organisation
    session: FestivalSession
    delivered: bool  # the invitation went to the mail server (else: written to the log)


def _session_input(row: Proposal, publish: bool) -> sessions.SessionInput:
    status = SessionStatus.PUBLISHED if publish else SessionStatus.DRAFT
    return sessions.SessionInput(
        title=row.title,
        local_start=row.local_start,
        tz_name=row.tz_name,
        duration_minutes=row.duration_minutes,
        kind=row.session_kind,
        summary=row.summary,
        languages=tuple(row.languages),
        status=status.value,
        fold=row.fold,
    )


async def accept(
    db: AsyncSession,
    proposal_id: int,
    admin: Account,
    publish: bool,
    clock: Clock,
    settings: Settings,
) -> Accepted:
    """Make the organisation, its session (published, or a draft) and its organiser's
    invitation, all in the caller's transaction; the invitation is mailed before the caller
    commits, so a mail that cannot go saves nothing (mail.MailError)."""
    now = clock.now()
    row = await claim(db, Proposal, proposal_id, ProposalStatus.ACCEPTED, admin, now)
    org = await organisations.create_organisation(
        db,
        organisations.OrganisationInput(
            row.organisation_name, row.organisation_kind, row.country, row.tz_name
        ),
        now,
    )
    edition = await db.get(Edition, row.edition_id)
    if edition is None:  # the foreign key cascades: only a concurrent deletion gets here
        raise NotFoundError(_("The proposal's edition no longer exists."), "edition.not_found")
    # The time is derived again with today's tz database (SchedulingError if it moved into a
    # gap since: the caller shows it and nothing is saved).
    session = await sessions.create_session(db, edition, org, _session_input(row, publish), clock)
    assert org.id is not None
    token = await invitations.create_invitation(
        db,
        email=row.contact_email,
        name=row.contact_name,
        organisation_id=org.id,
        invited_by=admin.id,
        now=now,
    )
    row.organisation_id, row.session_id = org.id, session.id
    db.add(row)
    await db.flush()
    delivered = await mail.send(settings, acceptance_mail(settings, row, org, publish, token))
    return Accepted(org, session, delivered)


def acceptance_mail(
    settings: Settings, row: Proposal, org: Organisation, published: bool, token: str
) -> mail.Mail:
    language = contact_language(row)
    link = f"{settings.site_url}/invite/{token}"
    with i18n.use_locale(language):
        where = (
            _("It is now in the festival programme.")
            if published
            else _("It is saved as a draft: sign in to finish it and submit it for review.")
        )
        return mail.Mail(
            to=row.contact_email,
            subject=_("%(organisation)s joins the #LearningPlanet Festival", organisation=org.name),
            body=_(
                "Hello %(name)s,\n\n"
                "Your proposal is accepted: %(organisation)s is now an organisation of the "
                "#LearningPlanet Festival, and your session “%(title)s” was created. "
                "%(where)s\n\n"
                "Open this link to choose your password and manage your organisation's "
                "sessions; it works once, for seven days:\n\n%(link)s\n",
                name=row.contact_name,
                organisation=org.name,
                title=row.title,
                where=where,
                link=link,
            ),
            language=language,
        )


def contact_language(row: Proposal | CelebrationProposal) -> str:
    """The language a proposal's contact wrote in (English when unknown or no longer offered)."""
    return i18n.supported(row.contact_language) or i18n.DEFAULT


async def decline(
    db: AsyncSession,
    proposal_id: int,
    admin: Account,
    message: str,
    clock: Clock,
    settings: Settings,
) -> bool:
    """Record the decline and mail the message to the contact (before the caller commits: a
    mail that cannot go saves nothing); True when it went to the mail server, False when it was
    written to the log (no SMTP)."""
    row = await claim(db, Proposal, proposal_id, ProposalStatus.DECLINED, admin, clock.now())
    row.decline_message = message
    db.add(row)
    await db.flush()
    language = contact_language(row)
    with i18n.use_locale(language):
        written = mail.Mail(
            to=row.contact_email,
            subject=_("Your proposal to the #LearningPlanet Festival: %(title)s", title=row.title),
            body=_(
                "Hello %(name)s,\n\n"
                "Thank you for proposing “%(title)s” for %(organisation)s. "
                "The festival team could not accept it:\n\n"
                "%(text)s\n",
                name=row.contact_name,
                title=row.title,
                organisation=row.organisation_name,
                text=message,
            ),
            language=language,
        )
    return await mail.send(settings, written)
