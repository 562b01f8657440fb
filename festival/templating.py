"""The one Jinja environment (filters, globals) and the one way to render a page: ``render()``.

Every HTML page, error pages and admin pages included, goes through :func:`render`, which adds
what every page needs: the request and its path (the navigation marks the current section), the
viewer (zone and "now") on pages that show times, ``csrf_token()`` for forms, and the language:
``locale`` (``<html lang>``) and ``language_switch`` (the language switch's links).

The environment is shared by every request: its gettext callables (Jinja2's ``i18n`` extension,
newstyle) read the request's language from festival.i18n's ContextVar when they are called.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from festival import (
    auth,
    cookies,
    filetypes,
    i18n,
    labels,
    links,
    scheduling_text,
    times,
    uploads,
    views,
)
from festival.models.toolkits import Toolkit
from festival.settings import Settings
from festival.state import state
from festival.viewer import Viewer, remember_zone
from scheduling import tz
from scheduling.vocabulary import ToolkitStatus


def toolkit_published(toolkit: Toolkit) -> bool:
    """Whether the toolkit is in the public library (templates compare no status literals)."""
    return toolkit.status == ToolkitStatus.PUBLISHED


def _gettext(message: str) -> str:
    return i18n.translations(i18n.current_locale()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.current_locale()).ngettext(singular, plural, n)


def _pgettext(context: str, message: str) -> str:
    return i18n.translations(i18n.current_locale()).pgettext(context, message)


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.current_locale()).npgettext(context, singular, plural, n)


def install_gettext(env: Environment) -> None:
    """``{% trans %}``, ``_()``, ``ngettext()`` in templates, in the request's language.

    Newstyle gettext: Jinja fills ``%(name)s`` itself and escapes the values, never the
    translation; ``{% trans %}`` blocks are trimmed (the msgid has no line breaks to keep).
    """
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
    )
    env.globals["js_catalogue"] = i18n.js_catalogue
    env.globals["current_locale"] = i18n.current_locale


def make_templates(settings: Settings) -> Jinja2Templates:
    """The Jinja environment of ``templates/``: times with their zone, labels, the zone picker,
    calendar links."""
    templates = Jinja2Templates(directory=str(settings.templates_dir))
    env = templates.env
    env.add_extension("jinja2.ext.i18n")
    env.autoescape = True
    install_gettext(env)
    env.filters["in_zone"] = times.format_time
    env.filters["clock"] = times.format_clock
    env.filters["iso_utc"] = times.iso_utc
    env.filters["duration"] = times.duration_text
    env.filters["hours_text"] = times.hours_text
    env.filters["month_day"] = times.month_day
    env.filters["long_day"] = times.long_day
    env.filters["language"] = labels.language_name
    env.filters["kind_label"] = labels.kind_label
    env.filters["region_label"] = labels.region_label
    env.filters["audience_label"] = labels.audience_label
    env.filters["sdg_label"] = labels.sdg_label
    env.filters["status_label"] = labels.status_label
    env.filters["organisation_kind_label"] = labels.organisation_kind_label
    env.filters["edition_kind_label"] = labels.edition_kind_label
    env.filters["country_name"] = labels.country_name
    env.filters["safe_url"] = links.safe_url
    env.filters["age_group_label"] = labels.age_group_label
    env.filters["licence_label"] = labels.licence_label
    env.filters["toolkit_status_label"] = labels.toolkit_status_label
    env.filters["file_type_name"] = filetypes.type_name
    env.filters["megabytes"] = uploads.megabytes
    env.globals["LICENCE_URLS"] = labels.LICENCE_URLS
    env.globals["toolkit_published"] = toolkit_published
    env.globals["site_url"] = settings.site_url
    env.globals["city_name"] = times.city_name
    env.globals["zone_label"] = tz.zone_label
    env.globals["organiser_time"] = times.organiser_time
    env.globals["format_range"] = times.format_range
    env.globals["zone_title"] = times.zone_title
    env.globals["zone_city"] = times.zone_city
    env.globals["zone_offset"] = times.zone_offset
    env.globals["zone_choices"] = views.zone_choices
    env.globals["skip_reason"] = scheduling_text.skip_reason
    env.globals["scheduling_error"] = scheduling_text.say
    env.globals["note_text"] = scheduling_text.note_text
    env.globals["SDG_NAMES"] = labels.SDG_NAMES
    env.globals["plural"] = labels.plural
    # templates/calendar/ partials and forms
    env.globals["calendar_links"] = lambda slot: links.session_links(settings, slot)
    env.globals["feed_links"] = lambda path: links.feed_links(settings, path)
    env.globals["csrf_field"] = auth.CSRF_FIELD
    return templates


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    viewer: Viewer | None = None,
    status_code: int = 200,
) -> Response:
    """Render a page with what every page needs; a refused ``?tz=`` makes the page a 400."""
    full: dict[str, Any] = {
        "viewer": viewer,
        "path": request.url.path,
        # A callable, so that a page without a form does not start a session (and a cookie).
        "csrf_token": functools.partial(auth.csrf_token, request),
        "locale": i18n.current_locale(),
        "language_switch": i18n.switch_links(request.url.path, request.query_params.multi_items()),
    }
    if viewer is not None:
        # The zone picker's form keeps the page's other query parameters.
        full["zone_keep"] = [(k, v) for k, v in request.query_params.multi_items() if k != "tz"]
        if viewer.error is not None:
            status_code = 400
    full.update(context)
    response = state(request).templates.TemplateResponse(
        request, template, full, status_code=status_code
    )
    if viewer is not None:
        remember_zone(response, viewer, secure=cookies.secure(state(request).settings))
    return response
