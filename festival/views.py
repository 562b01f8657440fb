"""View models the pages draw: the follow-the-sun timeline, the live banner, the zone picker.

Computed here from the scheduling core's values so templates only lay them out.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from festival.i18n import LazyString
from festival.i18n import lazy_gettext as _l
from festival.times import format_time, local_strftime, zone_title
from festival.viewer import localize
from scheduling import tz, window

#: CSS class per region of the follow-the-sun picture (colours live in site.css).
REGION_CLASSES: dict[str, str] = {
    region: "region-" + "".join(ch for ch in region.lower() if ch.isalpha())
    for region in tz.REGIONS
}


#: The areas of the tz database's zone names, for people (the names themselves are data).
AREA_LABELS: dict[str, LazyString] = {
    "Africa": _l("Africa"),
    "America": _l("America"),
    "Antarctica": _l("Antarctica"),
    "Arctic": _l("Arctic"),
    "Asia": _l("Asia"),
    "Atlantic": _l("Atlantic"),
    "Australia": _l("Australia"),
    "Europe": _l("Europe"),
    "Indian": _l("Indian"),
    "Pacific": _l("Pacific"),
}


@functools.cache
def _zone_groups() -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for name in tz.canonical_zones():
        groups.setdefault(name.split("/", 1)[0], []).append(name)
    return sorted(groups.items())


def zone_choices() -> list[tuple[str, list[str]]]:
    """Canonical zones grouped by area (its name in the current language), for the zone
    picker's optgroups."""
    return [(str(AREA_LABELS.get(area, area)), zones) for area, zones in _zone_groups()]


# -- follow-the-sun timeline -------------------------------------------------------------------


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
            day = local_strftime(local, "%a %d") if local.hour < tick_every or not ticks else ""
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


# -- the live banner ---------------------------------------------------------------------------


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
    first_zone: str = ""  # its zone (pages in other languages name the city from CLDR)


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
        chosen.window.first_zone,
    )
