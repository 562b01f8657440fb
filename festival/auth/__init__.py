"""Who may do what: accounts, roles, sign-in sessions, CSRF. Handlers import from here.

- ``await current_account(conn)``: the signed-in :class:`Account` (a frozen value: id, email,
  name, is_admin, organisation_ids, hosted_session_ids) or None; read once per request.
- ``await require_account / require_admin / require_member(conn, organisation_id) /
  require_session_manager(conn, session)``: the account, or ``SignInRequiredError`` (nobody
  signed in: GET pages redirect to ``/signin``) / ``ForbiddenError`` (403).
- ``can_manage_session(account, session_or_org_id)``, ``can_publish_session(account, session,
  trusted)``, ``can_moderate_room(account, owner)``,
  ``can_manage_organisation``, ``is_member``: the pure rules (festival/auth/account.py).
- ``sign_in``, ``sign_out``, ``sign_out_everywhere``: server-side sessions (signins.py).
- ``csrf_token``, ``verify_csrf``, ``safe_next``: forms (csrf.py).

docs/architecture.md ("Who may do what") describes the roles and the rules.
"""

from festival.auth.account import (
    Account,
    OwnedByOrganisation,
    RoomOwner,
    can_manage_organisation,
    can_manage_session,
    can_moderate_room,
    can_publish_session,
    is_member,
)
from festival.auth.csrf import CSRF_FIELD, csrf_token, safe_next, verify_csrf
from festival.auth.guards import (
    SIGNIN_PATH,
    is_admin,
    require_account,
    require_admin,
    require_member,
    require_session_manager,
)
from festival.auth.signins import (
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    current_account,
    sign_in,
    sign_out,
    sign_out_everywhere,
)

__all__ = [
    "CSRF_FIELD",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "SIGNIN_PATH",
    "Account",
    "OwnedByOrganisation",
    "RoomOwner",
    "can_manage_organisation",
    "can_manage_session",
    "can_moderate_room",
    "can_publish_session",
    "csrf_token",
    "current_account",
    "is_admin",
    "is_member",
    "require_account",
    "require_admin",
    "require_member",
    "require_session_manager",
    "safe_next",
    "sign_in",
    "sign_out",
    "sign_out_everywhere",
    "verify_csrf",
]
