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

from festival.errors import NotFoundError
from festival.feedcache import RenderedFeed, feed_response, make_etag, readable_filename
from festival.i18n import current_locale
from festival.i18n import gettext as _
from festival.labels import audience_label, kind_label, language_name
from festival.links import edition_feed_path, feed_links, site_links
from festival.models import Edition, EditionKind
from festival.responses import JSON_TYPE
from festival.routes import agenda
from festival.settings import Settings
from festival.state import state
from festival.stores import agenda as agenda_store
from festival.stores import programme as store
from festival.templating import render
from festival.viewer import (
    UTC_ZONE,
    request_now,
    resolve_viewer,
    viewer_zone_name,
)
from scheduling import exports, ical, programme, window
from scheduling.slots import Slot

CALENDAR_TYPE = "text/calendar; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
REFRESH_MINUTES = 60


# -- rendering --------------------------------------------------------------------------------


def _wants_download(request: Request) -> bool:
    return request.query_params.get("download", "") in {"1", "true", "yes"}


async def _render(
    request: Request,
    key: Hashable,
    version: Hashable,
    build: Any,
) -> RenderedFeed:
    """The cached feed for ``key`` at ``version``, else ``await build()`` -> (body, modified)."""
    cache = state(request).feed_cache
    now = request_now(request)
    # A feed's words are in the request's language: never serve one language's to another.
    key = (key, current_locale())
    feed = cache.get(key, version, now)
    if feed is None:
        body, modified = await build()
        feed = cache.put(key, version, body, modified, now)
    return feed


async def festival_ends(db: Any) -> dict[str, datetime]:
    """When each edition is over: the end of the global window of its last day, by slug."""
    return {
        edition.slug: window.window_for_dates(edition.days).ends_at_utc
        for edition in await store.list_editions(db)
    }


async def _calendar(
    request: Request, db: Any, slots: Sequence[Slot], info: ical.CalendarInfo
) -> tuple[bytes, datetime | None]:
    """Visible slots (cancelled ones until their festival is over) as a calendar, and when the
    feed last changed."""
    settings = state(request).settings
    shown, left_at = ical.visible_slots(
        slots, request_now(request), settings.cancelled_retention_days, await festival_ends(db)
    )
    body = ical.build_calendar(
        shown, info, site_links(settings), memo=state(request).feed_cache.events
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
    parts += [_("SDG %(n)s", n=n) for n in sorted(filters.sdgs)]
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
    async with state(request).sessions() as db:
        version = await agenda_store.data_version(db)

        async def build() -> tuple[bytes, datetime]:
            edition = await store.get_edition(db, slug)
            slots = await store.feed_slots(db, edition_id=edition.id)
            chosen = programme.apply_filters(slots, filters, zone)
            summary = _filter_summary(filters)
            query = filters.to_query() + ([("tz", zone)] if asked_zone else [])
            info = ical.CalendarInfo(
                name=f"{edition.name}" + (f" ({summary})" if summary else ""),
                description=edition.description,
                url=state(request).settings.site_url
                + f"/editions/{slug}/programme"
                + ("?" + urlencode(query) if query else ""),
                source_url=state(request).settings.site_url + edition_feed_path(slug, query),
                refresh_minutes=REFRESH_MINUTES,
            )
            body, left_at = await _calendar(request, db, chosen, info)
            return body, _latest(version.last_modified_utc, left_at, edition.updated_at_utc)

        feed = await _render(request, key, version, build)
    download = f"{slug}.ics" if _wants_download(request) else None
    return feed_response(request, state(request).feed_cache, feed, CALENDAR_TYPE, download)


async def organisation_feed(request: Request) -> Response:
    slug = request.path_params["slug"]
    async with state(request).sessions() as db:
        version = await agenda_store.data_version(db)

        async def build() -> tuple[bytes, datetime]:
            org = await store.get_organisation(db, slug)
            slots = await store.feed_slots(db, organisation_id=org.id)
            settings = state(request).settings
            info = ical.CalendarInfo(
                name=f"{org.name} · #LearningPlanet",
                description=org.description,
                url=settings.site_url + f"/organisations/{slug}",
                source_url=settings.site_url + f"/organisations/{slug}/calendar.ics",
                refresh_minutes=REFRESH_MINUTES,
            )
            body, left_at = await _calendar(request, db, slots, info)
            return body, _latest(version.last_modified_utc, left_at, org.created_at_utc)

        feed = await _render(request, ("organisation", slug), version, build)
    download = f"{slug}.ics" if _wants_download(request) else None
    return feed_response(request, state(request).feed_cache, feed, CALENDAR_TYPE, download)


async def session_download(request: Request) -> Response:
    """One session as a calendar (published or cancelled; drafts are not found)."""
    uid = request.path_params["uid"]
    settings = state(request).settings
    async with state(request).sessions() as db:
        slot = await store.get_slot(db, uid)
    info = ical.CalendarInfo(
        name=slot.title,
        url=settings.site_url + f"/sessions/{uid}",
        source_url=settings.site_url + f"/sessions/{uid}/calendar.ics",
        refresh_minutes=REFRESH_MINUTES,
    )
    # A download is about this one session: no retention rule, it is shown whatever its status.
    body = ical.build_calendar([slot], info, site_links(settings), state(request).feed_cache.events)
    # Last-Modified is when this representation last changed (RFC 9110 §8.8.2.1): the session's
    # last edit or cancellation, never a future date such as its start, which would answer a
    # client revalidating with If-Modified-Since 304 after a cancellation or an earlier move.
    now = request_now(request)
    modified = min(_latest(slot.updated_at_utc, slot.cancelled_at_utc, ical.EPOCH), now)
    feed = RenderedFeed(body, make_etag(body), modified, None, now)
    download = readable_filename(slot.title) if _wants_download(request) else None
    return feed_response(request, state(request).feed_cache, feed, CALENDAR_TYPE, download)


async def agenda_feed(request: Request) -> Response:
    """A personal agenda. Unknown and rotated tokens get the site's plain 404."""
    token = request.path_params["token"]
    async with state(request).sessions() as db:
        found = await agenda_store.find_agenda(db, token)
        if found is None:
            raise HTTPException(404)
        record = found
        version = (await agenda_store.data_version(db), record.revision)

        async def build() -> tuple[bytes, datetime]:
            slots = await agenda_store.agenda_slots(db, record)
            settings = state(request).settings
            info = ical.CalendarInfo(
                name=_("My #LearningPlanet agenda"),
                description=_("Sessions I saved at the #LearningPlanet Festival."),
                url=settings.site_url + "/agenda",
                source_url=settings.site_url + agenda.feed_path(token),
                refresh_minutes=REFRESH_MINUTES,
            )
            body, left_at = await _calendar(request, db, slots, info)
            return body, _latest(version[0].last_modified_utc, left_at, record.updated_at_utc)

        feed = await _render(request, ("agenda", record.id), version, build)
    download = "my-agenda.ics" if _wants_download(request) else None
    cache = state(request).feed_cache
    return feed_response(request, cache, feed, CALENDAR_TYPE, download, private=True)


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
    async with state(request).sessions() as db:
        version = await agenda_store.data_version(db)

        async def build() -> tuple[bytes, datetime]:
            edition = await store.get_edition(db, slug)
            slots = await store.feed_slots(db, edition_id=edition.id)
            info = programme_info(state(request).settings, edition)
            maker = exports.schedule_xml_bytes if fmt == "xml" else exports.schedule_json_bytes
            return maker(slots, info), _latest(version.last_modified_utc, edition.updated_at_utc)

        feed = await _render(request, ("export", fmt, slug), version, build)
    media_type = XML_TYPE if fmt == "xml" else JSON_TYPE
    download = f"{slug}-schedule.{fmt}" if _wants_download(request) else None
    return feed_response(request, state(request).feed_cache, feed, media_type, download)


async def schedule_xml(request: Request) -> Response:
    return await _export(request, "xml")


async def schedule_json(request: Request) -> Response:
    return await _export(request, "json")


# -- the subscribe page -----------------------------------------------------------------------


async def calendar_page(request: Request) -> Response:
    """Every feed of an edition, each as webcal / https / download, plus the exports."""
    viewer = resolve_viewer(request, strict=False)
    slug = request.path_params["slug"]
    settings = state(request).settings
    async with state(request).sessions() as db:
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
    return render(request, "calendar/subscribe.html", context, viewer=viewer)


async def default_calendar_page(request: Request) -> Response:
    async with state(request).sessions() as db:
        try:
            edition = await store.get_edition(db, state(request).settings.default_edition)
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
]
