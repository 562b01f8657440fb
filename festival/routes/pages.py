"""Server-rendered pages: festival home, programme, session, organisations, editions.

Every handler resolves the viewer (zone and "now") first, so an unknown ``?tz=`` is reported
on the page itself (status 400, times in UTC) rather than on a bare error page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival import cookies, times
from festival.errors import NotFoundError
from festival.i18n import gettext as _
from festival.labels import country_name, language_name
from festival.models import Edition, EditionKind
from festival.routes.agenda import agenda_token
from festival.scheduling_text import say
from festival.state import state
from festival.stores import agenda as agenda_store
from festival.stores import changes as changes_store
from festival.stores import programme as store
from festival.stores import toolkits as toolkits_store
from festival.templating import render
from festival.viewer import Viewer, localize, resolve_viewer
from festival.views import banner_for, build_timeline
from scheduling import programme, vocabulary, window
from scheduling.errors import FilterError, OutsideFestivalError
from scheduling.slots import Slot
from scheduling.vocabulary import PUBLIC_STATUSES, SessionStatus

HOME_LIST_LIMIT = 12


async def _default_edition(db: Any, request: Request) -> Edition | None:
    """The configured edition, else the first flagship, else any; None on an empty site."""
    try:
        return await store.get_edition(db, state(request).settings.default_edition)
    except NotFoundError:
        editions = await store.list_editions(db)
        flagships = [e for e in editions if e.kind == EditionKind.FLAGSHIP.value]
        candidates = flagships or editions
        return candidates[0] if candidates else None


# -- home ---------------------------------------------------------------------------------------


async def _home(request: Request, slug: str | None) -> Response:
    viewer = resolve_viewer(request, strict=False)
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, slug) if slug else await _default_edition(db, request)
        editions = await store.list_editions(db)
        slots = await store.list_slots(db, edition) if edition is not None else []
    if edition is None:
        return render(request, "home/empty.html", {"editions": editions}, viewer=viewer)
    festival_window = window.window_for_dates(edition.days)
    timeline = build_timeline(programme.coverage(slots, festival_window), viewer.zone, viewer.now)
    live = programme.live_now(slots, viewer.now)
    soon = programme.starting_soon(slots, viewer.now, within_minutes=60)
    # Before the festival (or in a quiet hour) the page shows what comes next, not only "nothing".
    upcoming = [] if live or soon else programme.next_up(slots, viewer.now, HOME_LIST_LIMIT)
    to_start = festival_window.starts_at_utc - viewer.now
    context = {
        "edition": edition,
        "editions": [e for e in editions if e.slug != edition.slug],
        "banner": banner_for(edition.days, viewer.now),
        "window": festival_window,
        "live": live[:HOME_LIST_LIMIT],
        "live_count": len(live),
        "soon": soon[:HOME_LIST_LIMIT],
        "soon_count": len(soon),
        "upcoming": upcoming,
        "starts_in_hours": to_start.total_seconds() / 3600
        if to_start.total_seconds() > 0
        else None,
        "timeline": timeline,
        "session_count": programme.session_count(slots),
        "programme_url": programme_url(edition, request),
    }
    return render(request, "home/index.html", context, viewer=viewer)


async def home(request: Request) -> Response:
    return await _home(request, None)


async def edition_home(request: Request) -> Response:
    return await _home(request, request.path_params["slug"])


def programme_url(edition: Edition, request: Request) -> str:
    if edition.slug == state(request).settings.default_edition:
        return "/programme"
    return f"/editions/{edition.slug}/programme"


# -- programme ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormOptions:
    """Choices offered by the filter form, taken from the edition's programme."""

    languages: list[str]
    organisations: list[tuple[str, str]]  # (slug, name)
    countries: list[tuple[str, str]]  # (code, name)
    days: list[date]  # viewer-local days with sessions


def form_options(slots: Sequence[Slot], viewer: Viewer) -> FormOptions:
    languages = sorted({lang.lower() for s in slots for lang in s.languages}, key=language_name)
    orgs = sorted({(s.organisation_slug, s.organisation_name) for s in slots}, key=lambda o: o[1])
    countries = sorted(
        {(s.country, country_name(s.country)) for s in slots if s.country}, key=lambda c: c[1]
    )
    days = sorted({localize(s.starts_at_utc, viewer.zone).date() for s in slots})
    return FormOptions(languages, orgs, countries, days)


def query_lists(request: Request) -> dict[str, list[str]]:
    return {name: request.query_params.getlist(name) for name in request.query_params}


def chosen_values(params: dict[str, list[str]]) -> dict[str, set[str]]:
    """What the form shows as picked, straight from the query (kept even when invalid)."""
    return {
        name: {part.strip() for value in values for part in value.split(",") if part.strip()}
        for name, values in params.items()
    }


#: How the programme lists sessions: cards, or one line per session (for phones).
PROGRAMME_VIEWS = ("cards", "compact")
VIEW_COOKIE = "programme_view"
VIEW_COOKIE_SECONDS = 365 * 24 * 3600


def programme_view(request: Request) -> tuple[str, bool]:
    """The view asked for with ``?view=`` (then remembered), else the remembered one, else
    cards; and whether it was asked for now. An unknown value is ignored."""
    asked = request.query_params.get("view")
    if asked in PROGRAMME_VIEWS:
        return asked, True
    remembered = request.cookies.get(VIEW_COOKIE)
    return (remembered if remembered in PROGRAMME_VIEWS else "cards"), False


async def _programme(request: Request, slug: str | None) -> Response:
    viewer = resolve_viewer(request, strict=False)
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, slug) if slug else await _default_edition(db, request)
        if edition is None:
            raise NotFoundError(_("There is no festival edition yet."), "edition.not_found")
        slots = await store.list_slots(db, edition, statuses=PUBLIC_STATUSES)
        token = agenda_token(request)
        agenda = await agenda_store.find_agenda(db, token) if token else None
        saved = await agenda_store.agenda_uids(db, agenda) if agenda else set()
    view, asked = programme_view(request)
    params = query_lists(request)
    filter_error: str | None = None
    days: list[tuple[date, list[Slot]]] = []
    matched = cancelled = 0
    now_uid: str | None = None
    try:
        filters = programme.parse_filters(params)
        programme.check_day_in_window(filters, window.window_for_dates(edition.days), viewer.zone)
    except (FilterError, OutsideFestivalError) as exc:
        filter_error = say(exc)
        filters = programme.Filters()
    if filter_error is None:
        chosen = programme.apply_filters(slots, filters, viewer.zone)
        # Counted as the home page counts (published sessions); cancelled ones are listed too.
        matched = programme.session_count(chosen)
        cancelled = len(chosen) - matched
        days = programme.group_by_local_day(chosen, viewer.zone)
        # "Jump to now": the first session, in programme order, that has not ended yet.
        now_uid = next((s.uid for day in days for s in day[1] if s.ends_at_utc > viewer.now), None)
    context = {
        "edition": edition,
        "days": days,
        "matched": matched,
        "cancelled": cancelled,
        "total": programme.session_count(slots),
        "filters": filters,
        "filter_error": filter_error,
        "params": params,
        "chosen": chosen_values(params),
        "options": form_options(slots, viewer),
        "kinds": vocabulary.KINDS,
        "audiences": vocabulary.AUDIENCES,
        "action": request.url.path,
        "saved": saved,
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "now_uid": now_uid,
        "view": view,
        # "14:05" in the viewer's zone: the compact list names the zone once per day instead.
        "wall_clock": lambda instant: localize(instant, viewer.zone).strftime("%H:%M"),
        # A day tab: "Mon 04", "lun. 04" (CLDR in the page's language).
        "short_day": lambda day: times.local_strftime(datetime.combine(day, time(12)), "%a %d"),
        # The query without `view`, for the switch's two links.
        "view_keep": [(k, v) for k, values in params.items() if k != "view" for v in values],
    }
    response = render(
        request,
        "programme/index.html",
        context,
        viewer=viewer,
        status_code=400 if filter_error else 200,
    )
    if asked:
        settings = state(request).settings
        cookies.set_cookie(response, settings, VIEW_COOKIE, view, VIEW_COOKIE_SECONDS)
    return response


async def programme_page(request: Request) -> Response:
    return await _programme(request, None)


async def edition_programme(request: Request) -> Response:
    return await _programme(request, request.path_params["slug"])


# -- one session, organisations, editions -------------------------------------------------------


async def session_page(request: Request) -> Response:
    viewer = resolve_viewer(request, strict=False)
    async with state(request).sessions() as db:
        slot = await store.get_slot(db, request.path_params["uid"])
        organisation = await store.get_organisation(db, slot.organisation_slug)
        edition = await store.get_edition(db, slot.edition_slug)
        notices = await changes_store.latest_notices(db, [(slot.id, slot.tz_name)])
        materials = await toolkits_store.toolkits_of_session(db, slot.id)
    context = {
        "slot": slot,
        "materials": materials,
        "notice": notices.get(slot.id),
        "organisation": organisation,
        "edition": edition,
        "is_live": slot.status == SessionStatus.PUBLISHED.value and slot.is_live(viewer.now),
        "is_over": slot.ends_at_utc <= viewer.now,
    }
    return render(request, "session/detail.html", context, viewer=viewer)


async def organisations_page(request: Request) -> Response:
    viewer = resolve_viewer(request, strict=False)
    async with state(request).sessions() as db:
        organisations = await store.list_organisations(db)
        slots = await store.list_slots(db)
    by_organisation: dict[str, list[Slot]] = {}
    for slot in slots:
        by_organisation.setdefault(slot.organisation_slug, []).append(slot)
    counts = {slug: programme.session_count(own) for slug, own in by_organisation.items()}
    context = {"organisations": organisations, "counts": counts}
    return render(request, "organisation/index.html", context, viewer=viewer)


async def organisation_page(request: Request) -> Response:
    viewer = resolve_viewer(request, strict=False)
    async with state(request).sessions() as db:
        organisation = await store.get_organisation(db, request.path_params["slug"])
        slots = await store.list_slots(
            db, statuses=PUBLIC_STATUSES, organisation_id=organisation.id
        )
    context = {
        "organisation": organisation,
        "days": programme.group_by_local_day(slots, viewer.zone),
        "session_count": len(slots),
    }
    return render(request, "organisation/detail.html", context, viewer=viewer)


async def editions_page(request: Request) -> Response:
    viewer = resolve_viewer(request, strict=False)
    async with state(request).sessions() as db:
        editions = await store.list_editions(db)
    rows = [(e, window.window_for_dates(e.days)) for e in editions]
    context = {
        "rows": rows,
        "default_slug": state(request).settings.default_edition,
    }
    return render(request, "home/editions.html", context, viewer=viewer)


routes: list[BaseRoute] = [
    Route("/", home, name="home"),
    Route("/programme", programme_page, name="programme"),
    Route("/editions", editions_page, name="editions"),
    Route("/editions/{slug}", edition_home, name="edition"),
    Route("/editions/{slug}/programme", edition_programme, name="edition_programme"),
    Route("/sessions/{uid}", session_page, name="session"),
    Route("/organisations", organisations_page, name="organisations"),
    Route("/organisations/{slug}", organisation_page, name="organisation"),
]
