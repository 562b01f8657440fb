"""Feeds over HTTP: what calendar clients get, on SQLite and PostgreSQL, over the demo festival."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival import sessions
from festival.routes import feeds
from festival.settings import Settings
from festival.state import app_state
from festival.stores import programme as store
from scheduling import window
from scheduling.clock import FixedClock
from scheduling.slots import Slot
from scheduling.vocabulary import PUBLIC_STATUSES
from tests.dbtools import with_db
from tests.js.icaljs import (
    IcalJs,
    icalendar_calendar_texts,
    icalendar_instants,
    icaljs_instants,
    require_icaljs,
)

EDITION = "learningplanet-2027"
FEED = f"/editions/{EDITION}/calendar.ics"
SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "c3voc-schedule"


def db_instants(settings: Settings, **query: Any) -> dict[str, tuple[datetime, datetime]]:
    async def load(db: AsyncSession) -> dict[str, tuple[datetime, datetime]]:
        edition = await store.get_edition(db, EDITION)
        slots = await store.list_slots(db, edition, **query)
        return {f"{s.uid}@testserver": (s.starts_at_utc, s.ends_at_utc) for s in slots}

    return with_db(settings, load)


def first_published_uid(settings: Settings) -> str:
    async def load(db: AsyncSession) -> str:
        slots = await store.list_slots(db, await store.get_edition(db, EDITION))
        return slots[0].uid

    return with_db(settings, load)


def change_session(settings: Settings, uid: str, now: datetime, **changes: Any) -> None:
    async def change(db: AsyncSession) -> None:
        row = await store.get_session_row(db, uid)
        await sessions.update_session(db, row, FixedClock(now), **changes)

    with_db(settings, change)


def events(body: bytes) -> dict[str, Any]:
    return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


@pytest.fixture(scope="session")
def icaljs(tmp_path_factory: pytest.TempPathFactory) -> IcalJs:
    return require_icaljs(tmp_path_factory.mktemp("icaljs"))


def test_festival_feed_is_text_calendar_and_answers_a_get_without_accept(
    demo_client: TestClient,
) -> None:
    request = demo_client.build_request("GET", FEED)
    del request.headers["accept"]
    response = demo_client.send(request)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "content-disposition" not in response.headers
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"\nMETHOD" not in response.content


def test_festival_feed_instants_match_the_database_in_both_parsers(
    demo_client: TestClient, demo_settings: Settings, icaljs: IcalJs
) -> None:
    body = demo_client.get(FEED).content
    # Published and cancelled: the demo's cancellations stay (STATUS:CANCELLED) until the
    # festival is over, however long ago they were cancelled.
    expected = db_instants(demo_settings, statuses=PUBLIC_STATUSES)
    assert len(expected) > 150
    assert icalendar_instants(body) == expected
    assert icaljs_instants(icaljs(body)) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/organisations/{org}/calendar.ics",
        FEED + "?lang=fr",
        "/sessions/{uid}/calendar.ics",
    ],
)
def test_every_feed_kind_reads_the_same_in_both_parsers(
    demo_client: TestClient, demo_settings: Settings, icaljs: IcalJs, path: str
) -> None:
    uid = first_published_uid(demo_settings)
    org = demo_client.get(f"/api/sessions/{uid}").json()["organisation"]["slug"]
    body = demo_client.get(path.format(uid=uid, org=org)).content
    everything = db_instants(demo_settings, statuses=PUBLIC_STATUSES)
    parsed = icaljs_instants(icaljs(body))
    assert parsed, "the feed has events"
    assert parsed == icalendar_instants(body) == {u: everything[u] for u in parsed}


def test_download_is_an_attachment_and_the_feed_is_not(
    demo_client: TestClient, demo_settings: Settings
) -> None:
    download = demo_client.get(FEED + "?download=1")
    assert download.headers["content-disposition"].startswith(
        'attachment; filename="learningplanet-2027.ics"'
    )
    assert download.content == demo_client.get(FEED).content
    uid = first_published_uid(demo_settings)
    session = demo_client.get(f"/sessions/{uid}/calendar.ics")
    assert "content-disposition" not in session.headers
    saved = demo_client.get(f"/sessions/{uid}/calendar.ics?download=1")
    assert saved.headers["content-disposition"].startswith("attachment; filename=")


def test_conditional_get_answers_304(demo_client: TestClient) -> None:
    first = demo_client.get(FEED)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert demo_client.get(FEED, headers={"If-None-Match": etag}).status_code == 304
    assert demo_client.get(FEED, headers={"If-Modified-Since": modified}).status_code == 304
    stale = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert demo_client.get(FEED, headers={"If-Modified-Since": stale}).status_code == 200
    assert demo_client.get(FEED, headers={"If-None-Match": '"other"'}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert demo_client.get(FEED, headers=both).status_code == 200
    plain = demo_client.get(FEED, headers={"Accept-Encoding": "identity"})
    assert plain.headers["etag"] != etag  # identity and gzip codings have their own validators
    assert plain.content == first.content


def test_unchanged_data_gives_byte_identical_feeds_from_the_cache(demo_client: TestClient) -> None:
    first = demo_client.get(FEED).content
    cache = app_state(demo_client.app).feed_cache
    hits = cache.hits
    assert demo_client.get(FEED).content == first
    assert cache.hits == hits + 1


def test_a_change_regenerates_the_feed_with_a_higher_sequence(
    demo_client: TestClient, demo_settings: Settings, clock: FixedClock
) -> None:
    uid = first_published_uid(demo_settings)
    before = demo_client.get(FEED)
    old = events(before.content)[f"{uid}@testserver"]
    change_session(demo_settings, uid, clock.now(), title="A new title for this session")
    after = demo_client.get(FEED, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    new = events(after.content)[f"{uid}@testserver"]
    assert str(new["SUMMARY"]) == "A new title for this session"
    assert new["SEQUENCE"] == old["SEQUENCE"] + 1
    assert new["DTSTAMP"].dt == new["LAST-MODIFIED"].dt == clock.now()
    assert parsedate_to_datetime(after.headers["last-modified"]) == clock.now()


def later_session(settings: Settings, after: datetime) -> Slot:
    """A published session starting at least 3 hours after ``after``: a future start."""

    async def load(db: AsyncSession) -> Slot:
        slots = await store.list_slots(db, await store.get_edition(db, EDITION))
        return next(s for s in slots if s.starts_at_utc > after + timedelta(hours=3))

    return with_db(settings, load)


def http_time(header: str) -> datetime:
    return parsedate_to_datetime(header).astimezone(UTC)


def test_session_feed_after_a_cancellation_is_modified(
    demo_client: TestClient, demo_settings: Settings, clock: FixedClock
) -> None:
    session = later_session(demo_settings, clock.now())
    uid = session.uid
    path = f"/sessions/{uid}/calendar.ics"
    first = demo_client.get(path)
    # The representation's last change, not the (future) start (RFC 9110 §8.8.2.1).
    assert session.updated_at_utc is not None
    changed = session.updated_at_utc.replace(microsecond=0)
    assert http_time(first.headers["last-modified"]) == changed < clock.now()
    clock.advance(60)
    change_session(demo_settings, uid, clock.now(), status="cancelled")

    by_date = demo_client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    by_tag = demo_client.get(path, headers={"If-None-Match": first.headers["etag"]})

    for response in (by_date, by_tag):
        assert response.status_code == 200
        (event,) = events(response.content).values()
        assert str(event["STATUS"]) == "CANCELLED"
        assert http_time(response.headers["last-modified"]) == clock.now()
    # Once the client has the new copy, it is current by either validator.
    again = {
        "If-Modified-Since": by_date.headers["last-modified"],
        "If-None-Match": by_date.headers["etag"],
    }
    for name, value in again.items():
        assert demo_client.get(path, headers={name: value}).status_code == 304


def test_session_feed_after_a_move_to_an_earlier_time_is_modified(
    demo_client: TestClient, demo_settings: Settings, clock: FixedClock
) -> None:
    session = later_session(demo_settings, clock.now())
    uid, start = session.uid, session.local_start
    path = f"/sessions/{uid}/calendar.ics"
    first = demo_client.get(path)
    (before,) = events(first.content).values()
    clock.advance(60)
    change_session(demo_settings, uid, clock.now(), local_start=start - timedelta(hours=2))

    by_date = demo_client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    by_tag = demo_client.get(path, headers={"If-None-Match": first.headers["etag"]})

    for response in (by_date, by_tag):
        assert response.status_code == 200
        (after,) = events(response.content).values()
        assert after["DTSTART"].dt == before["DTSTART"].dt - timedelta(hours=2)
        assert http_time(response.headers["last-modified"]) == clock.now()


def test_session_feed_last_modified_is_never_later_than_now(
    demo_client: TestClient, demo_settings: Settings, clock: FixedClock
) -> None:
    uid = later_session(demo_settings, clock.now()).uid
    # Stamped by a worker whose clock runs an hour ahead of this one's.
    change_session(demo_settings, uid, clock.now() + timedelta(hours=1), title="Ahead")

    response = demo_client.get(f"/sessions/{uid}/calendar.ics")

    assert http_time(response.headers["last-modified"]) == clock.now()


def test_cancelled_session_stays_cancelled_for_the_retention_then_leaves(
    demo_client: TestClient, demo_settings: Settings, clock: FixedClock
) -> None:
    uid = first_published_uid(demo_settings)
    cancelled_at = clock.now()
    change_session(demo_settings, uid, cancelled_at, status="cancelled")
    event = events(demo_client.get(FEED).content)[f"{uid}@testserver"]
    assert str(event["STATUS"]) == "CANCELLED"
    clock.advance(timedelta(days=demo_settings.cancelled_retention_days).total_seconds())
    response = demo_client.get(FEED)
    assert f"{uid}@testserver" not in events(response.content)
    expires = cancelled_at + timedelta(days=demo_settings.cancelled_retention_days)
    assert parsedate_to_datetime(response.headers["last-modified"]) == expires


def test_an_early_cancellation_stays_cancelled_until_the_festival_is_over(
    demo_client: TestClient, demo_settings: Settings, clock: FixedClock
) -> None:
    uid = first_published_uid(demo_settings)
    # Cancelled two months before the festival: long past the retention when it takes place.
    change_session(demo_settings, uid, clock.now() - timedelta(days=60), status="cancelled")
    over = with_db(demo_settings, feeds.festival_ends)[EDITION]

    ttl = app_state(demo_client.app).feed_cache.ttl
    during = events(demo_client.get(FEED).content)
    clock.advance((over - clock.now()).total_seconds() - 1)
    last_second = events(demo_client.get(FEED).content)
    # A rendered feed is kept for the cache's time to live: the change shows by then.
    clock.advance(1 + ttl.total_seconds())
    response = demo_client.get(FEED)

    assert str(during[f"{uid}@testserver"]["STATUS"]) == "CANCELLED"
    assert str(last_second[f"{uid}@testserver"]["STATUS"]) == "CANCELLED"
    assert f"{uid}@testserver" not in events(response.content)
    assert parsedate_to_datetime(response.headers["last-modified"]) == over
    assert over == window.window_for_dates([date(2027, 1, 24)]).ends_at_utc


def test_filtered_feeds_select_what_the_api_selects(demo_client: TestClient) -> None:
    for query in ("lang=fr", "kind=workshop", "sdg=4&audience=youth", "country=KE", "q=prince"):
        api = demo_client.get(f"/api/editions/{EDITION}/sessions?{query}").json()
        # Cancelled sessions too: they stay in feeds until the festival is over.
        public = {
            f"{s['uid']}@testserver" for s in api["sessions"] if s["status"] in PUBLIC_STATUSES
        }
        feed = demo_client.get(f"{FEED}?{query}")
        assert feed.status_code == 200
        assert set(events(feed.content)) == public, query


def test_filtered_feed_is_named_after_its_filters(demo_client: TestClient, icaljs: IcalJs) -> None:
    body = demo_client.get(f"{FEED}?lang=fr&kind=workshop").content
    # Read as TEXT (RFC 5545 §3.3.11) by both parsers; the strict reading refuses a bare comma.
    texts = icalendar_calendar_texts(body)
    assert texts["x-wr-calname"].endswith("(French, Workshop)")
    assert texts["name"] == texts["x-wr-calname"]
    assert icaljs(body)["calendar"] == texts


def test_every_feeds_calendar_texts_are_escaped(
    demo_client: TestClient, demo_settings: Settings
) -> None:
    uid = first_published_uid(demo_settings)
    organisations = demo_client.get("/api/organisations").json()["organisations"]
    paths = [FEED, f"{FEED}?lang=fr&kind=workshop&q=city", f"/sessions/{uid}/calendar.ics"]
    paths += [f"/organisations/{org['slug']}/calendar.ics" for org in organisations]
    described = 0
    for path in paths:
        texts = icalendar_calendar_texts(demo_client.get(path).content)  # strict: fails unescaped
        assert texts["name"] == texts["x-wr-calname"], path
        described += "x-wr-caldesc" in texts
    # The demo's descriptions have commas: the check above really met some.
    assert described >= 2


def test_bad_filter_is_a_clear_400(demo_client: TestClient) -> None:
    response = demo_client.get(f"{FEED}?sdg=18")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "filter.invalid"


def test_unknown_edition_and_session_are_404(demo_client: TestClient) -> None:
    assert demo_client.get("/editions/nope/calendar.ics").status_code == 404
    assert demo_client.get("/sessions/nope/calendar.ics").status_code == 404
    assert demo_client.get("/organisations/nope/calendar.ics").status_code == 404


def test_exports_validate_against_the_c3voc_schemas(demo_client: TestClient) -> None:
    xml = demo_client.get(f"/editions/{EDITION}/schedule.xml")
    assert xml.headers["content-type"] == "application/xml; charset=utf-8"
    xmlschema.XMLSchema(str(SCHEMAS / "schedule.xml.xsd")).validate(xml.text)
    document = demo_client.get(f"/editions/{EDITION}/schedule.json").json()
    schema = json.loads((SCHEMAS / "schema.json").read_text("utf-8"))
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )
    assert [e.message for e in validator.iter_errors(document)] == []
    days = document["schedule"]["conference"]["days"]
    exported = sum(len(evs) for day in days for evs in day["rooms"].values())
    api = demo_client.get(f"/api/editions/{EDITION}/sessions").json()
    assert exported == sum(1 for s in api["sessions"] if s["status"] == "published")


def test_session_page_offers_every_calendar_link(
    demo_client: TestClient, demo_settings: Settings
) -> None:
    uid = first_published_uid(demo_settings)
    page = demo_client.get(f"/sessions/{uid}").text
    for expected in (
        "https://calendar.google.com/calendar/render?action=TEMPLATE",
        "https://outlook.live.com/calendar/0/deeplink/compose?",
        f"webcal://testserver/sessions/{uid}/calendar.ics",
        f"http://testserver/sessions/{uid}/calendar.ics?download=1",
        'action="/agenda/save"',
        'name="csrf_token"',
    ):
        assert expected in page


def test_subscribe_page_lists_webcal_https_and_download_links(demo_client: TestClient) -> None:
    response = demo_client.get("/calendar")
    assert response.status_code == 200
    page = response.text
    assert f"webcal://testserver{FEED}" in page
    assert f"http://testserver{FEED}?download=1" in page
    assert f"webcal://testserver{FEED}?lang=fr" in page
    assert "/schedule.xml" in page and "/schedule.json" in page


def test_stamps_are_utc_and_feed_times_equal_api_instants(demo_client: TestClient) -> None:
    body = demo_client.get(FEED).content
    api = demo_client.get(f"/api/editions/{EDITION}/sessions").json()
    for event in events(body).values():
        assert event["DTSTAMP"].dt.tzinfo is not None
        assert event["DTSTAMP"].dt.utcoffset() == timedelta(0)
    starts = {f"{s['uid']}@testserver": s for s in api["sessions"]}
    for uid, (start, _end) in icalendar_instants(body).items():
        assert start.astimezone(UTC) == datetime.fromisoformat(
            starts[uid]["starts_at_utc"].replace("Z", "+00:00")
        )


def test_feed_slots_are_the_stores_slots(demo_settings: Settings) -> None:
    """The column query feeds use gives exactly the Slots of stores.programme.list_slots."""

    async def both(db: AsyncSession) -> tuple[list[Any], list[Any]]:
        edition = await store.get_edition(db, EDITION)
        statuses = ("published", "cancelled")
        fast = await store.feed_slots(db, edition_id=edition.id, statuses=statuses)
        slow = await store.list_slots(db, edition, statuses=statuses)
        return fast, slow

    fast, slow = with_db(demo_settings, both)
    key = lambda s: (s.starts_at_utc, s.uid)  # noqa: E731
    assert sorted(fast, key=key) == sorted(slow, key=key)
    assert [s.edition_slug for s in fast] == [s.edition_slug for s in sorted(slow, key=key)]


def test_feed_cache_is_bounded_by_entries_and_bytes() -> None:
    from festival.feedcache import LRU, FeedCache

    lru: LRU[str, bytes] = LRU(max_entries=3, max_bytes=10, size=len)
    for key, value in (("a", b"1234"), ("b", b"1234"), ("c", b"12")):
        lru[key] = value
    assert (len(lru), lru.bytes) == (3, 10)
    assert lru.get("a") == b"1234"  # "a" is now the most recently used
    lru["d"] = b"123"
    assert [k for k in ("a", "b", "c", "d") if lru.get(k) is not None] == ["a", "c", "d"]
    assert lru.bytes == 9
    cache = FeedCache(ttl=timedelta(minutes=5))
    now = datetime(2027, 1, 24, tzinfo=UTC)
    cache.put("k", 1, b"body", now, now)
    assert cache.get("k", 1, now + timedelta(minutes=4)) is not None
    assert cache.get("k", 2, now) is None  # another data version
    assert cache.get("k", 1, now + timedelta(minutes=5)) is None  # too old


def test_download_file_names_are_readable_with_an_ascii_fallback() -> None:
    from urllib.parse import unquote

    from festival.feedcache import ascii_filename, content_disposition, readable_filename

    name = readable_filename("Kathmandu: écoute & récits / stories?")
    assert name == "Kathmandu - écoute & récits stories.ics"
    header = content_disposition(name)
    ascii_part, utf8_part = header.split("; filename*=UTF-8''")
    assert ascii_part == 'attachment; filename="kathmandu-ecoute-recits-stories.ics"'
    assert unquote(utf8_part) == name and utf8_part.isascii() and " " not in utf8_part
    assert readable_filename("::") == "calendar.ics"
    assert len(readable_filename("word " * 40)) <= 80 + len(".ics")
    assert ascii_filename("学习.ics") == "calendar.ics"


def test_a_session_download_is_named_after_its_title(
    demo_client: TestClient, demo_settings: Settings, clock: FixedClock
) -> None:
    from urllib.parse import unquote

    uid = first_published_uid(demo_settings)
    change_session(demo_settings, uid, clock.now(), title="Robots: l’atelier d’été")

    header = demo_client.get(f"/sessions/{uid}/calendar.ics?download=1").headers[
        "content-disposition"
    ]

    assert unquote(header.split("filename*=UTF-8''")[1]) == "Robots - l’atelier d’été.ics"
    assert header.startswith('attachment; filename="robots-l-atelier-d-ete.ics"; ')
