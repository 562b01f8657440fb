"""The JSON API (documented in docs/api.md): editions, windows, sessions, organisations.

Times: UTC instants are ISO 8601 with ``Z``; wall times carry their offset and zone name.
Errors are ``{"error": {"code", "message"}}`` (festival.errors); nothing here answers 500 on
bad input: unknown zones, filters, dates and ids raise errors with stable codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from festival.errors import BadRequestError
from festival.i18n import english
from festival.i18n import gettext as _
from festival.labels import country_name
from festival.models import Edition, Organisation
from festival.responses import JSONResponse
from festival.state import state
from festival.stores import programme as store
from festival.times import iso_utc
from festival.viewer import (
    UTC_ZONE,
    localize,
    request_now,
    viewer_zone_name,
)
from festival.views import banner_for
from scheduling import conflicts, programme, tz, window
from scheduling.errors import FilterError, OutsideFestivalError
from scheduling.slots import Slot
from scheduling.vocabulary import PUBLIC_STATUSES

MAX_WITHIN_MINUTES = 24 * 60


# -- request parameters -----------------------------------------------------------------------


def requested_zone(request: Request) -> str:
    """``?tz=`` (canonicalised; ``UTC`` allowed) or UTC. The API ignores the page cookie so an
    answer depends on its URL only. Unknown zones raise UnknownZoneError (time.unknown_zone)."""
    asked = request.query_params.get("tz", "").strip()
    return viewer_zone_name(asked) if asked else UTC_ZONE


def requested_day(request: Request, edition: Edition) -> date | None:
    raw = request.query_params.get("day", "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadRequestError(
            _(
                "day %(raw)s is not a date; write it as YYYY-MM-DD, e.g. %(first_day)s.",
                raw=repr(raw),
                first_day=edition.first_day,
            ),
            "request.invalid",
        ) from None
    if day not in edition.days:
        dates = ", ".join(d.isoformat() for d in edition.days)
        raise OutsideFestivalError(
            _(
                "%(day)s is not a date of %(name)s (%(dates)s).",
                day=day.isoformat(),
                name=edition.name,
                dates=dates,
            )
        )
    return day


def requested_within(request: Request) -> int:
    raw = request.query_params.get("within", "60").strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_WITHIN_MINUTES:
        raise FilterError(
            _(
                "Invalid within %(raw)s; expected a number of minutes from 0 to %(max)s.",
                raw=repr(raw),
                max=MAX_WITHIN_MINUTES,
            )
        )
    return int(raw)


def query_lists(request: Request) -> dict[str, list[str]]:
    return {name: request.query_params.getlist(name) for name in request.query_params}


# -- representations --------------------------------------------------------------------------


def _url(request: Request, path: str) -> str:
    return state(request).settings.site_url + path


def window_json(w: window.Window) -> dict[str, Any]:
    return {
        "starts_at_utc": iso_utc(w.starts_at_utc),
        "ends_at_utc": iso_utc(w.ends_at_utc),
        "length_hours": round(w.length_hours, 4),
        "first_zone": w.first_zone,
        "last_zone": w.last_zone,
    }


def edition_json(request: Request, edition: Edition) -> dict[str, Any]:
    slug = edition.slug
    return {
        "slug": slug,
        "name": edition.name,
        "description": edition.description,
        "kind": edition.kind,
        "first_day": edition.first_day.isoformat(),
        "last_day": edition.last_day.isoformat(),
        "days": [d.isoformat() for d in edition.days],
        "url": _url(request, f"/editions/{slug}"),
        "api_url": _url(request, f"/api/editions/{slug}"),
    }


def organisation_json(request: Request, org: Organisation) -> dict[str, Any]:
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "country": org.country,
        # Data stays English whatever the reader's language (only error messages follow it).
        "country_name": english(country_name, org.country),
        "tz": org.tz_name,
        "website": org.website,
        "description": org.description,
        "url": _url(request, f"/organisations/{org.slug}"),
    }


def session_json(request: Request, slot: Slot, zone_name: str) -> dict[str, Any]:
    """One session: the organiser's wall time and zone, the viewer's, and UTC."""
    local = slot.local_start_aware()
    start, end = localize(slot.starts_at_utc, zone_name), localize(slot.ends_at_utc, zone_name)
    return {
        "uid": slot.uid,
        "edition": slot.edition_slug,
        "title": slot.title,
        "summary": slot.summary,
        "kind": slot.kind,
        "languages": list(slot.languages),
        "audience": slot.audience,
        "sdgs": list(slot.sdgs),
        "hosts": list(slot.hosts),
        "organisation": {
            "slug": slot.organisation_slug,
            "name": slot.organisation_name,
            "country": slot.country,
        },
        "local": {
            "start": local.isoformat(timespec="seconds"),
            "tz": slot.tz_name,
            "zone_label": tz.zone_label(local),
            "city": tz.city_name(slot.tz_name),
        },
        "viewer": {
            "start": start.isoformat(timespec="seconds"),
            "end": end.isoformat(timespec="seconds"),
            "tz": zone_name,
            "zone_label": tz.zone_label(start),
        },
        "starts_at_utc": iso_utc(slot.starts_at_utc),
        "ends_at_utc": iso_utc(slot.ends_at_utc),
        "duration_minutes": slot.duration_minutes,
        "status": slot.status,
        "revision": slot.revision,
        "stream": slot.stream,
        "capacity": slot.capacity,
        "join_url": slot.join_url,
        "url": _url(request, f"/sessions/{slot.uid}"),
    }


def sessions_json(request: Request, slots: Sequence[Slot], zone_name: str) -> list[dict[str, Any]]:
    return [session_json(request, slot, zone_name) for slot in slots]


def slot_brief(request: Request, slot: Slot) -> dict[str, Any]:
    return {
        "uid": slot.uid,
        "title": slot.title,
        "organisation": slot.organisation_slug,
        "hosts": list(slot.hosts),
        "starts_at_utc": iso_utc(slot.starts_at_utc),
        "ends_at_utc": iso_utc(slot.ends_at_utc),
        "url": _url(request, f"/sessions/{slot.uid}"),
    }


def filters_json(filters: programme.Filters) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in filters.to_query():
        grouped.setdefault(name, []).append(value)
    return grouped


# -- handlers ---------------------------------------------------------------------------------


async def editions(request: Request) -> Response:
    async with state(request).sessions() as db:
        rows = await store.list_editions(db)
    return JSONResponse({"editions": [edition_json(request, e) for e in rows]})


async def edition_detail(request: Request) -> Response:
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, request.path_params["slug"])
        slots = await store.list_slots(db, edition)
    body = edition_json(request, edition)
    body["window"] = window_json(window.window_for_dates(edition.days))
    body["session_count"] = programme.session_count(slots)
    return JSONResponse(body)


async def edition_window(request: Request) -> Response:
    now = request_now(request)
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, request.path_params["slug"])
    day = requested_day(request, edition)
    days = [day] if day is not None else edition.days
    banner = banner_for(days, now)
    return JSONResponse(
        {
            "edition": edition.slug,
            "day": day.isoformat() if day is not None else None,
            "window": window_json(window.window_for_dates(days)),
            "status": {
                "now": iso_utc(now),
                "state": banner.state,
                "day": banner.day.isoformat(),
                "zones_on_day": banner.zones,
                "offsets_on_day": banner.offsets,
                "hours_left": round(banner.hours_left, 4),
                "hours_until_start": round(banner.hours_until_start, 4),
            },
        }
    )


async def edition_sessions(request: Request) -> Response:
    zone_name = requested_zone(request)
    filters = programme.parse_filters(query_lists(request))
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, request.path_params["slug"])
        slots = await store.list_slots(db, edition, statuses=PUBLIC_STATUSES)
    programme.check_day_in_window(filters, window.window_for_dates(edition.days), zone_name)
    chosen = programme.apply_filters(slots, filters, zone_name)
    return JSONResponse(
        {
            "edition": edition.slug,
            "tz": zone_name,
            "filters": filters_json(filters),
            "count": len(chosen),
            "sessions": sessions_json(request, chosen, zone_name),
        }
    )


async def session_detail(request: Request) -> Response:
    zone_name = requested_zone(request)
    async with state(request).sessions() as db:
        slot = await store.get_slot(db, request.path_params["uid"])
    return JSONResponse(session_json(request, slot, zone_name))


async def organisations(request: Request) -> Response:
    async with state(request).sessions() as db:
        rows = await store.list_organisations(db)
    return JSONResponse({"organisations": [organisation_json(request, o) for o in rows]})


async def organisation_detail(request: Request) -> Response:
    zone_name = requested_zone(request)
    async with state(request).sessions() as db:
        org = await store.get_organisation(db, request.path_params["slug"])
        slots = await store.list_slots(db, statuses=PUBLIC_STATUSES, organisation_id=org.id)
    body = organisation_json(request, org)
    body["sessions"] = sessions_json(request, slots, zone_name)
    return JSONResponse(body)


async def edition_live(request: Request) -> Response:
    zone_name = requested_zone(request)
    within = requested_within(request)
    now = request_now(request)
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, request.path_params["slug"])
        slots = await store.list_slots(db, edition)
    return JSONResponse(
        {
            "edition": edition.slug,
            "now": iso_utc(now),
            "tz": zone_name,
            "within_minutes": within,
            "live": sessions_json(request, programme.live_now(slots, now), zone_name),
            "starting_soon": sessions_json(
                request, programme.starting_soon(slots, now, within_minutes=within), zone_name
            ),
        }
    )


async def edition_coverage(request: Request) -> Response:
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, request.path_params["slug"])
        slots = await store.list_slots(db, edition)
    festival_window = window.window_for_dates(edition.days)
    hours = programme.coverage(slots, festival_window)
    return JSONResponse(
        {
            "edition": edition.slug,
            "window": window_json(festival_window),
            "regions": list(tz.REGIONS),
            "hours": [
                {
                    "starts_at_utc": iso_utc(hour.starts_at_utc),
                    "live": hour.live,
                    "by_region": hour.by_region,
                }
                for hour in hours
            ],
        }
    )


async def edition_conflicts(request: Request) -> Response:
    async with state(request).sessions() as db:
        edition = await store.get_edition(db, request.path_params["slug"])
        slots = await store.list_slots(db, edition)
    found = conflicts.find_conflicts(slots)
    return JSONResponse(
        {
            "edition": edition.slug,
            "count": len(found),
            "conflicts": [
                {
                    "kind": c.kind,
                    "key": c.key,
                    "overlap_minutes": c.overlap_minutes,
                    "first": slot_brief(request, c.first),
                    "second": slot_brief(request, c.second),
                }
                for c in found
            ],
        }
    )


routes: list[BaseRoute] = [
    Route("/api/editions", editions),
    Route("/api/editions/{slug}", edition_detail),
    Route("/api/editions/{slug}/window", edition_window),
    Route("/api/editions/{slug}/sessions", edition_sessions),
    Route("/api/editions/{slug}/live", edition_live),
    Route("/api/editions/{slug}/coverage", edition_coverage),
    Route("/api/editions/{slug}/conflicts", edition_conflicts),
    Route("/api/sessions/{uid}", session_detail),
    Route("/api/organisations", organisations),
    Route("/api/organisations/{slug}", organisation_detail),
]
