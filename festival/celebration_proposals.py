"""Proposing a learning celebration through the call for sessions: an organisation proposes its
event and its dates (``/propose/celebration``); an admin accepts (the organisation, the
celebration's edition and the organiser's invitation are made at once) or declines with a
message. The same guards as session proposals (festival/proposals.py): a hidden field robots
fill, and :data:`proposals.MAX_PER_ADDRESS` proposals of either kind a day per network address.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival import editions, i18n, mail, organisations, proposals
from festival.auth.account import Account
from festival.forms import MAX_TEXT, Fields
from festival.i18n import gettext as _
from festival.models import Edition, EditionKind, Organisation
from festival.models.celebrations import CelebrationProposal
from festival.models.proposals import Proposal, ProposalStatus
from festival.settings import Settings
from festival.stores import accounts as accounts_store
from festival.stores import invitations
from scheduling import window
from scheduling.clock import Clock

#: A celebration lasts a day, a week, a month at most (a longer one is a season, not an event).
MAX_DAYS = 31


@dataclass(frozen=True)
class CelebrationInput:
    """A complete, valid celebration proposal."""

    organisation: organisations.OrganisationInput
    contact_name: str
    contact_email: str
    name: str
    description: str
    first_day: date
    last_day: date


def read_form(fields: Fields, now: datetime) -> CelebrationInput | None:
    """The proposal a submitted form describes, or None with ``fields.errors`` filled in."""
    org = organisations.read_form(fields, prefix="organisation_")
    contact_name = fields.text(
        "contact_name",
        required=_("Give your name, so that we know whom to write to."),
        max_length=proposals.MAX_CONTACT_NAME,
        label=_("Your name"),
    )
    contact_email = fields.values.get("contact_email", "")
    try:
        contact_email = accounts_store.check_email(contact_email)
    except accounts_store.InvalidEmailError as exc:
        fields.fail("contact_email", exc.message)
    name = fields.text(
        "name",
        required=_("Give the celebration's name."),
        max_length=editions.MAX_NAME,
        label=_("The name"),
    )
    description = fields.text("description", max_length=MAX_TEXT, label=_("The description"))
    first = fields.date("first_day", _("Give the first day, such as 2027-09-08."))
    last = fields.date("last_day", _("Give the last day, such as 2027-09-08."))
    if first is not None and last is not None:
        if last < first:
            fields.fail("last_day", _("The last day comes before the first day."))
        elif (last - first).days + 1 > MAX_DAYS:
            fields.fail(
                "last_day", _("A celebration lasts at most %(count)s days.", count=MAX_DAYS)
            )
        elif window.window_for(last).ends_at_utc <= now:
            fields.fail("last_day", _("These days are already over everywhere on Earth."))
    if org is None or first is None or last is None or not fields.ok:
        return None
    return CelebrationInput(org, contact_name, contact_email, name, description, first, last)


async def check_limit(db: AsyncSession, address_key: str, now: datetime) -> None:
    """ProposalLimitedError when this address sent enough proposals of either kind lately."""
    since = now - proposals.LIMIT_WINDOW
    sent = 0
    for table in (Proposal, CelebrationProposal):
        result = await db.execute(
            select(func.count())
            .select_from(table)
            .where(col(table.address_key) == address_key, col(table.created_at_utc) > since)
        )
        sent += int(result.scalar_one())
    if sent >= proposals.MAX_PER_ADDRESS:
        raise proposals.ProposalLimitedError(
            _(
                "%(count)s proposals have already been sent from your network today. "
                "Please wait a day, or write to the festival team.",
                count=proposals.MAX_PER_ADDRESS,
            )
        )


async def submit(
    db: AsyncSession, data: CelebrationInput, address_key: str, now: datetime
) -> CelebrationProposal:
    row = CelebrationProposal(
        organisation_name=data.organisation.name,
        organisation_kind=data.organisation.kind,
        country=data.organisation.country,
        tz_name=data.organisation.tz_name,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        name=data.name,
        description=data.description,
        first_day=data.first_day,
        last_day=data.last_day,
        contact_language=i18n.current_locale(),
        address_key=address_key,
        created_at_utc=now,
    )
    db.add(row)
    await db.flush()
    return row


async def pending(db: AsyncSession) -> list[CelebrationProposal]:
    return await proposals.waiting(db, CelebrationProposal)


async def get(db: AsyncSession, proposal_id: int) -> CelebrationProposal:
    return await proposals.fetch(db, CelebrationProposal, proposal_id)


def slug_base(name: str, first_day: date) -> str:
    """``Semaine de la lecture`` in 2027 -> ``semaine-de-la-lecture-2027``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-") or "celebration"
    year = str(first_day.year)
    return base if base.endswith(year) else f"{base}-{year}"


async def free_slug(db: AsyncSession, base: str) -> str:
    taken = set(
        (await db.execute(select(col(Edition.slug)).where(col(Edition.slug).startswith(base))))
        .scalars()
        .all()
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@dataclass(frozen=True)
class Accepted:
    organisation: Organisation
    edition: Edition
    delivered: bool


async def accept(
    db: AsyncSession, proposal_id: int, admin: Account, clock: Clock, settings: Settings
) -> Accepted:
    """Make the organisation, the celebration's edition and the organiser's invitation, in the
    caller's transaction; the mail goes before the caller commits (a mail that cannot go saves
    nothing)."""
    now = clock.now()
    row = await proposals.claim(
        db, CelebrationProposal, proposal_id, ProposalStatus.ACCEPTED, admin, now
    )
    org = await organisations.create_organisation(
        db,
        organisations.OrganisationInput(
            row.organisation_name, row.organisation_kind, row.country, row.tz_name
        ),
        now,
    )
    slug = await free_slug(db, slug_base(row.name, row.first_day))
    edition = await editions.create_edition(
        db,
        editions.EditionInput(
            slug=slug,
            name=row.name,
            kind=EditionKind.CELEBRATION.value,
            first_day=row.first_day,
            last_day=row.last_day,
            description=row.description,
        ),
        now,
    )
    assert org.id is not None
    token = await invitations.create_invitation(
        db,
        email=row.contact_email,
        name=row.contact_name,
        organisation_id=org.id,
        invited_by=admin.id,
        now=now,
    )
    row.organisation_id, row.edition_id = org.id, edition.id
    db.add(row)
    await db.flush()
    language = proposals.contact_language(row)
    page, link = f"{settings.site_url}/celebrations", f"{settings.site_url}/invite/{token}"
    with i18n.use_locale(language):
        written = mail.Mail(
            to=row.contact_email,
            subject=_("%(celebration)s is on the #LearningPlanet calendar", celebration=row.name),
            body=_(
                "Hello %(name)s,\n\n"
                "Your proposal is accepted: %(celebration)s is now on the learning celebrations "
                "page (%(page)s), with its calendar feed, and "
                "%(organisation)s is an organisation of the festival.\n\n"
                "Open this link to choose your password and add your celebration's sessions; "
                "it works once, for seven days:\n\n%(link)s\n",
                name=row.contact_name,
                celebration=row.name,
                page=page,
                organisation=org.name,
                link=link,
            ),
            language=language,
        )
    delivered = await mail.send(settings, written)
    return Accepted(org, edition, delivered)


async def decline(
    db: AsyncSession,
    proposal_id: int,
    admin: Account,
    message: str,
    clock: Clock,
    settings: Settings,
) -> bool:
    row = await proposals.claim(
        db, CelebrationProposal, proposal_id, ProposalStatus.DECLINED, admin, clock.now()
    )
    row.decline_message = message
    db.add(row)
    await db.flush()
    language = proposals.contact_language(row)
    with i18n.use_locale(language):
        written = mail.Mail(
            to=row.contact_email,
            subject=_(
                "Your proposal to the #LearningPlanet calendar: %(celebration)s",
                celebration=row.name,
            ),
            body=_(
                "Hello %(name)s,\n\n"
                "Thank you for proposing %(celebration)s for %(organisation)s. "
                "The festival team could not accept it:\n\n"
                "%(text)s\n",
                name=row.contact_name,
                celebration=row.name,
                organisation=row.organisation_name,
                text=message,
            ),
            language=language,
        )
    return await mail.send(settings, written)
