"""Who is looking, from where, and when: the viewer's zone and the instant they look at.

The zone comes from ``?tz=`` first (a zone picked with the picker, remembered in the ``tz``
cookie), then the ``tz`` cookie (set by ``static/js/timezone.js`` from the browser's Intl API or
by an earlier pick), then UTC. Aliases are normalised (``Asia/Calcutta`` -> ``Asia/Kolkata``).
Unlike an organiser, a viewer may ask for plain ``UTC``: nobody is scheduled in it, but it is an
honest way to read a programme.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from festival import zonenames
from festival.errors import BadRequestError
from festival.i18n import DEFAULT, current_locale
from festival.i18n import gettext as _
from festival.scheduling_text import say
from festival.state import state
from scheduling import tz
from scheduling.errors import UnknownZoneError

TZ_COOKIE = "tz"
TZ_COOKIE_MAX_AGE = 365 * 24 * 3600  # one year, in seconds
UTC_ZONE = tz.VIEWER_UTC

ZoneSource = Literal["query", "cookie", "default"]


@dataclass(frozen=True)
class Viewer:
    """The zone times are shown in, where it came from, and "now"."""

    zone: str
    source: ZoneSource
    now: datetime
    error: str | None = None  # why ``?tz=`` was refused (pages show it; the API raises)
    remember: bool = False  # the response should (re)set the tz cookie
    asked: str = ""  # a name typed into the zone picker that named several zones
    choices: tuple[tuple[str, str], ...] = ()  # those zones: (zone, label), best first


viewer_zone_name = tz.viewer_zone_name
localize = tz.localize


def parse_instant(text: str) -> datetime:
    """``2027-01-24T12:00Z`` (or with an offset) as an aware UTC datetime."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequestError(
            _("%(text)s is not an ISO 8601 instant such as 2027-01-24T12:00Z.", text=repr(text)),
            "request.invalid",
        ) from None
    if moment.tzinfo is None:
        raise BadRequestError(
            _("%(text)s has no UTC offset; write it as 2027-01-24T12:00Z.", text=repr(text)),
            "request.invalid",
        )
    return moment.astimezone(UTC)


def request_now(request: Request) -> datetime:
    """The app clock, or ``?now=`` when the app runs with ``debug`` (demos of any moment)."""
    app = state(request)
    override = request.query_params.get("now")
    if override and app.settings.debug:
        return parse_instant(override)
    now: datetime = app.clock.now()
    return now


def resolve_viewer(request: Request, strict: bool) -> Viewer:
    """Resolve the viewer's zone. ``strict`` (the API) raises on an unknown ``?tz=``;
    pages get a Viewer in UTC carrying the error message instead."""
    now = request_now(request)
    cookie = request.cookies.get(TZ_COOKIE, "").strip().strip('"')
    asked = request.query_params.get("tz", "").strip()
    if asked:
        try:
            zone = viewer_zone_name(asked)
        except UnknownZoneError as exc:
            if strict:
                raise
            return _typed_viewer(asked, cookie, now, say(exc))
        return Viewer(zone, "query", now, remember=zone != cookie)
    return _cookie_viewer(cookie, now)


def _cookie_viewer(cookie: str, now: datetime) -> Viewer:
    if cookie:
        try:
            return Viewer(viewer_zone_name(cookie), "cookie", now)
        except UnknownZoneError:
            pass  # a stale or tampered cookie is ignored, not an error
    return Viewer(UTC_ZONE, "default", now)


def _typed_viewer(asked: str, cookie: str, now: datetime, refusal: str) -> Viewer:
    """A page's ``?tz=`` that is not a zone name is what a person typed into the picker: a
    city, a country or a region, found with ``scheduling.zonesearch``. One zone: that zone.
    Several: the page stays in the remembered zone and the picker lists them. None: refused."""
    found = zonenames.resolve(asked[:100], now)
    if len(found) == 1:
        return Viewer(found[0].zone, "query", now, remember=found[0].zone != cookie)
    if not found:
        if current_locale() != DEFAULT:  # the core's refusal is English
            refusal = _("%(asked)s is not a time zone.", asked=repr(asked[:100]))
        message = _(
            "%(refusal)s Type a city or a country, such as Kathmandu or India.", refusal=refusal
        )
        return Viewer(UTC_ZONE, "default", now, error=message)
    current = _cookie_viewer(cookie, now)
    choices = tuple((match.zone, zonenames.label(match)) for match in found)
    return Viewer(current.zone, current.source, now, asked=asked[:100], choices=choices)


def remember_zone(response: Response, viewer: Viewer, secure: bool = False) -> None:
    """Set the ``tz`` cookie when the viewer picked a zone.

    Written by hand rather than with ``set_cookie``: Python's cookie module quotes values that
    contain "/", which RFC 6265 §4.1.1 allows unquoted and which the browser script reads back.
    """
    if not viewer.remember:
        return
    parts = [
        f"{TZ_COOKIE}={viewer.zone}",
        f"Max-Age={TZ_COOKIE_MAX_AGE}",
        "Path=/",
        "SameSite=Lax",
    ]
    if secure:
        parts.append("Secure")
    response.headers.append("set-cookie", "; ".join(parts))
