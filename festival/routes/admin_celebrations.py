"""Proposed learning celebrations in the review queue: an admin accepts (the organisation, the
celebration's edition and its organiser's invitation are made) or declines with a message.

* ``GET  /admin/celebration-proposals/{id}``           the proposal
* ``POST /admin/celebration-proposals/{id}/accept``    accept
* ``POST /admin/celebration-proposals/{id}/decline``   decline, with a message
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import auth, mail, proposals
from festival import celebration_proposals as celebrations
from festival.db import session_scope
from festival.editions import EditionRefused
from festival.errors import NotFoundError
from festival.forms import Fields
from festival.i18n import gettext as _
from festival.models import Edition
from festival.models.proposals import ProposalStatus
from festival.routes.admin import admin_form, admin_only, back_to, page
from festival.state import state


def _proposal_id(request: Request) -> int:
    value = str(request.path_params["proposal_id"])
    if not value.isdigit() or len(value) > 12:
        raise NotFoundError(_("There is no such proposal."), "proposal.not_found")
    return int(value)


async def _proposal_page(
    request: Request, context: dict[str, Any], status_code: int = 200
) -> Response:
    async with state(request).sessions() as db:
        proposal = await celebrations.get(db, _proposal_id(request))
        edition = await db.get(Edition, proposal.edition_id) if proposal.edition_id else None
    full = {
        "proposal": proposal,
        "edition": edition,
        "is_pending": proposal.status == ProposalStatus.PENDING,
        "done": request.query_params.get("done", ""),
        **context,
    }
    return page(request, "celebrations/admin_proposal.html", full, status_code)


@admin_only
async def proposal_page(request: Request, account: auth.Account) -> Response:
    return await _proposal_page(request, {})


async def _refused(
    request: Request, fields: Fields, field: str, message: str, status: int
) -> Response:
    fields.fail(field, message)
    return await _proposal_page(request, {"form": fields.values, "errors": fields.errors}, status)


@admin_only
async def accept(request: Request, account: auth.Account) -> Response:
    fields = await admin_form(request)
    app = state(request)
    proposal_id = _proposal_id(request)
    try:
        async with session_scope(app.sessions) as db:
            accepted = await celebrations.accept(db, proposal_id, account, app.clock, app.settings)
    except proposals.ProposalDecidedError as exc:
        return await _refused(request, fields, "decision", exc.message, exc.status_code)
    except EditionRefused:  # two admins accepting two namesakes at once: the second retries
        return await _refused(
            request,
            fields,
            "decision",
            _("Another edition took this name just now: try again."),
            409,
        )
    except mail.MailError as exc:
        message = _("The invitation could not be sent, so nothing was saved: %(error)s", error=exc)
        return await _refused(request, fields, "decision", message, 502)
    done = "accepted" if accepted.delivered else "accepted-logged"
    return back_to(f"/admin/celebration-proposals/{proposal_id}?done={done}")


@admin_only
async def decline(request: Request, account: auth.Account) -> Response:
    fields = await admin_form(request)
    message = fields.text(
        "message",
        required=_("Say why, in a few words: the contact receives this message."),
        max_length=proposals.MAX_DECLINE_MESSAGE,
        label=_("The message"),
    )
    if not fields.ok:
        return await _proposal_page(request, {"form": fields.values, "errors": fields.errors}, 400)
    app = state(request)
    proposal_id = _proposal_id(request)
    try:
        async with session_scope(app.sessions) as db:
            delivered = await celebrations.decline(
                db, proposal_id, account, message, app.clock, app.settings
            )
    except proposals.ProposalDecidedError as exc:
        return await _refused(request, fields, "message", exc.message, exc.status_code)
    except mail.MailError as exc:
        message = _(
            "The message could not be sent, so the proposal is still waiting: %(error)s", error=exc
        )
        return await _refused(request, fields, "message", message, 502)
    done = "declined" if delivered else "declined-logged"
    return back_to(f"/admin/celebration-proposals/{proposal_id}?done={done}")


routes: list[BaseRoute] = [
    Route("/admin/celebration-proposals/{proposal_id}", proposal_page, methods=["GET"]),
    Route("/admin/celebration-proposals/{proposal_id}/accept", accept, methods=["POST"]),
    Route("/admin/celebration-proposals/{proposal_id}/decline", decline, methods=["POST"]),
]
