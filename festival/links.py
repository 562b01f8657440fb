"""Where this site's sessions and feeds live, and the add-to-calendar links made from them."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from urllib.parse import urlencode

from festival import i18n
from festival.i18n import gettext as _
from festival.settings import Settings
from scheduling import ical
from scheduling.slots import Slot


def safe_url(url: str) -> str:
    """``url`` when it is an http(s) link, else "" (never a ``javascript:`` href)."""
    value = url.strip()
    return value if value.lower().startswith(("https://", "http://")) else ""


def site_links(settings: Settings) -> ical.SiteLinks:
    """Where sessions live on this site (the live room is reached from the session page), and
    the words of events in the current language."""
    return ical.SiteLinks(settings.site_url, "/sessions/{uid}", "/sessions/{uid}", event_words())


def event_words() -> ical.EventWords:
    """The human text of calendar events in the current language (English: the core's own)."""
    if i18n.current_locale() == i18n.DEFAULT:
        return ical.EventWords()
    return _event_words(i18n.current_locale())


@functools.cache
def _event_words(locale: str) -> ical.EventWords:
    return ical.EventWords(
        cancelled_note=_("This session is cancelled."),
        join=_("Join: {url}"),
        organised=_("Organised by {organisation}: {when}."),
        # No day or month names: tz.organiser_time writes them in English.
        when=_("%H:%M {label} on %Y-%m-%d"),
        hosts=_("Hosts: {hosts}"),
        languages=_("Languages: {languages}"),
        details=_("Details: {url}"),
        cancelled_title=_("Cancelled: {title}"),
    )


def edition_feed_path(slug: str, query: Sequence[tuple[str, str]] = ()) -> str:
    path = f"/editions/{slug}/calendar.ics"
    return path + ("?" + urlencode(list(query)) if query else "")


def feed_links(settings: Settings, path: str) -> dict[str, str]:
    """The three ways to use a feed: subscribe (webcal), by URL (https), download.

    On a page in another language than English the feed's address asks for that language
    (``locale=``), so that a calendar app, which sends no ``Accept-Language``, keeps it."""
    if i18n.current_locale() != i18n.DEFAULT:
        joiner = "&" if "?" in path else "?"
        path += joiner + urlencode([(i18n.QUERY, i18n.current_locale())])
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
