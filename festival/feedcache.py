"""Rendered feeds cached per process, keyed by what they show and the data version.

A feed is looked up by its key (kind and parameters) and is valid while the data version it was
rendered from is still current (``stores.agenda.data_version``: any session change moves it) and
for at most ``ttl`` (which also lets cancelled sessions leave when their retention ends).
Rendered events are memoised separately, by the immutable slot, so after one change a feed of
2,000 sessions re-renders one event and joins the rest.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Generic, TypeVar
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A least-recently-used mapping bounded by entries and, optionally, by total size."""

    def __init__(
        self,
        max_entries: int,
        max_bytes: int | None = None,
        size: Callable[[V], int] | None = None,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size or (lambda _value: 0)
        self.bytes = 0
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        old = self._data.pop(key, None)
        if old is not None:
            self.bytes -= self._size(old)
        self._data[key] = value
        self.bytes += self._size(value)
        while len(self._data) > self.max_entries or (
            self.max_bytes is not None and self.bytes > self.max_bytes and len(self._data) > 1
        ):
            _, evicted = self._data.popitem(last=False)
            self.bytes -= self._size(evicted)

    def __getitem__(self, key: K) -> V:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()
        self.bytes = 0


@dataclass(frozen=True)
class RenderedFeed:
    """A response body with the validators conditional requests are answered from."""

    body: bytes
    etag: str  # strong, quoted
    last_modified_utc: datetime
    version: Hashable
    rendered_at_utc: datetime


def make_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def gzip_etag(etag: str) -> str:
    """The validator of the gzip-coded representation (a strong ETag differs per coding)."""
    return etag[:-1] + '-gzip"'


#: Below this size a body is sent as is (gzip would not pay for itself).
GZIP_MINIMUM_BYTES = 1024


class FeedCache:
    """Rendered feeds (by key and version) plus the memo of rendered events."""

    def __init__(
        self,
        max_feeds: int = 256,
        max_bytes: int = 64 * 1024 * 1024,
        max_events: int = 50_000,
        ttl: timedelta = timedelta(minutes=5),
    ) -> None:
        # Memory stays bounded: feeds and their gzip copies by total size, events by count
        # (a rendered event is about 1 kB).
        self.feeds: LRU[Hashable, RenderedFeed] = LRU(
            max_feeds, max_bytes, lambda feed: len(feed.body)
        )
        self.events: LRU[Hashable, bytes] = LRU(max_events)
        self.gzipped: LRU[str, bytes] = LRU(max_feeds, max_bytes // 4, len)
        self.ttl = ttl
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, version: Hashable, now: datetime) -> RenderedFeed | None:
        feed = self.feeds.get(key)
        if feed is None or feed.version != version or now - feed.rendered_at_utc >= self.ttl:
            self.misses += 1
            return None
        self.hits += 1
        return feed

    def put(
        self,
        key: Hashable,
        version: Hashable,
        body: bytes,
        last_modified_utc: datetime,
        now: datetime,
    ) -> RenderedFeed:
        feed = RenderedFeed(body, make_etag(body), last_modified_utc, version, now)
        self.feeds[key] = feed
        return feed


# -- HTTP -------------------------------------------------------------------------------------


def _etags(header: str) -> list[str]:
    return [part.strip().removeprefix("W/") for part in header.split(",") if part.strip()]


def is_not_modified(request: Request, feed: RenderedFeed) -> bool:
    """RFC 9110 §13.1: If-None-Match wins; If-Modified-Since only when it is absent."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = _etags(if_none_match)
        return "*" in tags or feed.etag in tags or gzip_etag(feed.etag) in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return feed.last_modified_utc.replace(microsecond=0) <= since
    return False


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


#: Characters no file name may hold on some system people save to (Windows refuses them all;
#: browsers put "_" in their place), and control characters.
UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
#: Long titles are cut (at a word) so the name stays readable in a downloads list.
FILE_NAME_CHARACTERS = 80


def readable_filename(title: str, extension: str = ".ics") -> str:
    """A file name people can read, from a title: ``"Robots: build one!"`` ->
    ``"Robots - build one!.ics"`` (a colon, which browsers turn into "_", reads as a dash)."""
    text = unicodedata.normalize("NFC", title).replace(":", " - ")
    text = " ".join(UNSAFE_IN_FILE_NAMES.sub(" ", text).split()).strip(" .-")
    if len(text) > FILE_NAME_CHARACTERS:
        text = text[:FILE_NAME_CHARACTERS].rsplit(" ", 1)[0].rstrip(" .-")
    return (text or "calendar") + extension


def ascii_filename(filename: str) -> str:
    """The name slugged to ASCII for ``filename=``: ``"Écoute - récit.ics"`` ->
    ``"ecoute-recit.ics"``."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    decomposed = unicodedata.normalize("NFKD", stem.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", plain, flags=re.ASCII).strip("-") or "calendar"
    clean_extension = re.sub(r"[^a-z0-9]+", "", extension.lower())
    return f"{slug}.{clean_extension}" if clean_extension else slug


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII name and the UTF-8 one (RFC 6266 §4.3, RFC 8187)."""
    return (
        f'attachment; filename="{ascii_filename(filename)}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )


def feed_response(
    request: Request,
    cache: FeedCache,
    feed: RenderedFeed,
    media_type: str,
    download_name: str | None = None,
    private: bool = False,
    max_age: int = 300,
) -> Response:
    """200 with the body, or 304 when the client's copy is current.

    A client that accepts gzip gets the compressed body from ``cache`` (compressed once per
    rendering), so a cache hit costs no compression; the app's GZipMiddleware leaves a response
    that already has a Content-Encoding alone.
    """
    gzipped = "gzip" in request.headers.get("accept-encoding", "") and (
        len(feed.body) >= GZIP_MINIMUM_BYTES
    )
    headers = {
        "ETag": gzip_etag(feed.etag) if gzipped else feed.etag,
        "Vary": "Accept-Encoding",
        "Last-Modified": http_date(feed.last_modified_utc),
        "Cache-Control": f"{'private' if private else 'public'}, max-age={max_age}",
    }
    if private:
        # The address is the secret: keep it out of Referer headers and search engines.
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Robots-Tag"] = "noindex"
    if is_not_modified(request, feed):
        return Response(status_code=304, headers=headers)
    if download_name is not None:
        headers["Content-Disposition"] = content_disposition(download_name)
    body = feed.body
    if gzipped:
        compressed = cache.gzipped.get(feed.etag)
        if compressed is None:
            compressed = gzip.compress(feed.body, compresslevel=6, mtime=0)
            cache.gzipped[feed.etag] = compressed
        body = compressed
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=media_type, headers=headers)
