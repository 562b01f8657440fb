"""Who someone is once signed in (:class:`Account`), and the rules of who may do what.

The rules are pure functions of the account and the thing asked about, so every page, API
endpoint and the room's WebSocket ask the same question the same way:

- an **admin** may do everything;
- an **organiser** (a member of an organisation) manages that organisation's sessions and
  moderates their live rooms; the organisers of a *trusted* organisation also publish them
  (others submit them for an admin's review);
- a **host or moderator** of a session moderates that session's live room;
- everyone else (attendees, named guests) has no account and manages nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Account:
    """A signed-in person, read once per request: a value, never a database row.

    ``id`` is None only for the ``ADMIN_PASSWORD`` first sign-in (an admin with no account
    row, until one is created: festival/auth/bootstrap.py); anything that records who did
    something must say so then (``account.id is None``).
    """

    id: int | None
    email: str
    name: str
    is_admin: bool
    language: str = "en"
    organisation_ids: frozenset[int] = frozenset()
    hosted_session_ids: frozenset[int] = frozenset()

    @property
    def is_bootstrap(self) -> bool:
        """Signed in with ``ADMIN_PASSWORD``, not with an account."""
        return self.id is None


class OwnedByOrganisation(Protocol):
    """Anything that belongs to an organisation: a FestivalSession row, a form's value."""

    @property
    def organisation_id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class RoomOwner:
    """Whose a live room is: its session and that session's organisation (None for a lobby)."""

    session_id: int | None = None
    organisation_id: int | None = None


def is_member(account: Account | None, organisation_id: int) -> bool:
    """Whether ``account`` is an organiser of the organisation (admins are not, by this)."""
    return account is not None and organisation_id in account.organisation_ids


def can_manage_organisation(account: Account | None, organisation_id: int) -> bool:
    """Admins, and the organisation's organisers."""
    return account is not None and (account.is_admin or is_member(account, organisation_id))


def can_manage_session(account: Account | None, session: OwnedByOrganisation | int) -> bool:
    """Edit, submit, cancel a session: admins, and organisers of its organisation.

    ``session`` is the session (anything with an ``organisation_id``) or its organisation's id.
    """
    organisation_id = session if isinstance(session, int) else session.organisation_id
    return can_manage_organisation(account, organisation_id)


def can_publish_session(
    account: Account | None, session: OwnedByOrganisation | int, trusted: bool
) -> bool:
    """Publish a session (make it public): admins; and the organisers of a trusted
    organisation, who need no review. Everyone else submits it for an admin's review."""
    if account is None:
        return False
    return account.is_admin or (trusted and can_manage_session(account, session))


def can_moderate_room(account: Account | None, room: RoomOwner) -> bool:
    """Moderate a live room: admins everywhere; a session's hosts and moderators, and the
    organisers of its organisation, in that session's room; nobody else (lobbies: admins)."""
    if account is None:
        return False
    if account.is_admin:
        return True
    if room.session_id is not None and room.session_id in account.hosted_session_ids:
        return True
    return room.organisation_id is not None and is_member(account, room.organisation_id)
