"""Organisation rules: what makes an organisation (name, home zone, country, kind), creating and
changing one, and the web-address name (slug) it gets.

The home zone is the default zone of the organisation's sessions; the slug names the
organisation in URLs and calendar feeds, so it is made once, from the name, and kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival import labels
from festival.forms import MAX_TEXT, Fields
from festival.i18n import gettext as _
from festival.models import Organisation, OrganisationKind

MAX_NAME = 200
MAX_SLUG = 120
MAX_WEBSITE = 500
KINDS: tuple[str, ...] = tuple(kind.value for kind in OrganisationKind)
#: Path segments of the admin pages that an organisation's slug would hide.
RESERVED = frozenset({"new"})
_WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+\S*", re.IGNORECASE)


class OrganisationRefused(Exception):
    """The form cannot be saved; ``errors`` says why, by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class OrganisationInput:
    """What an admin (or a proposal) enters for an organisation."""

    name: str
    kind: str
    country: str  # ISO 3166-1 alpha-2, upper case
    tz_name: str  # canonical IANA zone
    website: str = ""
    description: str = ""
    #: Its organisers publish their sessions themselves (no review): festival/workflow.py.
    trusted: bool = False


def countries() -> list[tuple[str, str]]:
    """(code, name) of every country the tz database knows, named in the current language
    (CLDR's names, the tz database's in English), by name as people look it up."""
    named = [(code, labels.country_name(code)) for code, _name in labels.country_choices()]
    return sorted(named, key=lambda item: _sort_key(item[1]))


def _sort_key(name: str) -> str:
    """ "Émirats arabes unis" sorts among the E's."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def read_form(fields: Fields, prefix: str = "") -> OrganisationInput | None:
    """The organisation a submitted form describes, or None with ``fields.errors`` filled in.

    ``prefix`` names its fields in a form that asks for more (``organisation_name``, ...).
    """
    name = fields.text(
        f"{prefix}name",
        required=_("Give the organisation's name."),
        max_length=MAX_NAME,
        label=_("The name"),
    )
    kind = fields.choice(f"{prefix}kind", KINDS, _("Choose what kind of organisation it is."))
    country = fields.values.get(f"{prefix}country", "").upper()
    if country not in dict(labels.country_choices()):
        fields.fail(f"{prefix}country", _("Choose the country from the list."))
    zone = fields.zone(f"{prefix}tz_name")
    website = fields.text(f"{prefix}website", max_length=MAX_WEBSITE, label=_("The web address"))
    if website and _WEB_ADDRESS.fullmatch(website) is None:
        fields.fail(
            f"{prefix}website", _("Give a web address starting with https:// (or leave it empty).")
        )
    description = fields.text(
        f"{prefix}description", max_length=MAX_TEXT, label=_("The description")
    )
    names = ("name", "kind", "country", "tz_name", "website", "description")
    if kind is None or zone is None or any(f"{prefix}{n}" in fields.errors for n in names):
        return None
    trusted = fields.flag(f"{prefix}trusted")
    return OrganisationInput(name, kind, country, zone, website, description, trusted)


def slug_base(name: str) -> str:
    """A web-address name from an organisation's name: ``Ville de Montréal`` ->
    ``ville-de-montreal`` (``organisation`` when no Latin letter or digit is left)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[: MAX_SLUG - 8].strip("-")
    return slug or "organisation"


async def free_slug(db: AsyncSession, name: str) -> str:
    """The first of ``base``, ``base-2``, ``base-3``, ... that no organisation has."""
    base = slug_base(name)
    result = await db.execute(
        select(col(Organisation.slug)).where(col(Organisation.slug).startswith(base))
    )
    taken = set(result.scalars()) | RESERVED
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


async def create_organisation(
    db: AsyncSession, data: OrganisationInput, now: datetime
) -> Organisation:
    """Add an organisation with a free slug made from its name (the caller commits)."""
    row = Organisation(
        slug=await free_slug(db, data.name),
        name=data.name,
        kind=data.kind,
        country=data.country,
        tz_name=data.tz_name,
        website=data.website,
        description=data.description,
        trusted=data.trusted,
        created_at_utc=now,
    )
    db.add(row)
    try:
        await db.flush()
    except IntegrityError:  # the same slug made at the same moment by someone else
        raise OrganisationRefused(
            {"name": _("Another organisation was just created with this name; try again.")}
        ) from None
    return row


async def update_organisation(
    db: AsyncSession, row: Organisation, data: OrganisationInput
) -> Organisation:
    """Change an organisation (its slug stays; the caller commits)."""
    row.name = data.name
    row.kind = data.kind
    row.country = data.country
    row.tz_name = data.tz_name
    row.website = data.website
    row.description = data.description
    row.trusted = data.trusted
    db.add(row)
    await db.flush()
    return row
