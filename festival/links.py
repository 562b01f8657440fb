"""Where this site's sessions and feeds live, and the add-to-calendar links made from them."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from festival.settings import Settings
from scheduling import ical
from scheduling.slots import Slot


def safe_url(url: str) -> str:
    """``url`` when it is an http(s) link, else "" (never a ``javascript:`` href)."""
    value = url.strip()
    return value if value.lower().startswith(("https://", "http://")) else ""


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
