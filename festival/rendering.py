"""Jinja2 filters, globals and small view models: every time shown to a person says its zone."""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from starlette.templating import Jinja2Templates

from festival.settings import Settings
from festival.viewer import UTC_ZONE, localize
from scheduling import tz, window
from scheduling.slots import Slot

LANGUAGE_NAMES: dict[str, str] = {
    "am": "Amharic",
    "ar": "Arabic",
    "ay": "Aymara",
    "bn": "Bengali",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fi": "Finnish",
    "fj": "Fijian",
    "fr": "French",
    "ga": "Irish",
    "gil": "Gilbertese",
    "ha": "Hausa",
    "haw": "Hawaiian",
    "he": "Hebrew",
    "hi": "Hindi",
    "ht": "Haitian Creole",
    "hu": "Hungarian",
    "id": "Indonesian",
    "ig": "Igbo",
    "it": "Italian",
    "ja": "Japanese",
    "ka": "Georgian",
    "kk": "Kazakh",
    "ko": "Korean",
    "lg": "Luganda",
    "ln": "Lingala",
    "mi": "Māori",
    "mn": "Mongolian",
    "ms": "Malay",
    "ne": "Nepali",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "qu": "Quechua",
    "ro": "Romanian",
    "ru": "Russian",
    "si": "Sinhala",
    "sm": "Samoan",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "th": "Thai",
    "tl": "Tagalog",
    "to": "Tongan",
    "tpi": "Tok Pisin",
    "tr": "Turkish",
    "tw": "Twi",
    "ty": "Tahitian",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "wo": "Wolof",
    "xh": "Xhosa",
    "yo": "Yoruba",
    "zh": "Chinese",
    "zu": "Zulu",
}

KIND_LABELS: dict[str, str] = {
    "lecture": "Lecture",
    "debate": "Debate",
    "workshop": "Workshop",
    "game": "Game",
    "reading": "Reading",
    "qa": "Q&A",
    "performance": "Performance",
    "other": "Other",
}

AUDIENCE_LABELS: dict[str, str] = {
    "everyone": "Everyone",
    "children": "Children",
    "youth": "Youth",
    "adults": "Adults",
    "educators": "Educators",
}

SDG_NAMES: dict[int, str] = {
    1: "No poverty",
    2: "Zero hunger",
    3: "Good health and well-being",
    4: "Quality education",
    5: "Gender equality",
    6: "Clean water and sanitation",
    7: "Affordable and clean energy",
    8: "Decent work and economic growth",
    9: "Industry, innovation and infrastructure",
    10: "Reduced inequalities",
    11: "Sustainable cities and communities",
    12: "Responsible consumption and production",
    13: "Climate action",
    14: "Life below water",
    15: "Life on land",
    16: "Peace, justice and strong institutions",
    17: "Partnerships for the goals",
}

#: CSS class per region of the follow-the-sun picture (colours live in site.css).
REGION_CLASSES: dict[str, str] = {
    region: "region-" + "".join(ch for ch in region.lower() if ch.isalpha())
    for region in tz.REGIONS
}


# -- times ------------------------------------------------------------------------------------


def format_time(instant: datetime, zone_name: str, pattern: str = "%a %d %b, %H:%M") -> str:
    """``Sun 24 Jan, 14:00 EAT``: the instant in ``zone_name``, with the zone's label."""
    local = localize(instant, zone_name)
    return f"{local.strftime(pattern)} {tz.zone_label(local)}"


def format_clock(instant: datetime, zone_name: str) -> str:
    """``14:00 EAT``."""
    return format_time(instant, zone_name, "%H:%M")


def format_range(start: datetime, end: datetime, zone_name: str) -> str:
    """``Sun 24 Jan, 14:00–15:30 EAT`` (both dates when it crosses midnight)."""
    first, last = localize(start, zone_name), localize(end, zone_name)
    if first.date() == last.date() and tz.zone_label(first) == tz.zone_label(last):
        return f"{first:%a %d %b, %H:%M}–{last:%H:%M} {tz.zone_label(last)}"
    return f"{format_time(start, zone_name)} – {format_time(end, zone_name)}"


def iso_utc(instant: datetime) -> str:
    """``2027-01-24T12:00:00Z`` (for ``<time datetime>`` and the API)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def month_day(day: date) -> str:
    """``January 24``."""
    return f"{day:%B} {day.day}"


def long_day(day: date) -> str:
    """``Sunday 24 January 2027``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def zone_offset(zone_name: str, at: datetime) -> str:
    """``UTC+05:45`` for a zone at an instant."""
    return tz.utc_offset_label(localize(at, zone_name))


def zone_title(zone_name: str, at: datetime) -> str:
    """``Asia/Kathmandu (UTC+05:45)``; plain ``UTC`` stays ``UTC``."""
    if zone_name == UTC_ZONE:
        return UTC_ZONE
    return f"{zone_name.replace('_', ' ')} ({zone_offset(zone_name, at)})"


def organiser_time(slot: Slot, with_date: bool = False, with_offset: bool = False) -> str:
    """The start in the organiser's own zone: ``09:00 in Kathmandu (UTC+05:45)``."""
    local = slot.local_start_aware()
    text = f"{local:%a %d %b, %H:%M}" if with_date else f"{local:%H:%M}"
    text += f" in {tz.city_name(slot.tz_name)}"
    if with_offset:
        text += f" ({tz.utc_offset_label(local)})"
    return text


def duration_text(minutes: int) -> str:
    """``45 min``, ``1 h``, ``1 h 30 min``."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def hours_text(hours: float) -> str:
    """A length of time for people: ``37 h 15 min``, or ``12 days`` when far away."""
    minutes = int(hours * 60)
    if minutes >= 72 * 60:
        return f"{minutes // (24 * 60)} days"
    return duration_text(minutes) if minutes else "less than a minute"


def safe_url(url: str) -> str:
    """``url`` when it is an http(s) link, else "" (never a ``javascript:`` href)."""
    value = url.strip()
    return value if value.lower().startswith(("https://", "http://")) else ""


# -- labels -----------------------------------------------------------------------------------


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.lower(), code)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def audience_label(audience: str) -> str:
    return AUDIENCE_LABELS.get(audience, audience.capitalize())


def sdg_label(number: int) -> str:
    return f"SDG {number}: {SDG_NAMES.get(number, '')}".rstrip(": ")


@functools.cache
def _countries() -> dict[str, str]:
    text = importlib.resources.files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text("utf-8")
    names: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t", 1)
            names[code] = name.strip()
    return names


def country_name(code: str) -> str:
    """``KE`` -> ``Kenya`` (from the tz database's iso3166.tab)."""
    return _countries().get(code.upper(), code)


@functools.cache
def zone_choices() -> list[tuple[str, list[str]]]:
    """Canonical zones grouped by area, for the zone picker's optgroups."""
    groups: dict[str, list[str]] = {}
    for name in tz.canonical_zones():
        groups.setdefault(name.split("/", 1)[0], []).append(name)
    return sorted(groups.items())


# -- follow-the-sun timeline --------------------------------------------------------------------


class CoverageLike(Protocol):
    """What the timeline needs from scheduling.programme.CoverageHour."""

    @property
    def starts_at_utc(self) -> datetime: ...

    @property
    def live(self) -> int: ...

    @property
    def by_region(self) -> dict[str, int]: ...


@dataclass(frozen=True)
class Segment:
    region: str
    css_class: str
    count: int
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    starts_at_utc: datetime
    local_label: str  # "Sun 24 Jan, 14:00 EAT" in the viewer's zone
    live: int
    x: float
    segments: tuple[Segment, ...]
    by_region: dict[str, int]  # every region, zero included (the table shows them all)


@dataclass(frozen=True)
class Tick:
    x: float
    time_label: str
    day_label: str


@dataclass(frozen=True)
class Timeline:
    """Geometry of the stacked-bar SVG, computed here so the template only draws."""

    width: float
    height: float
    chart_top: float
    chart_bottom: float
    left: float
    bar_width: float
    max_live: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    gridlines: tuple[tuple[float, int], ...]  # (y, value)
    now_x: float | None
    zone_title: str
    regions: tuple[tuple[str, str], ...]  # (region, css class) in stacking order


def build_timeline(
    hours: Sequence[CoverageLike], zone_name: str, now: datetime, tick_every: int = 6
) -> Timeline:
    """One bar per UTC hour, stacked by region; axis ticks in the viewer's zone."""
    left, pitch, bar_width = 34.0, 14.0, 11.0
    chart_top, chart_bottom = 26.0, 186.0
    chart_height = chart_bottom - chart_top
    max_live = max([h.live for h in hours] + [1])
    scale = chart_height / max_live
    bars: list[Bar] = []
    ticks: list[Tick] = []
    for index, hour in enumerate(hours):
        x = left + index * pitch
        y = chart_bottom
        segments: list[Segment] = []
        for region in tz.REGIONS:
            count = hour.by_region.get(region, 0)
            if count:
                height = count * scale
                y -= height
                segments.append(Segment(region, REGION_CLASSES[region], count, y, height))
        local = localize(hour.starts_at_utc, zone_name)
        bars.append(
            Bar(
                hour.starts_at_utc,
                format_time(hour.starts_at_utc, zone_name),
                hour.live,
                x,
                tuple(segments),
                {region: hour.by_region.get(region, 0) for region in tz.REGIONS},
            )
        )
        if local.hour % tick_every == 0:
            day = f"{local:%a %d}" if local.hour < tick_every or not ticks else ""
            ticks.append(Tick(x + bar_width / 2, f"{local:%H:%M}", day))
    step = max(1, -(-max_live // 4))
    gridlines = tuple(
        (chart_bottom - value * scale, value) for value in range(step, max_live + 1, step)
    )
    now_x: float | None = None
    if hours:
        offset_hours = (now - hours[0].starts_at_utc).total_seconds() / 3600
        if 0 <= offset_hours < len(hours):
            now_x = left + offset_hours * pitch
    at = hours[0].starts_at_utc if hours else now
    return Timeline(
        width=left + max(len(hours), 1) * pitch + 8,
        height=chart_bottom + 40,
        chart_top=chart_top,
        chart_bottom=chart_bottom,
        left=left,
        bar_width=bar_width,
        max_live=max_live,
        bars=tuple(bars),
        ticks=tuple(ticks),
        gridlines=gridlines,
        now_x=now_x,
        zone_title=zone_title(zone_name, at),
        regions=tuple((r, REGION_CLASSES[r]) for r in tz.REGIONS),
    )


# -- the live banner ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Banner:
    """The live banner: is a festival day on somewhere, about to start, or over."""

    state: str  # "on" | "before" | "after"
    day: date
    zones: int  # canonical zones where it is ``day`` now
    offsets: int  # distinct UTC offsets among them
    hours_left: float
    hours_until_start: float
    first_city: str  # where the day starts first


def banner_for(days: Sequence[date], now: datetime) -> Banner:
    """The first festival day that is on somewhere at ``now``, else before/after the dates."""
    statuses = [window.day_status(day, now) for day in days]
    chosen = next((s for s in statuses if s.is_on), None)
    if chosen is not None:
        state = "on"
    elif now < statuses[0].window.starts_at_utc:
        chosen, state = statuses[0], "before"
    else:
        chosen, state = statuses[-1], "after"
    return Banner(
        state,
        chosen.day,
        chosen.zones,
        chosen.offsets,
        chosen.hours_left,
        chosen.hours_until_start,
        tz.city_name(chosen.window.first_zone),
    )


# -- installation -----------------------------------------------------------------------------


def install_template_globals(templates: Jinja2Templates, settings: Settings) -> None:
    env = templates.env
    env.autoescape = True
    env.filters["in_zone"] = format_time
    env.filters["clock"] = format_clock
    env.filters["iso_utc"] = iso_utc
    env.filters["duration"] = duration_text
    env.filters["hours_text"] = hours_text
    env.filters["language"] = language_name
    env.filters["kind_label"] = kind_label
    env.filters["audience_label"] = audience_label
    env.filters["sdg_label"] = sdg_label
    env.filters["country_name"] = country_name
    env.filters["month_day"] = month_day
    env.filters["long_day"] = long_day
    env.filters["safe_url"] = safe_url
    env.globals["site_url"] = settings.site_url
    env.globals["city_name"] = tz.city_name
    env.globals["zone_label"] = tz.zone_label
    env.globals["format_range"] = format_range
    env.globals["organiser_time"] = organiser_time
    env.globals["zone_title"] = zone_title
    env.globals["zone_offset"] = zone_offset
    env.globals["zone_choices"] = zone_choices
    env.globals["SDG_NAMES"] = SDG_NAMES
