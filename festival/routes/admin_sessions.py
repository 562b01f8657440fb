"""Admin pages for sessions: every session whatever its status, one session's admin preview
(drafts included: the public pages and the API show only public sessions), its hosts and
moderators, and the CSV export of them all."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import auth, spreadsheets
from festival.db import session_scope
from festival.errors import NotFoundError
from festival.forms import Fields
from festival.i18n import gettext as _
from festival.models import Edition, FestivalSession, Organisation
from festival.models.accounts import HostRole
from festival.routes.admin import admin_form, admin_only, back_to, page
from festival.state import state
from festival.stores import accounts as accounts_store
from festival.stores import people
from festival.stores import programme as store
from scheduling import vocabulary

PER_PAGE = 100
HOST_ROLES: tuple[str, ...] = tuple(role.value for role in HostRole)


def _page_number(request: Request) -> int:
    value = request.query_params.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


@admin_only
async def list_page(request: Request, account: auth.Account) -> Response:
    """Every session (``?status=`` narrows), by UTC start, a hundred a page."""
    status = request.query_params.get("status", "")
    statuses = (status,) if status in vocabulary.STATUSES else ()
    async with state(request).sessions() as db:
        slots = await store.list_slots(db, None, statuses)
    number = _page_number(request)
    shown = slots[(number - 1) * PER_PAGE : number * PER_PAGE]
    keep = {"status": status} if statuses else {}
    context = {
        "slots": shown,
        "total": len(slots),
        "status": status if statuses else "",
        "statuses": vocabulary.STATUSES,
        "page": number,
        "newer": f"?{urlencode({**keep, 'page': number - 1})}" if number > 1 else "",
        "older": (
            f"?{urlencode({**keep, 'page': number + 1})}" if number * PER_PAGE < len(slots) else ""
        ),
    }
    return page(request, "admin/sessions.html", context)


@admin_only
async def export_csv(request: Request, account: auth.Account) -> Response:
    """Every session, every status, as CSV (``?edition=<slug>`` for one edition)."""
    edition_slug = request.query_params.get("edition", "")
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, edition_slug) if edition_slug else None
        slots = await store.list_slots(db, edition, ())
    moment = state(request).clock.now()
    name = f"sessions-{edition_slug or 'all'}-{moment:%Y%m%d-%H%M}.csv"
    return Response(
        spreadsheets.sessions_csv(slots),
        media_type=spreadsheets.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _session(db: Any, uid: str) -> tuple[FestivalSession, Edition, Organisation]:
    row = await store.get_session_row(db, uid)
    edition = await db.get(Edition, row.edition_id)
    org = await db.get(Organisation, row.organisation_id)
    assert edition is not None and org is not None
    return row, edition, org


async def _session_page(
    request: Request, context: dict[str, Any], status_code: int = 200
) -> Response:
    uid = request.path_params["uid"]
    async with state(request).sessions() as db:
        row, edition, org = await _session(db, uid)
        slot = await store.get_slot(db, uid, include_drafts=True)
        assert row.id is not None
        hosts = await people.session_hosts(db, row.id)
    full = {
        "session": row,
        "slot": slot,
        "edition": edition,
        "organisation": org,
        "hosts": hosts,
        "host_roles": HOST_ROLES,
        "public": row.status in vocabulary.PUBLIC_STATUSES,
        "done": request.query_params.get("done", ""),
        **context,
    }
    return page(request, "admin/session.html", full, status_code)


@admin_only
async def session_page(request: Request, account: auth.Account) -> Response:
    """A session as the admin checks it: every field, its hosts, whatever its status."""
    return await _session_page(request, {})


@admin_only
async def add_host(request: Request, account: auth.Account) -> Response:
    """Make an account a host or moderator of the session (it moderates its live room)."""
    fields = await admin_form(request)
    uid = request.path_params["uid"]
    role = fields.choice("role", HOST_ROLES, _("Choose host or moderator."))
    email = fields.text("email", required=_("Give the email address of their account."))
    return await _add_host(request, uid, fields, email, role)


async def _add_host(
    request: Request, uid: str, fields: Fields, email: str, role: str | None
) -> Response:
    async with session_scope(state(request).sessions) as db:
        row = await store.get_session_row(db, uid)
        found = await accounts_store.find_account_row(db, email) if email else None
        if email and found is None:
            fields.fail(
                "email",
                _(
                    "There is no account for %(email)s. Invite them first (People and roles), "
                    "then come back.",
                    email=email,
                ),
            )
        if not fields.ok or found is None or role is None:
            await db.rollback()
            context = {"form": fields.values, "errors": fields.errors}
            return await _session_page(request, context, 400)
        assert row.id is not None and found.id is not None
        await accounts_store.add_session_host(
            db, found.id, row.id, state(request).clock.now(), HostRole(role)
        )
    return back_to(f"/admin/sessions/{uid}?done=host-added#hosts")


@admin_only
async def remove_host(request: Request, account: auth.Account) -> Response:
    await admin_form(request)
    uid = request.path_params["uid"]
    account_id = str(request.path_params["account_id"])
    if not account_id.isdigit():
        raise NotFoundError(_("There is no such account."), "account.not_found")
    async with session_scope(state(request).sessions) as db:
        row = await store.get_session_row(db, uid)
        assert row.id is not None
        await accounts_store.remove_session_host(db, int(account_id), row.id)
    return back_to(f"/admin/sessions/{uid}?done=host-removed#hosts")


routes: list[BaseRoute] = [
    Route("/admin/sessions", list_page, methods=["GET"], name="admin_sessions"),
    Route("/admin/sessions.csv", export_csv, methods=["GET"], name="admin_sessions_csv"),
    Route("/admin/sessions/{uid}", session_page, methods=["GET"], name="admin_session"),
    Route("/admin/sessions/{uid}/hosts", add_host, methods=["POST"], name="admin_session_host"),
    Route(
        "/admin/sessions/{uid}/hosts/{account_id}/remove",
        remove_host,
        methods=["POST"],
        name="admin_session_host_remove",
    ),
]
