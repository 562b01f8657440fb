"""Database records, one module per area; importing this package registers every table."""

from festival.models.accounts import *  # noqa: F403
from festival.models.agenda import *  # noqa: F403
from festival.models.audit import *  # noqa: F403
from festival.models.celebrations import *  # noqa: F403
from festival.models.identities import *  # noqa: F403
from festival.models.programme import (
    Edition,
    EditionKind,
    FestivalSession,
    Organisation,
    OrganisationKind,
    utcnow,
)
from festival.models.proposals import *  # noqa: F403
from festival.models.rooms import *  # noqa: F403
from festival.models.toolkits import *  # noqa: F403

__all__ = [
    "Edition",
    "EditionKind",
    "FestivalSession",
    "Organisation",
    "OrganisationKind",
    "utcnow",
]
