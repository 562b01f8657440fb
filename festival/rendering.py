"""Jinja2 filters and globals: every time shown to a person says its zone."""

from __future__ import annotations

from datetime import datetime

from starlette.templating import Jinja2Templates

from festival.settings import Settings
from scheduling import tz


def format_time(instant: datetime, zone_name: str, pattern: str = "%a %d %b, %H:%M") -> str:
    """``Sun 24 Jan, 14:00 EAT``: the instant in ``zone_name``, with the zone's label."""
    local = tz.localize(instant, zone_name)
    return f"{local.strftime(pattern)} {tz.zone_label(local)}"


def install_template_globals(templates: Jinja2Templates, settings: Settings) -> None:
    env = templates.env
    env.autoescape = True
    env.filters["in_zone"] = format_time
    env.globals["site_url"] = settings.site_url
    env.globals["city_name"] = tz.city_name
    env.globals["zone_label"] = tz.zone_label
