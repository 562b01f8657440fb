"""HTTP and WebSocket route handlers, and the one table of every route (``table``).

Each module is a group of short handlers that parse, call a store and the core, and render; it
exports its ``routes`` and registers nothing else. ``table`` is the only place groups are put
together, in the order they are matched.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from festival.routes import (
    account,
    admin,
    admin_audit,
    admin_celebrations,
    admin_editions,
    admin_import,
    admin_organisations,
    admin_people,
    admin_review,
    admin_sessions,
    admin_tzcheck,
    agenda,
    api,
    celebrations,
    feeds,
    health,
    metrics,
    oidc,
    organiser,
    organiser_toolkits,
    pages,
    privacy,
    proposals,
    signin,
    toolkits,
    ws,
)
from festival.settings import Settings


def table(settings: Settings) -> list[BaseRoute]:
    """Every route of the site, in the order they are matched."""
    return [
        *health.routes,  # /healthz, /readyz
        *metrics.routes,  # /metrics
        *api.routes,  # /api/...
        *feeds.routes,  # calendars (.ics), exports, the subscribe pages
        *agenda.routes,  # /agenda: the personal agenda
        *admin.routes,  # /admin: the admin home
        *admin_audit.routes,  # /admin/audit: moderation in the live rooms
        *admin_editions.routes,  # /admin/editions
        *admin_organisations.routes,  # /admin/organisations
        *admin_people.routes,  # /admin/people: accounts and roles
        *admin_review.routes,  # /admin/review, /admin/proposals: the review queue
        *admin_celebrations.routes,  # /admin/celebration-proposals: proposed celebrations
        *admin_sessions.routes,  # /admin/sessions: previews, hosts, the CSV export
        *admin_import.routes,  # /admin/import: the .ics import
        *admin_tzcheck.routes,  # /admin/tz-check: after a tzdata update
        *toolkits.routes,  # /toolkits, /api/toolkits: the library, files served inert
        *organiser_toolkits.routes,  # /organiser/toolkits, materials of sessions, featuring
        *organiser.routes,  # /organiser: organisers' sessions, the session editor
        *oidc.routes,  # /signin/oidc/...: sign-in with an OpenID Connect provider
        *signin.routes,  # /signin, /signout, password reset, /admin/login (ADMIN_PASSWORD)
        *privacy.routes,  # /account/data, /account/delete: a person's own data
        *account.routes,  # /account, invitations (/admin/invitations, /invite/{token})
        *proposals.routes,  # /propose: the call for sessions
        *ws.routes,  # /rooms/{room} and its WebSocket
        *celebrations.routes,  # /celebrations: the year's other learning celebrations
        *pages.routes,  # home, programme, sessions, organisations, editions
        Mount("/static", app=StaticFiles(directory=str(settings.static_dir)), name="static"),
    ]
