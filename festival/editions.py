"""Edition rules: what makes a festival edition (name, slug, dates, kind); creating, changing.

An edition's dates are *local days* (scheduling/window.py): a session belongs to a day when its
start, in its organiser's own zone, falls on that date, so one festival day spans about 49 hours
of UTC. Nothing about that rule is stored: it follows from the dates and the tz database. The
slug names the edition in every URL and calendar feed, so it is chosen once, at creation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.forms import MAX_TEXT, Fields
from festival.i18n import gettext as _
from festival.i18n import ngettext
from festival.models import Edition, EditionKind, FestivalSession
from scheduling import window

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_SLUG = 80
MAX_NAME = 200
#: The longest edition: a year of celebrations (each page lists the days one by one).
MAX_DAYS = 366
KINDS: tuple[str, ...] = tuple(kind.value for kind in EditionKind)
#: Path segments of the admin pages that an edition's slug would hide (/admin/editions/new).
RESERVED = frozenset({"new"})


class EditionRefused(Exception):
    """The form cannot be saved; ``errors`` says why, by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class EditionInput:
    """What an admin enters for an edition (the slug only counts at creation)."""

    slug: str
    name: str
    kind: str
    first_day: date
    last_day: date
    description: str = ""


def read_form(fields: Fields, creating: bool) -> EditionInput | None:
    """The edition a submitted form describes, or None with ``fields.errors`` filled in."""
    slug = fields.text("slug", required=_("Give a short name for web addresses."), max_length=200)
    if creating and slug and (len(slug) > MAX_SLUG or SLUG.fullmatch(slug) is None):
        fields.fail(
            "slug",
            _(
                "Use lower-case letters, digits and single hyphens only, such as "
                "learningplanet-2028 (at most %(num)s characters).",
                num=MAX_SLUG,
            ),
        )
    elif creating and slug in RESERVED:
        fields.fail(
            "slug", _("“%(slug)s” is kept for the admin pages: choose another name.", slug=slug)
        )
    name = fields.text(
        "name",
        required=_("Give the edition a name."),
        max_length=MAX_NAME,
        label=_("The name"),
    )
    kind = fields.choice("kind", KINDS, _("Choose the kind of edition."))
    first = fields.date("first_day", _("Give the first day as a date such as 2028-01-24."))
    last = fields.date("last_day", _("Give the last day as a date such as 2028-01-24."))
    description = fields.text("description", max_length=MAX_TEXT, label=_("The description"))
    if first is not None and last is not None:
        if last < first:
            fields.fail("last_day", _("The last day cannot be before the first day."))
        elif (last - first).days + 1 > MAX_DAYS:
            fields.fail("last_day", _("An edition lasts at most %(num)s days.", num=MAX_DAYS))
    if not fields.ok or kind is None or first is None or last is None:
        return None
    return EditionInput(slug, name, kind, first, last, description)


async def _slug_taken(db: AsyncSession, slug: str) -> bool:
    found = await db.execute(select(col(Edition.id)).where(col(Edition.slug) == slug))
    return found.first() is not None


async def create_edition(db: AsyncSession, data: EditionInput, now: datetime) -> Edition:
    """Add an edition (the caller commits); EditionRefused when the slug is taken."""
    if await _slug_taken(db, data.slug):
        raise EditionRefused(
            {"slug": _("There is already an edition at /%(slug)s.", slug=data.slug)}
        )
    row = Edition(
        slug=data.slug,
        name=data.name,
        kind=data.kind,
        description=data.description,
        first_day=data.first_day,
        last_day=data.last_day,
        created_at_utc=now,
        updated_at_utc=now,
    )
    db.add(row)
    try:
        await db.flush()
    except IntegrityError:  # made at the same moment by someone else
        raise EditionRefused(
            {"slug": _("There is already an edition at /%(slug)s.", slug=data.slug)}
        ) from None
    return row


async def sessions_outside(
    db: AsyncSession, edition_id: int, first_day: date, last_day: date
) -> list[FestivalSession]:
    """The edition's sessions whose local day (in their organiser's zone) is not in these dates."""
    result = await db.execute(
        select(FestivalSession).where(col(FestivalSession.edition_id) == edition_id)
    )
    return [
        row
        for row in result.scalars()
        if not first_day <= window.local_date(row.starts_at_utc, row.tz_name) <= last_day
    ]


async def update_edition(
    db: AsyncSession, row: Edition, data: EditionInput, now: datetime
) -> Edition:
    """Change an edition's name, kind, description and dates (the caller commits).

    EditionRefused when new dates would leave some of its sessions on no festival day: those
    must be moved (or the dates chosen wider) first.
    """
    assert row.id is not None
    if (data.first_day, data.last_day) != (row.first_day, row.last_day):
        outside = await sessions_outside(db, row.id, data.first_day, data.last_day)
        if outside:
            titles = ", ".join(f"“{session.title}”" for session in outside[:3])
            if len(outside) > 3:
                titles = ngettext(
                    "%(titles)s and %(num)s more",
                    "%(titles)s and %(num)s more",
                    len(outside) - 3,
                    titles=titles,
                )
            raise EditionRefused(
                {
                    "first_day": ngettext(
                        "%(num)s of this edition's sessions would fall outside these dates "
                        "(%(titles)s): move it first, or keep its day in.",
                        "%(num)s of this edition's sessions would fall outside these dates "
                        "(%(titles)s): move them first, or keep their days in.",
                        len(outside),
                        titles=titles,
                    )
                }
            )
    row.name = data.name
    row.kind = data.kind
    row.description = data.description
    row.first_day = data.first_day
    row.last_day = data.last_day
    row.updated_at_utc = now
    db.add(row)
    await db.flush()
    return row
