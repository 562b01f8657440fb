"""Database records, one module per area; importing this package registers every table."""

from festival.models.agenda import *  # noqa: F403
from festival.models.programme import (
    Audience,
    Edition,
    EditionKind,
    FestivalSession,
    Organisation,
    OrganisationKind,
    SessionKind,
    SessionStatus,
    utcnow,
)
from festival.models.rooms import *  # noqa: F403

__all__ = [
    "Audience",
    "Edition",
    "EditionKind",
    "FestivalSession",
    "Organisation",
    "OrganisationKind",
    "SessionKind",
    "SessionStatus",
    "utcnow",
]
