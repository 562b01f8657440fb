"""Calendar feeds, downloads, "add to calendar" links and conference-app exports.

Addresses (documented in docs/calendars.md):

* ``/editions/{slug}/calendar.ics``            the festival feed; API filters narrow it
* ``/organisations/{slug}/calendar.ics``       one organisation's sessions, every edition
* ``/sessions/{uid}/calendar.ics``             one session
* ``/agenda/{token}.ics``                      a personal agenda (routes/agenda.py manages it)
* ``/editions/{slug}/schedule.xml`` / ``.json`` frab XML and c3voc JSON exports
* ``/editions/{slug}/calendar``                 the "subscribe" page with every link

Feeds are served from a per-process cache keyed by the data version (feedcache.py), answer
conditional requests with 304, and are downloads (``Content-Disposition: attachment``) only
with ``?download=1``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from festival import auth
from festival.errors import NotFoundError
from festival.feedcache import RenderedFeed, cache_for, feed_response, make_etag
from festival.labels import audience_label, kind_label, language_name
from festival.models import Edition, EditionKind
from festival.routes import admin, agenda
from festival.routes.pages import render
from festival.settings import Settings
from festival.stores import agenda as agenda_store
from festival.stores import programme as store
from festival.viewer import (
    UTC_ZONE,
    request_now,
    resolve_viewer,
    viewer_zone_name,
)
from scheduling import exports, ical, programme
from scheduling.slots import Slot

CALENDAR_TYPE = "text/calendar; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
REFRESH_MINUTES = 60


# -- links ------------------------------------------------------------------------------------


def site_links(settings: Settings) -> ical.SiteLinks:
    """Where sessions live on this site (the live room is reached from the session page)."""
    return ical.SiteLinks(settings.site_url, "/sessions/{uid}", "/sessions/{uid}")


def edition_feed_path(slug: str, query: Sequence[tuple[str, str]] = ()) -> str:
    path = f"/editions/{slug}/calendar.ics"
    return path + ("?" + urlencode(list(query)) if query else "")


def feed_links(settings: Settings, path: str) -> dict[str, str]:
    """The three ways to use a feed: subscribe (webcal), by URL (https), download."""
    https = settings.site_url + path
    joiner = "&" if "?" in path else "?"
    return {
        "webcal": ical.webcal_url(https),
        "https": https,
        "download": https + joiner + "download=1",
    }


def session_links(settings: Settings, slot: Slot) -> dict[str, str]:
    """Everything the session page offers: Google, Outlook, the .ics in its three forms."""
    links = site_links(settings)
    return {
        **feed_links(settings, f"/sessions/{slot.uid}/calendar.ics"),
        "google": ical.google_calendar_url(slot, links),
        "outlook": ical.outlook_url(slot, links),
        "office": ical.outlook_url(slot, links, host="outlook.office.com"),
    }


def install_template_globals(templates: Jinja2Templates, settings: Settings) -> None:
    """Globals for templates/calendar/ partials and every form (``csrf_token(request)``)."""
    env = templates.env
    env.globals["calendar_links"] = lambda slot: session_links(settings, slot)
    env.globals["feed_links"] = lambda path: feed_links(settings, path)
    env.globals["csrf_token"] = auth.csrf_token
    env.globals["csrf_field"] = auth.CSRF_FIELD


# -- rendering --------------------------------------------------------------------------------


def _wants_download(request: Request) -> bool:
    return request.query_params.get("download", "") in {"1", "true", "yes"}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.festival.settings
    return settings


async def _render(
    request: Request,
    key: Hashable,
    version: Hashable,
    build: Any,
) -> RenderedFeed:
    """The cached feed for ``key`` at ``version``, else ``await build()`` -> (body, modified)."""
    cache = cache_for(request.app)
    now = request_now(request)
    feed = cache.get(key, version, now)
    if feed is None:
        body, modified = await build()
        feed = cache.put(key, version, body, modified, now)
    return feed


def _calendar(
    request: Request, slots: Sequence[Slot], info: ical.CalendarInfo
) -> tuple[bytes, datetime | None]:
    """Visible slots (retention applied) as a calendar, and when the feed last changed."""
    settings = _settings(request)
    shown, left_at = ical.visible_slots(
        slots, request_now(request), settings.cancelled_retention_days
    )
    body = ical.build_calendar(
        shown, info, site_links(settings), memo=cache_for(request.app).events
    )
    return body, left_at


def _latest(*stamps: datetime | None) -> datetime:
    present = [s for s in stamps if s is not None]
    return max(present)


def _filter_summary(filters: programme.Filters) -> str:
    parts: list[str] = []
    parts += [language_name(code) for code in sorted(filters.languages)]
    parts += [kind_label(kind) for kind in sorted(filters.kinds)]
    parts += [audience_label(a) for a in sorted(filters.audiences)]
    parts += [f"SDG {n}" for n in sorted(filters.sdgs)]
    parts += sorted(filters.organisations) + sorted(filters.countries)
    if filters.text:
        parts.append(f"“{filters.text}”")
    if filters.day is not None:
        parts.append(filters.day.isoformat())
    if filters.between is not None:
        parts.append(f"{filters.between[0]:%H:%M}–{filters.between[1]:%H:%M}")
    return ", ".join(parts)


# -- feeds ------------------------------------------------------------------------------------


async def edition_feed(request: Request) -> Response:
    """The whole festival, or the part the API filters select."""
    slug = request.path_params["slug"]
    filters = programme.parse_filters(
        {name: request.query_params.getlist(name) for name in request.query_params}
    )
    asked_zone = request.query_params.get("tz", "").strip()
    zone = viewer_zone_name(asked_zone) if asked_zone else UTC_ZONE
    key = ("edition", slug, tuple(filters.to_query()), zone)
    state = request.app.state.festival
    async with state.sessions() as db:
        version = await agenda_store.data_version(db)

        async def build() -> tuple[bytes, datetime]:
            edition = await store.get_edition(db, slug)
            slots = await agenda_store.feed_slots(db, edition_id=edition.id)
            chosen = programme.apply_filters(slots, filters, zone)
            summary = _filter_summary(filters)
            query = filters.to_query() + ([("tz", zone)] if asked_zone else [])
            info = ical.CalendarInfo(
                name=f"{edition.name}" + (f" ({summary})" if summary else ""),
                description=edition.description,
                url=_settings(request).site_url
                + f"/editions/{slug}/programme"
                + ("?" + urlencode(query) if query else ""),
                source_url=_settings(request).site_url + edition_feed_path(slug, query),
                refresh_minutes=REFRESH_MINUTES,
            )
            body, left_at = _calendar(request, chosen, info)
            return body, _latest(version.last_modified_utc, left_at, edition.updated_at_utc)

        feed = await _render(request, key, version, build)
    download = f"{slug}.ics" if _wants_download(request) else None
    return feed_response(request, feed, CALENDAR_TYPE, download)


async def organisation_feed(request: Request) -> Response:
    slug = request.path_params["slug"]
    state = request.app.state.festival
    async with state.sessions() as db:
        version = await agenda_store.data_version(db)

        async def build() -> tuple[bytes, datetime]:
            org = await store.get_organisation(db, slug)
            slots = await agenda_store.feed_slots(db, organisation_id=org.id)
            settings = _settings(request)
            info = ical.CalendarInfo(
                name=f"{org.name} · #LearningPlanet",
                description=org.description,
                url=settings.site_url + f"/organisations/{slug}",
                source_url=settings.site_url + f"/organisations/{slug}/calendar.ics",
                refresh_minutes=REFRESH_MINUTES,
            )
            body, left_at = _calendar(request, slots, info)
            return body, _latest(version.last_modified_utc, left_at, org.created_at_utc)

        feed = await _render(request, ("organisation", slug), version, build)
    download = f"{slug}.ics" if _wants_download(request) else None
    return feed_response(request, feed, CALENDAR_TYPE, download)


async def session_download(request: Request) -> Response:
    """One session as a calendar (published or cancelled; drafts are not found)."""
    uid = request.path_params["uid"]
    settings = _settings(request)
    async with request.app.state.festival.sessions() as db:
        slot = await store.get_slot(db, uid)
    info = ical.CalendarInfo(
        name=slot.title,
        url=settings.site_url + f"/sessions/{uid}",
        source_url=settings.site_url + f"/sessions/{uid}/calendar.ics",
        refresh_minutes=REFRESH_MINUTES,
    )
    # A download is about this one session: no retention rule, it is shown whatever its status.
    body = ical.build_calendar([slot], info, site_links(settings), cache_for(request.app).events)
    modified = _latest(slot.updated_at_utc, slot.cancelled_at_utc, slot.starts_at_utc)
    feed = RenderedFeed(body, make_etag(body), modified, None, request_now(request))
    download = f"{slot.title}.ics" if _wants_download(request) else None
    return feed_response(request, feed, CALENDAR_TYPE, download)


async def agenda_feed(request: Request) -> Response:
    """A personal agenda. Unknown and rotated tokens get the site's plain 404."""
    token = request.path_params["token"]
    state = request.app.state.festival
    async with state.sessions() as db:
        found = await agenda_store.find_agenda(db, token)
        if found is None:
            raise HTTPException(404)
        record = found
        version = (await agenda_store.data_version(db), record.revision)

        async def build() -> tuple[bytes, datetime]:
            slots = await agenda_store.agenda_slots(db, record)
            settings = _settings(request)
            info = ical.CalendarInfo(
                name="My #LearningPlanet agenda",
                description="Sessions I saved at the #LearningPlanet Festival.",
                url=settings.site_url + "/agenda",
                source_url=settings.site_url + agenda.feed_path(token),
                refresh_minutes=REFRESH_MINUTES,
            )
            body, left_at = _calendar(request, slots, info)
            return body, _latest(version[0].last_modified_utc, left_at, record.updated_at_utc)

        feed = await _render(request, ("agenda", record.id), version, build)
    download = "my-agenda.ics" if _wants_download(request) else None
    return feed_response(request, feed, CALENDAR_TYPE, download, private=True)


# -- exports ----------------------------------------------------------------------------------


def programme_info(settings: Settings, edition: Edition) -> exports.ProgrammeInfo:
    return exports.ProgrammeInfo(
        title=edition.name,
        slug=edition.slug,
        days=tuple(edition.days),
        links=site_links(settings),
        url=settings.site_url + f"/editions/{edition.slug}/programme",
        description=edition.description,
    )


async def _export(request: Request, fmt: str) -> Response:
    slug = request.path_params["slug"]
    state = request.app.state.festival
    async with state.sessions() as db:
        version = await agenda_store.data_version(db)

        async def build() -> tuple[bytes, datetime]:
            edition = await store.get_edition(db, slug)
            slots = await agenda_store.feed_slots(db, edition_id=edition.id)
            info = programme_info(_settings(request), edition)
            maker = exports.schedule_xml_bytes if fmt == "xml" else exports.schedule_json_bytes
            return maker(slots, info), _latest(version.last_modified_utc, edition.updated_at_utc)

        feed = await _render(request, ("export", fmt, slug), version, build)
    media_type = XML_TYPE if fmt == "xml" else JSON_TYPE
    download = f"{slug}-schedule.{fmt}" if _wants_download(request) else None
    return feed_response(request, feed, media_type, download)


async def schedule_xml(request: Request) -> Response:
    return await _export(request, "xml")


async def schedule_json(request: Request) -> Response:
    return await _export(request, "json")


# -- the subscribe page -----------------------------------------------------------------------


async def calendar_page(request: Request) -> Response:
    """Every feed of an edition, each as webcal / https / download, plus the exports."""
    viewer = resolve_viewer(request, strict=False)
    slug = request.path_params["slug"]
    settings = _settings(request)
    async with request.app.state.festival.sessions() as db:
        edition = await store.get_edition(db, slug)
        slots = await store.list_slots(db, edition)
        organisations = await store.list_organisations(db)
    languages = sorted({lang for s in slots for lang in s.languages}, key=language_name)
    kinds = sorted({s.kind for s in slots})
    used = {s.organisation_slug for s in slots}
    filters = programme.parse_filters(
        {name: request.query_params.getlist(name) for name in request.query_params}
    )
    custom = filters.to_query()
    context = {
        "edition": edition,
        "festival": feed_links(settings, edition_feed_path(slug)),
        "by_language": [
            (code, feed_links(settings, edition_feed_path(slug, [("lang", code)])))
            for code in languages
        ],
        "by_kind": [
            (kind, feed_links(settings, edition_feed_path(slug, [("kind", kind)])))
            for kind in kinds
        ],
        "by_organisation": [
            (org, feed_links(settings, f"/organisations/{org.slug}/calendar.ics"))
            for org in organisations
            if org.slug in used
        ],
        "custom": feed_links(settings, edition_feed_path(slug, custom)) if custom else None,
        "custom_summary": _filter_summary(filters),
        "filters": filters,
        "languages": languages,
        "kinds": kinds,
        "exports": {
            "xml": settings.site_url + f"/editions/{slug}/schedule.xml",
            "json": settings.site_url + f"/editions/{slug}/schedule.json",
        },
    }
    return render(request, viewer, "calendar/subscribe.html", context)


async def default_calendar_page(request: Request) -> Response:
    async with request.app.state.festival.sessions() as db:
        try:
            edition = await store.get_edition(db, _settings(request).default_edition)
        except NotFoundError:
            editions = await store.list_editions(db)
            flagships = [e for e in editions if e.kind == EditionKind.FLAGSHIP.value]
            if not (flagships or editions):
                raise
            edition = (flagships or editions)[0]
    return RedirectResponse(f"/editions/{edition.slug}/calendar", status_code=307)


routes: list[BaseRoute] = [
    Route("/calendar", default_calendar_page, name="calendar"),
    Route("/editions/{slug}/calendar", calendar_page, name="edition_calendar"),
    Route("/editions/{slug}/calendar.ics", edition_feed, name="edition_feed"),
    Route("/editions/{slug}/schedule.xml", schedule_xml, name="schedule_xml"),
    Route("/editions/{slug}/schedule.json", schedule_json, name="schedule_json"),
    Route("/organisations/{slug}/calendar.ics", organisation_feed, name="organisation_feed"),
    Route("/sessions/{uid}/calendar.ics", session_download, name="session_ics"),
    Route("/agenda/{token}.ics", agenda_feed, name="agenda_feed"),
    *agenda.routes,
    *admin.routes,
    *auth.routes,
]
