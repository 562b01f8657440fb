"""The call for sessions, public: a new organisation proposes itself and its first session
(``/propose``); the rules, the spam guards and the review are festival/proposals.py."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth, labels, organisations, proposals
from festival.addresses import address_key
from festival.db import session_scope
from festival.forms import Fields
from festival.state import state
from festival.stores import programme as store
from festival.templating import render
from scheduling import vocabulary

log = logging.getLogger("festival.proposals")


def client_key(request: Request) -> str:
    """The keyed hash of the sender's network address, what the proposals' limit counts."""
    host = request.client.host if request.client is not None else None
    return address_key(host, state(request).settings.secret_key)


async def _form_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    app = state(request)
    async with app.sessions() as db:
        editions = proposals.open_editions(await store.list_editions(db), app.clock.now())
    full = {
        "editions": editions,
        "kinds": [(kind, labels.kind_label(kind)) for kind in vocabulary.KINDS],
        "organisation_kinds": [
            (kind, labels.organisation_kind_label(kind)) for kind in organisations.KINDS
        ],
        "countries": organisations.countries(),
        "languages": sorted(labels.LANGUAGE_NAMES.items(), key=lambda item: item[1]),
        "form": {"language": "en", "duration_minutes": "60", "kind": "workshop"},
        "errors": {},
        "occurrences": (),
        "honeypot": proposals.HONEYPOT,
        **context,
    }
    response = render(request, "proposals/form.html", full, status_code=status_code)
    response.headers["Cache-Control"] = "private, no-store"
    return response


async def form_page(request: Request) -> Response:
    return await _form_page(request, {})


async def submit(request: Request) -> Response:
    """Check the form, the honeypot and the limit; store the proposal for review (PRG)."""
    form = await request.form()
    await auth.verify_csrf(request, form)
    fields = Fields(form)
    app = state(request)
    now = app.clock.now()
    key = client_key(request)
    if fields.values.get(proposals.HONEYPOT):
        # Answered as a success, so that a robot learns nothing; nothing is stored.
        log.info("call for sessions: a form with the hidden field filled was dropped")
        return RedirectResponse("/propose/thanks", status_code=303)
    try:
        async with app.sessions() as db:
            await proposals.check_limit(db, key, now)
    except proposals.ProposalLimitedError as exc:
        limited = {"form": fields.values, "limited": exc.message}
        return await _form_page(request, limited, exc.status_code)
    async with app.sessions() as db:
        editions = proposals.open_editions(await store.list_editions(db), now)
    reading = proposals.read_form(fields, editions)
    if reading.proposal is None:
        context: dict[str, Any] = {
            "form": fields.values,
            "errors": fields.errors,
            "occurrences": reading.occurrences,
        }
        return await _form_page(request, context, 400)
    async with session_scope(app.sessions) as db:
        await proposals.submit(db, reading.proposal, key, now)
    return RedirectResponse("/propose/thanks", status_code=303)


async def thanks(request: Request) -> Response:
    return render(request, "proposals/thanks.html", {})


routes: list[BaseRoute] = [
    Route("/propose", form_page, methods=["GET"], name="propose"),
    Route("/propose", submit, methods=["POST"], name="propose_submit"),
    Route("/propose/thanks", thanks, methods=["GET"], name="propose_thanks"),
]
