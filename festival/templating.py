"""The Jinja environment's filters and globals: every page gets the same helpers."""

from __future__ import annotations

from starlette.templating import Jinja2Templates

from festival import labels, times, views
from festival.settings import Settings
from scheduling import tz


def safe_url(url: str) -> str:
    """``url`` when it is an http(s) link, else "" (never a ``javascript:`` href)."""
    value = url.strip()
    return value if value.lower().startswith(("https://", "http://")) else ""


def install_template_globals(templates: Jinja2Templates, settings: Settings) -> None:
    """Filters and globals for every template: times with their zone, labels, the zone picker."""
    env = templates.env
    env.autoescape = True
    env.filters["in_zone"] = times.format_time
    env.filters["clock"] = times.format_clock
    env.filters["iso_utc"] = times.iso_utc
    env.filters["duration"] = times.duration_text
    env.filters["hours_text"] = times.hours_text
    env.filters["month_day"] = times.month_day
    env.filters["long_day"] = times.long_day
    env.filters["language"] = labels.language_name
    env.filters["kind_label"] = labels.kind_label
    env.filters["audience_label"] = labels.audience_label
    env.filters["sdg_label"] = labels.sdg_label
    env.filters["status_label"] = labels.status_label
    env.filters["organisation_kind_label"] = labels.organisation_kind_label
    env.filters["country_name"] = labels.country_name
    env.filters["safe_url"] = safe_url
    env.globals["site_url"] = settings.site_url
    env.globals["city_name"] = tz.city_name
    env.globals["zone_label"] = tz.zone_label
    env.globals["organiser_time"] = tz.organiser_time
    env.globals["format_range"] = times.format_range
    env.globals["zone_title"] = times.zone_title
    env.globals["zone_offset"] = times.zone_offset
    env.globals["zone_choices"] = views.zone_choices
    env.globals["SDG_NAMES"] = labels.SDG_NAMES
