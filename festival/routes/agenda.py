"""The personal agenda: save sessions without an account, subscribe to them, rotate the address.

The browser keeps the agenda's token in an HttpOnly cookie; the token is also the feed's
address (``/agenda/{token}.ics``), so whoever has that address can read the agenda and nobody
else can. Rotating gives a new token: the old address then answers the site's plain 404.
Every change is a POST form carrying the CSRF token.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from festival import auth, cookies
from festival.db import session_scope
from festival.errors import BadRequestError
from festival.i18n import gettext as _
from festival.models import Agenda
from festival.state import state
from festival.stores import account_agendas
from festival.stores import agenda as agenda_store
from festival.stores import changes as changes_store
from festival.templating import render
from festival.viewer import request_now, resolve_viewer
from scheduling import ical

AGENDA_COOKIE = "festival_agenda"
AGENDA_COOKIE_MAX_AGE = 400 * 24 * 3600  # seconds; the longest browsers keep a cookie


def feed_path(token: str) -> str:
    return f"/agenda/{token}.ics"


def agenda_token(request: Request) -> str | None:
    """The agenda token of this browser's cookie, if it looks like one."""
    token = request.cookies.get(AGENDA_COOKIE, "").strip()
    return token if agenda_store.looks_like_token(token) else None


def _remember(request: Request, response: Response, token: str) -> None:
    cookies.set_cookie(
        response, state(request).settings, AGENDA_COOKIE, token, AGENDA_COOKIE_MAX_AGE
    )


async def agenda_page(request: Request) -> Response:
    """The saved sessions in the viewer's zone, with the feed's links and the rotate button."""
    viewer = resolve_viewer(request, strict=False)
    token = agenda_token(request)
    slots = []
    notices: dict[int, changes_store.Notice] = {}
    async with state(request).sessions() as db:
        record = await agenda_store.find_agenda(db, token) if token else None
        if record is not None:
            slots = await agenda_store.agenda_slots(db, record)
            # What changed since it was saved: a change seen when saving is no news.
            notices = await changes_store.latest_notices(
                db,
                [(slot.id, slot.tz_name) for slot in slots],
                since=await agenda_store.saved_at(db, record),
            )
    settings = state(request).settings
    links = None
    if record is not None and token is not None:
        https = settings.site_url + feed_path(token)
        links = {
            "webcal": ical.webcal_url(https),
            "https": https,
            "download": https + "?download=1",
        }
    context = {
        "agenda": record,
        "slots": slots,
        "notices": notices,
        "links": links,
        "saved": request.query_params.get("saved", ""),
        "rotated": request.query_params.get("rotated") == "1",
    }
    response = render(request, "agenda/index.html", context, viewer=viewer)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, no-store"
    return response


async def _form_uid(request: Request) -> tuple[str, str]:
    form = await request.form()
    await auth.verify_csrf(request, form)
    uid = form.get("uid")
    if not isinstance(uid, str) or not uid.strip():
        raise BadRequestError(_("Say which session (uid) to save or remove."), "agenda.invalid")
    next_value = form.get("next")
    return uid.strip(), (next_value if isinstance(next_value, str) else "")


async def save(request: Request) -> Response:
    """Save a session; creates the agenda (and its cookie) on the first save."""
    uid, _next = await _form_uid(request)
    form = await request.form()
    back = form.get("back")  # the programme's star: back to the card, not to the agenda
    now = request_now(request)
    token = agenda_token(request)
    async with session_scope(state(request).sessions) as db:
        record: Agenda | None = await agenda_store.find_agenda(db, token) if token else None
        if record is None:
            record, token = await agenda_store.create_agenda(db, now)
        await agenda_store.save_session(db, record, uid, now)
    assert token is not None
    shown = f"/agenda?saved={quote(uid)}#s-{quote(uid)}"
    target = auth.safe_next(back, shown) if isinstance(back, str) else shown
    response = RedirectResponse(target, status_code=303)
    _remember(request, response, token)
    return response


async def remove(request: Request) -> Response:
    uid, next_value = await _form_uid(request)
    token = agenda_token(request)
    async with session_scope(state(request).sessions) as db:
        record = await agenda_store.find_agenda(db, token) if token else None
        if record is not None:
            await agenda_store.remove_session(db, record, uid, request_now(request))
    return RedirectResponse(auth.safe_next(next_value, "/agenda"), status_code=303)


async def rotate(request: Request) -> Response:
    """A new address for the agenda; the old one stops working at once."""
    form = await request.form()
    await auth.verify_csrf(request, form)
    token = agenda_token(request)
    async with session_scope(state(request).sessions) as db:
        record = await agenda_store.find_agenda(db, token) if token else None
        if record is None:
            return RedirectResponse("/agenda", status_code=303)
        new_token = await agenda_store.rotate_token(db, record, request_now(request))
        # A signed-in account's agenda: its other devices get the new address at sign-in.
        assert record.id is not None
        await account_agendas.reseal(db, record.id, new_token, state(request).settings.secret_key)
    response = RedirectResponse("/agenda?rotated=1", status_code=303)
    _remember(request, response, new_token)
    return response


routes: list[BaseRoute] = [
    Route("/agenda", agenda_page, name="agenda"),
    Route("/agenda/save", save, methods=["POST"], name="agenda_save"),
    Route("/agenda/remove", remove, methods=["POST"], name="agenda_remove"),
    Route("/agenda/rotate", rotate, methods=["POST"], name="agenda_rotate"),
]
