"""The audit log page: every moderator action in a live room (who, when, in which room, to
whom), newest first, fifty a page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import auditlog, auth
from festival.routes.admin import admin_only, page
from festival.state import state
from festival.stores import audit as store

PER_PAGE = 50


def _page_number(request: Request) -> int:
    value = request.query_params.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


@admin_only
async def audit_page(request: Request, account: auth.Account) -> Response:
    number = _page_number(request)
    async with state(request).sessions() as db:
        actions = await store.room_actions(db, number, PER_PAGE)
        emails = await store.account_emails(db, auditlog.room_accounts(actions.rows))
        titles = await store.session_titles(db, auditlog.room_session_uids(actions.rows))
    context = {
        "entries": [auditlog.room_entry(a, emails, titles) for a in actions.rows],
        "page": number,
        "newer": f"?page={number - 1}" if number > 1 else "",
        "older": f"?page={number + 1}" if actions.more else "",
    }
    return page(request, "admin/audit.html", context)


routes: list[BaseRoute] = [
    Route("/admin/audit", audit_page, methods=["GET"], name="admin_audit"),
]
