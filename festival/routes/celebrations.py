"""The year's other learning celebrations, for everyone.

* ``GET /celebrations``: upcoming first, each with its dates, organisers, sessions and calendar
  feed (the edition's own: /editions/{slug}/calendar.ics); past ones archived with their
  programme.
* ``GET /propose/celebration``, ``POST``: an organisation proposes its celebration and its dates
  (the call for sessions' guards: CSRF, the hidden field, the limit per network address); the
  review is festival/routes/admin_celebrations.py.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth, celebration_proposals, celebrations, labels, organisations, proposals
from festival.db import session_scope
from festival.forms import Fields
from festival.routes.proposals import client_key
from festival.state import state
from festival.stores import programme as store
from festival.templating import render
from festival.viewer import resolve_viewer
from scheduling.vocabulary import PUBLIC_STATUSES


async def celebrations_page(request: Request) -> Response:
    viewer = resolve_viewer(request, strict=False)
    async with state(request).sessions() as db:
        editions = await store.list_editions(db)
        slots = await store.list_slots(db, statuses=PUBLIC_STATUSES)
    found = celebrations.arrange(editions, slots, viewer.now)
    context = {"upcoming": found.upcoming, "past": found.past, "now": viewer.now}
    return render(request, "celebrations/index.html", context, viewer=viewer)


log = logging.getLogger("festival.proposals")


def _form_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    full = {
        "organisation_kinds": [
            (kind, labels.organisation_kind_label(kind)) for kind in organisations.KINDS
        ],
        "countries": organisations.countries(),
        "form": {},
        "errors": {},
        "honeypot": proposals.HONEYPOT,
        **context,
    }
    response = render(request, "celebrations/propose.html", full, status_code=status_code)
    response.headers["Cache-Control"] = "private, no-store"
    return response


async def propose_form(request: Request) -> Response:
    return _form_page(request, {})


async def propose_submit(request: Request) -> Response:
    """Check the form, the hidden field and the limit; keep the proposal for review (PRG)."""
    form = await request.form()
    await auth.verify_csrf(request, form)
    fields = Fields(form)
    app = state(request)
    now = app.clock.now()
    key = client_key(request)
    if fields.values.get(proposals.HONEYPOT):
        log.info("celebration proposals: a form with the hidden field filled was dropped")
        return RedirectResponse("/propose/thanks", status_code=303)
    try:
        async with app.sessions() as db:
            await celebration_proposals.check_limit(db, key, now)
    except proposals.ProposalLimitedError as exc:
        return _form_page(request, {"form": fields.values, "limited": exc.message}, 429)
    data = celebration_proposals.read_form(fields, now)
    if data is None:
        return _form_page(request, {"form": fields.values, "errors": fields.errors}, 400)
    async with session_scope(app.sessions) as db:
        await celebration_proposals.submit(db, data, key, now)
    return RedirectResponse("/propose/thanks", status_code=303)


routes: list[BaseRoute] = [
    Route("/celebrations", celebrations_page, name="celebrations"),
    Route("/propose/celebration", propose_form, methods=["GET"], name="propose_celebration"),
    Route("/propose/celebration", propose_submit, methods=["POST"]),
]
