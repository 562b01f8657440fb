"""The checks handlers call: who is signed in, and refusals when they may not do something.

Each ``require_*`` returns the signed-in :class:`Account` or raises: ``SignInRequiredError``
when nobody is signed in (a GET page then redirects to ``/signin?next=...``; anything else is
a 403), ``ForbiddenError`` (403) when the account lacks the role. festival/routes/errors.py
turns both into responses.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from festival.auth.account import (
    Account,
    OwnedByOrganisation,
    can_manage_organisation,
    can_manage_session,
)
from festival.auth.signins import current_account
from festival.errors import ForbiddenError, SignInRequiredError
from festival.i18n import gettext as _

SIGNIN_PATH = "/signin"


async def require_account(conn: HTTPConnection) -> Account:
    """The signed-in account, or SignInRequiredError."""
    account = await current_account(conn)
    if account is None:
        raise SignInRequiredError(
            _(
                "Sign in first: this page is for festival organisers and admins (%(path)s).",
                path=SIGNIN_PATH,
            )
        )
    return account


async def is_admin(conn: HTTPConnection) -> bool:
    """Whether an admin is signed in on this request or WebSocket."""
    account = await current_account(conn)
    return account is not None and account.is_admin


async def require_admin(conn: HTTPConnection) -> Account:
    """The signed-in admin, or a refusal."""
    account = await require_account(conn)
    if not account.is_admin:
        raise ForbiddenError(_("This page is for festival admins."), "auth.forbidden")
    return account


async def require_member(conn: HTTPConnection, organisation_id: int) -> Account:
    """An organiser of the organisation (or an admin), or a refusal."""
    account = await require_account(conn)
    if not can_manage_organisation(account, organisation_id):
        raise ForbiddenError(
            _("Only this organisation's organisers and the festival admins can do this."),
            "auth.forbidden",
        )
    return account


async def require_session_manager(
    conn: HTTPConnection, session: OwnedByOrganisation | int
) -> Account:
    """Someone who may edit the session (its organisation's organisers, admins), or a refusal."""
    account = await require_account(conn)
    if not can_manage_session(account, session):
        raise ForbiddenError(
            _("Only this session's organisers and the festival admins can change it."),
            "auth.forbidden",
        )
    return account
