"""The review queue: what waits for an admin's decision. Proposals from the call for sessions:
accept (the organisation, its session and its organiser's invitation are made) or decline with
a message. Sessions their organisers submitted (festival/workflow.py): each links to its page,
where the admin publishes it or sends it back to draft."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import auth, celebration_proposals, mail, proposals
from festival.db import session_scope
from festival.errors import NotFoundError
from festival.forms import Fields
from festival.i18n import gettext as _
from festival.models import Edition
from festival.models.proposals import ProposalStatus
from festival.routes.admin import admin_form, admin_only, back_to, page
from festival.scheduling_text import say
from festival.state import state
from festival.stores import audit
from scheduling.errors import SchedulingError


def _proposal_id(request: Request) -> int:
    value = str(request.path_params["proposal_id"])
    if not value.isdigit() or len(value) > 12:
        raise NotFoundError(_("There is no such proposal."), "proposal.not_found")
    return int(value)


@admin_only
async def queue(request: Request, account: auth.Account) -> Response:
    async with state(request).sessions() as db:
        waiting = await proposals.pending(db)
        editions = {e.id: e for e in [await db.get(Edition, p.edition_id) for p in waiting] if e}
        submitted = await audit.submitted_sessions(db)
        celebrations = await celebration_proposals.pending(db)
    context = {
        "proposals": waiting,
        "editions": editions,
        "submitted": submitted,
        "celebrations": celebrations,
    }
    return page(request, "admin/review.html", context)


async def _proposal_page(
    request: Request, context: dict[str, Any], status_code: int = 200
) -> Response:
    async with state(request).sessions() as db:
        proposal = await proposals.get(db, _proposal_id(request))
        edition = await db.get(Edition, proposal.edition_id)
        made = await proposals.made_from(db, proposal)
        namesakes = await proposals.namesakes(db, proposal)
    full = {
        "proposal": proposal,
        "edition": edition,
        "organisation": made[0],
        "session": made[1],
        "namesakes": namesakes,
        "is_pending": proposal.status == ProposalStatus.PENDING,
        "done": request.query_params.get("done", ""),
        "form": {"publish": "0"},
        **context,
    }
    return page(request, "admin/proposal.html", full, status_code)


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
    """Accept: make the organisation, the session (published or a draft), the invitation."""
    fields = await admin_form(request)
    publish = fields.choice("publish", ("0", "1"), _("Choose to publish the session or not."))
    if publish is None:
        return await _proposal_page(request, {"errors": fields.errors}, 400)
    app = state(request)
    proposal_id = _proposal_id(request)
    try:
        async with session_scope(app.sessions) as db:
            accepted = await proposals.accept(
                db, proposal_id, account, publish == "1", app.clock, app.settings
            )
    except proposals.ProposalDecidedError as exc:
        return await _refused(request, fields, "decision", exc.message, exc.status_code)
    except SchedulingError as exc:
        message = _("The session's time cannot be saved any more: %(error)s", error=say(exc))
        return await _refused(request, fields, "decision", message, 400)
    except mail.MailError as exc:
        message = _("The invitation could not be sent, so nothing was saved: %(error)s", error=exc)
        return await _refused(request, fields, "decision", message, 502)
    done = "accepted" if accepted.delivered else "accepted-logged"
    return back_to(f"/admin/proposals/{proposal_id}?done={done}")


@admin_only
async def decline(request: Request, account: auth.Account) -> Response:
    """Decline with a message to the contact (mailed, or written to the log without SMTP)."""
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
            delivered = await proposals.decline(
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
    return back_to(f"/admin/proposals/{proposal_id}?done={done}")


routes: list[BaseRoute] = [
    Route("/admin/review", queue, methods=["GET"], name="admin_review"),
    Route("/admin/proposals/{proposal_id}", proposal_page, methods=["GET"], name="admin_proposal"),
    Route(
        "/admin/proposals/{proposal_id}/accept",
        accept,
        methods=["POST"],
        name="admin_proposal_accept",
    ),
    Route(
        "/admin/proposals/{proposal_id}/decline",
        decline,
        methods=["POST"],
        name="admin_proposal_decline",
    ),
]
