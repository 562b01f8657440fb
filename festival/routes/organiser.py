"""The organisers' pages: their sessions, the session editor, the preview of a session (drafts
included) with its workflow and history, and the editor's two JSON helpers.

Every page needs a signed-in organiser of the session's organisation (or an admin:
festival/auth); every form carries the CSRF token; a refused form writes nothing and comes
back as typed, each problem beside its field (festival/editor.py).

* ``GET  /organiser``                               your organisations and their sessions
* ``GET  /organiser/sessions/new?organisation=``    a new session
* ``POST /organiser/sessions/new``                  check -> preview -> save (a draft)
* ``GET  /organiser/sessions/{uid}``                as it will look; its steps, its history
* ``GET  /organiser/sessions/{uid}/edit``, ``POST`` change it (the same check and preview)
* ``POST /organiser/sessions/{uid}/step``           submit, back to draft, publish, cancel
* ``GET  /organiser/zones.json?q=&date=``           zones by city and country (anyone)
* ``GET  /organiser/time.json?date=&start=&...``    what a time means (conflicts: its organisers)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth, editor, labels, sessions, workflow, zonenames
from festival.auth.account import Account
from festival.db import session_scope
from festival.errors import BadRequestError, NotFoundError
from festival.i18n import gettext as _
from festival.models import Edition, FestivalSession, Organisation
from festival.state import state
from festival.stores import changes as changes_store
from festival.stores import organisers as store
from festival.stores import programme as programme_store
from festival.stores import toolkits as toolkits_store
from festival.templating import render
from festival.viewer import request_now
from scheduling import vocabulary, zonesearch

JSON_TYPE = "application/json; charset=utf-8"


def _page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    response = render(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _json(data: dict[str, Any], status_code: int = 200) -> Response:
    response = JSONResponse(data, status_code=status_code, media_type=JSON_TYPE)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- the dashboard ------------------------------------------------------------------------------


async def dashboard(request: Request) -> Response:
    """Your organisations and their sessions. An admin manages every organisation: those they
    are not an organiser of are listed without their sessions (/admin/sessions has them all)."""
    account = await auth.require_account(request)
    async with state(request).sessions() as db:
        organisations = await store.organisations_of(db, account)
        groups = [
            (org, await store.sessions_of(db, org.id or 0))
            for org in organisations
            if auth.is_member(account, org.id or 0)
        ]
        others = [org for org in organisations if not auth.is_member(account, org.id or 0)]
    context = {"account": account, "groups": groups, "others": others}
    return _page(request, "organiser/index.html", context)


# -- the editor ---------------------------------------------------------------------------------


async def _editions(db: AsyncSession) -> list[Edition]:
    return await programme_store.list_editions(db)


def _default_edition(request: Request, editions: list[Edition]) -> Edition | None:
    wanted = state(request).settings.default_edition
    return next((e for e in editions if e.slug == wanted), editions[0] if editions else None)


async def _organisation(db: AsyncSession, slug: str, account: Account) -> Organisation:
    if not slug:
        mine = await store.organisations_of(db, account)
        if len(mine) == 1:
            return mine[0]
        raise BadRequestError(
            _("Say which organisation the session is for: start from your organiser page."),
            "organisation.missing",
        )
    return await programme_store.get_organisation(db, slug)


def _form_context(
    request: Request,
    organisation: Organisation,
    editions: list[Edition],
    typed: editor.Typed,
    checked: editor.Checked | None = None,
    session: FestivalSession | None = None,
) -> dict[str, Any]:
    at = request_now(request)
    zone_choices = [zonesearch.describe(place, at) for place in editor.zone_places()]
    errors = dict(checked.errors) if checked is not None else {}
    return {
        "organisation": organisation,
        "editions": editions,
        "typed": typed,
        "checked": checked,
        "errors": errors,
        "session": session,
        "zone_choices": zone_choices,
        "occurrence_label": editor.occurrence_label,
        "zone_match_label": zonenames.label,
        "kinds": vocabulary.KINDS,
        "audiences": vocabulary.AUDIENCES,
        "sdgs": [(n, labels.SDG_NAMES[n]) for n in vocabulary.SDGS],
        "action": (
            f"/organiser/sessions/{session.uid}/edit"
            if session is not None
            else "/organiser/sessions/new"
        ),
    }


async def new_form(request: Request) -> Response:
    account = await auth.require_account(request)
    async with state(request).sessions() as db:
        organisation = await _organisation(
            db, request.query_params.get("organisation", ""), account
        )
        await auth.require_member(request, organisation.id or 0)
        editions = await _editions(db)
    typed = editor.Typed.for_new(organisation, _default_edition(request, editions))
    return _page(
        request, "organiser/edit.html", _form_context(request, organisation, editions, typed)
    )


async def _submit(request: Request, account: Account, session_uid: str | None) -> Response:
    """Check the form; answer with the form and its problems, or its preview, or save."""
    form = await request.form()
    await auth.verify_csrf(request, form)
    typed = editor.Typed.from_form(form)
    app = state(request)
    async with session_scope(app.sessions) as db:
        session: FestivalSession | None = None
        if session_uid is None:
            slug = form.get("organisation")
            organisation = await _organisation(db, slug if isinstance(slug, str) else "", account)
            await auth.require_member(request, organisation.id or 0)
        else:
            session = await _session_row(db, session_uid, lock=True)
            await auth.require_session_manager(request, session)
            organisation = await store.organisation_by_id(db, session.organisation_id)
        editions = await _editions(db)
        checked = await editor.check(
            db, typed, organisation, editions, request_now(request), session
        )
        if checked.ready:
            try:
                saved = await editor.save(db, checked, organisation, account, app.clock, session)
            except sessions.SessionChangedError as exc:
                checked.errors["form"] = exc.message
            else:
                return RedirectResponse(f"/organiser/sessions/{saved.uid}?saved=1", status_code=303)
    context = _form_context(request, organisation, editions, typed, checked, session)
    status = 409 if "form" in checked.errors else (400 if checked.errors else 200)
    return _page(request, "organiser/edit.html", context, status_code=status)


async def new_submit(request: Request) -> Response:
    account = await auth.require_account(request)
    return await _submit(request, account, None)


async def _session_row(db: AsyncSession, uid: str, lock: bool = False) -> FestivalSession:
    query = select(FestivalSession).where(col(FestivalSession.uid) == uid)
    if lock:
        # Two editors saving at once: the second waits here, then finds a newer revision.
        query = query.with_for_update()
    row = (await db.execute(query)).scalar_one_or_none()
    if row is None:
        raise NotFoundError(
            _("There is no session with id %(uid)s.", uid=repr(uid)), "session.not_found"
        )
    return row


async def edit_form(request: Request) -> Response:
    await auth.require_account(request)
    async with state(request).sessions() as db:
        session = await _session_row(db, request.path_params["uid"])
        await auth.require_session_manager(request, session)
        organisation = await store.organisation_by_id(db, session.organisation_id)
        editions = await _editions(db)
        edition = next(e for e in editions if e.id == session.edition_id)
        hosts = editor.host_lines(session, await store.host_accounts(db, session.id or 0))
    typed = editor.Typed.of_session(session, edition, hosts)
    context = _form_context(request, organisation, editions, typed, session=session)
    return _page(request, "organiser/edit.html", context)


async def edit_submit(request: Request) -> Response:
    account = await auth.require_account(request)
    return await _submit(request, account, request.path_params["uid"])


# -- one session: preview, steps, history -------------------------------------------------------


async def session_page(request: Request) -> Response:
    account = await auth.require_account(request)
    async with state(request).sessions() as db:
        session = await _session_row(db, request.path_params["uid"])
        await auth.require_session_manager(request, session)
        organisation = await store.organisation_by_id(db, session.organisation_id)
        slot = await programme_store.get_slot(db, session.uid, include_drafts=True)
        edition = await programme_store.get_edition(db, slot.edition_slug)
        history = await changes_store.history(db, session.id or 0)
        materials = await toolkits_store.toolkits_of_session(
            db, session.id or 0, published_only=False
        )
        attachable = await toolkits_store.attachable(db, session.organisation_id)
    steps = workflow.allowed_steps(account, session, organisation.trusted)
    context = {
        "session": session,
        "slot": slot,
        "organisation": organisation,
        "edition": edition,
        "history": history,
        "steps": [(step, workflow.TRANSITIONS[step]) for step in steps],
        "done": _done(request.query_params.get("done", "")),
        "saved": request.query_params.get("saved") == "1",
        "public": session.status in vocabulary.PUBLIC_STATUSES,
        "waiting": session.status == vocabulary.SessionStatus.SUBMITTED,
        "materials": materials,
        "attachable": [t for t in attachable if t.id not in {e.toolkit.id for e in materials}],
    }
    return _page(request, "organiser/session.html", context)


def _done(step: str) -> str:
    try:
        return workflow.TRANSITIONS[workflow.Step(step)].done
    except ValueError:
        return ""


async def take_step(request: Request) -> Response:
    account = await auth.require_account(request)
    form = await request.form()
    await auth.verify_csrf(request, form)
    uid = request.path_params["uid"]
    try:
        step = workflow.Step(str(form.get("step", "")))
    except ValueError:
        raise BadRequestError(
            _("Choose a step from the session's page."), "request.invalid"
        ) from None
    if step is workflow.Step.CANCEL and form.get("sure") != "yes":
        raise BadRequestError(
            _("Tick “Yes, cancel it” to cancel the session: nothing was changed."),
            "session.cancel_unconfirmed",
        )
    app = state(request)
    async with session_scope(app.sessions) as db:
        session = await _session_row(db, uid, lock=True)
        await auth.require_session_manager(request, session)
        organisation = await store.organisation_by_id(db, session.organisation_id)
        await workflow.take_step(db, session, step, account, organisation.trusted, app.clock)
    return RedirectResponse(f"/organiser/sessions/{uid}?done={step.value}", status_code=303)


# -- JSON helpers of the form -------------------------------------------------------------------


def _asked_instant(request: Request) -> datetime:
    """Offsets are given for the session's date when the form has one, else for now."""
    try:
        day = date.fromisoformat(request.query_params.get("date", ""))
    except ValueError:
        return request_now(request)
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


async def zones_json(request: Request) -> Response:
    """``{"zones": [{"zone", "label", "offset"}]}``: zones found by city, country or region."""
    at = _asked_instant(request)
    found = editor.search_zones(request.query_params.get("q", ""), at)
    return _json(
        {
            "zones": [
                {"zone": m.zone, "label": zonenames.label(m), "offset": m.offset} for m in found
            ]
        }
    )


async def time_json(request: Request) -> Response:
    """What the typed time means (the editor's live preview); with ``organisation``, for its
    organisers, the conflicts too. Never writes."""
    typed = editor.Typed.from_form(request.query_params)
    async with state(request).sessions() as db:
        editions = await _editions(db)
        edition = next((e for e in editions if e.slug == typed.get("edition")), None)
        checked = editor.check_time(typed, edition, _asked_instant(request))
        notes = await _live_conflicts(request, db, typed, checked)
    found = checked.meaning
    body: dict[str, Any] = {
        "ok": not checked.errors,
        "errors": checked.errors,
        "seen": checked.seen,
        "zone": checked.zone,
        "fold_for": checked.fold_key,
        "sentence": checked.sentence,
        "starts_at_utc": found.starts_at_utc.isoformat() if found else None,
        "ends_at_utc": found.ends_at_utc.isoformat() if found else None,
        "within_festival": found.within_festival if found else None,
        "festival": checked.festival_text,
        "gap": list(checked.gap) if checked.gap else [],
        "occurrences": [
            {"fold": o.fold, "label": editor.occurrence_label(o, checked.zone)}
            for o in checked.occurrences
        ],
        "zones": [{"zone": m.zone, "label": zonenames.label(m)} for m in checked.zone_matches],
        "conflicts": notes,
    }
    return _json(body)


async def _live_conflicts(
    request: Request, db: AsyncSession, typed: editor.Typed, checked: editor.TimeCheck
) -> list[str]:
    """The conflicts of the typed time, for the organisation's organisers only."""
    slug = request.query_params.get("organisation", "")
    account = await auth.current_account(request)
    if checked.meaning is None or not slug or account is None:
        return []
    try:
        organisation = await programme_store.get_organisation(db, slug)
    except NotFoundError:
        return []
    if not auth.can_manage_organisation(account, organisation.id or 0):
        return []
    session: FestivalSession | None = None
    uid = request.query_params.get("session", "")
    if uid:
        found = (
            await db.execute(select(FestivalSession).where(col(FestivalSession.uid) == uid))
        ).scalar_one_or_none()
        if found is not None and found.organisation_id == organisation.id:
            session = found
    notes = await editor.live_conflicts(db, typed, checked.meaning, organisation, session)
    return [note.text for note in notes]


routes: list[BaseRoute] = [
    Route("/organiser", dashboard, name="organiser"),
    Route("/organiser/zones.json", zones_json, name="organiser_zones"),
    Route("/organiser/time.json", time_json, name="organiser_time"),
    Route("/organiser/sessions/new", new_form, methods=["GET"], name="organiser_new"),
    Route("/organiser/sessions/new", new_submit, methods=["POST"], name="organiser_create"),
    Route("/organiser/sessions/{uid}", session_page, name="organiser_session"),
    Route("/organiser/sessions/{uid}/edit", edit_form, methods=["GET"], name="organiser_edit"),
    Route("/organiser/sessions/{uid}/edit", edit_submit, methods=["POST"], name="organiser_update"),
    Route("/organiser/sessions/{uid}/step", take_step, methods=["POST"], name="organiser_step"),
]
