"""The audit log page: every moderator action in a live room (who, when, in which room, to
whom) and every change of a session (who, when, what changed), newest first, fifty a page
each (``?page=`` pages the rooms' log, ``?changes=`` the sessions')."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import auditlog, auth
from festival.routes.admin import admin_only, page
from festival.state import state
from festival.stores import audit as store

PER_PAGE = 50


def _page_number(request: Request, name: str) -> int:
    value = request.query_params.get(name, "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _link(name: str, number: int, other: str, other_number: int) -> str:
    """The address of page ``number`` of one log, keeping the other log's page."""
    return f"?{name}={number}" + (f"&{other}={other_number}" if other_number > 1 else "")


@admin_only
async def audit_page(request: Request, account: auth.Account) -> Response:
    number = _page_number(request, "page")
    changes_number = _page_number(request, "changes")
    async with state(request).sessions() as db:
        actions = await store.room_actions(db, number, PER_PAGE)
        emails = await store.account_emails(db, auditlog.room_accounts(actions.rows))
        titles = await store.session_titles(db, auditlog.room_session_uids(actions.rows))
        changes = await store.session_changes(db, changes_number, PER_PAGE)
    context = {
        "entries": [auditlog.room_entry(a, emails, titles) for a in actions.rows],
        "page": number,
        "newer": _link("page", number - 1, "changes", changes_number) if number > 1 else "",
        "older": _link("page", number + 1, "changes", changes_number) if actions.more else "",
        "changes": [auditlog.session_entry(c.change, c.uid, c.title) for c in changes.rows],
        "changes_page": changes_number,
        "changes_newer": (
            _link("changes", changes_number - 1, "page", number) if changes_number > 1 else ""
        ),
        "changes_older": (
            _link("changes", changes_number + 1, "page", number) if changes.more else ""
        ),
    }
    return page(request, "admin/audit.html", context)


routes: list[BaseRoute] = [
    Route("/admin/audit", audit_page, methods=["GET"], name="admin_audit"),
]
