"""Admin page for the time-zone check: after a tz database update, which sessions' UTC instants
move (their organisers' wall times stay), and applying it. What moves is computed by
festival/tzcheck.py, the same check as ``festival tz-check`` and the Procfile's release step.

Applying writes what the admin saw, or nothing: the form carries a digest of the list shown, and
a list that changed in between (another deploy, an edit) is shown again instead of applied.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import auth, tzcheck
from festival.db import session_scope
from festival.i18n import gettext as _
from festival.routes.admin import admin_form, admin_only, back_to, page
from festival.state import state
from scheduling import tz


def digest(report: tzcheck.TzCheckReport) -> str:
    """What the admin is asked to apply, in a few characters."""
    lines = sorted(f"{m.uid} {m.old_utc.isoformat()} {m.new_utc.isoformat()}" for m in report.moved)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


def _check_page(
    request: Request, report: tzcheck.TzCheckReport, note: str = "", status_code: int = 200
) -> Response:
    context = {
        "report": report,
        "tzdata": tz.TZDATA_VERSION,
        "digest": digest(report),
        "applied": request.query_params.get("applied", ""),
        "note": note,
    }
    return page(request, "admin/tzcheck.html", context, status_code)


@admin_only
async def check_page(request: Request, account: auth.Account) -> Response:
    """What this server's tz database would move (nothing is written)."""
    async with state(request).sessions() as db:
        report = await tzcheck.check(db)
    return _check_page(request, report)


@admin_only
async def apply(request: Request, account: auth.Account) -> Response:
    """Write the moved instants (each session's revision goes up: calendars see the change)."""
    fields = await admin_form(request)
    app = state(request)
    async with session_scope(app.sessions) as db:
        seen = await tzcheck.check(db)
        if digest(seen) != fields.values.get("expected", ""):
            await db.rollback()
            note = _(
                "The list changed since you opened this page, so nothing was written. "
                "Check it again below, then apply."
            )
            return _check_page(request, seen, note, 409)
        report = await tzcheck.check(db, app.clock)
    return back_to(f"/admin/tz-check?applied={len(report.moved)}")


routes: list[BaseRoute] = [
    Route("/admin/tz-check", check_page, methods=["GET"], name="admin_tz_check"),
    Route("/admin/tz-check", apply, methods=["POST"], name="admin_tz_check_apply"),
]
