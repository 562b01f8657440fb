"""The admin area: its home page, and what every admin page shares (the admin-only guard, the
CSRF-checked form, pages that no cache keeps).

Every admin handler is wrapped in :func:`admin_only`: nobody signed in is sent to sign in (a GET
page) or refused (anything else), a signed-in non-admin is refused (403). Every POST reads its
form through :func:`admin_form`, which refuses a form without this session's CSRF token before
looking at any field.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlmodel import col
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth
from festival.forms import Fields
from festival.models import CalendarImport, Edition, FestivalSession, Organisation
from festival.models.proposals import Proposal, ProposalStatus
from festival.state import state
from festival.templating import render
from scheduling.vocabulary import SessionStatus

#: Where nobody signed in is sent: the ADMIN_PASSWORD first sign-in of a new site, which passes
#: people on to /signin once admin accounts exist.
ADMIN_SIGNIN = "/admin/login"

AdminHandler = Callable[[Request, auth.Account], Awaitable[Response]]


def admin_only(handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
    """The handler, for admins only; its responses are never cached."""

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        if request.method in ("GET", "HEAD") and await auth.current_account(request) is None:
            back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"{ADMIN_SIGNIN}?next={quote(back, safe='/')}", status_code=303)
        account = await auth.require_admin(request)
        response = await handler(request, account)
        response.headers["Cache-Control"] = "private, no-store"
        return response

    return guarded


async def admin_form(request: Request) -> Fields:
    """The submitted form's fields, once its CSRF token has been checked."""
    form = await request.form()
    await auth.verify_csrf(request, form)
    return Fields(form)


def page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """An admin page (``errors`` and ``form`` default to empty: a form shown the first time)."""
    full = {"errors": {}, "form": {}, **context}
    return render(request, template, full, status_code=status_code)


def back_to(target: str) -> Response:
    """After a POST that saved something: show the result with a GET (no resubmission)."""
    return RedirectResponse(target, status_code=303)


async def _count(request: Request, query: Any) -> int:
    async with state(request).sessions() as db:
        return int((await db.execute(query)).scalar_one())


@admin_only
async def dashboard(request: Request, account: auth.Account) -> Response:
    """The admin home: what waits for review, and every admin page."""
    async with state(request).sessions() as db:
        result = await db.execute(
            select(CalendarImport).order_by(col(CalendarImport.id).desc()).limit(20)
        )
        imports = list(result.scalars())
    counts = {
        "editions": await _count(request, select(func.count()).select_from(Edition)),
        "organisations": await _count(request, select(func.count()).select_from(Organisation)),
        "drafts": await _count(
            request,
            select(func.count())
            .select_from(FestivalSession)
            .where(col(FestivalSession.status) == SessionStatus.DRAFT.value),
        ),
        "proposals": await _count(
            request,
            select(func.count())
            .select_from(Proposal)
            .where(col(Proposal.status) == ProposalStatus.PENDING.value),
        ),
    }
    return page(request, "admin/index.html", {"imports": imports, "counts": counts})


routes: list[BaseRoute] = [
    Route("/admin", dashboard, methods=["GET"], name="admin"),
]
