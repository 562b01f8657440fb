"""Server-rendered pages over the demo festival: zones, filters, escaping, errors, a11y basics.

Expected texts are built here from the API's raw instants and the tz core (``tz.localize``),
so the pages are checked against an independent computation.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from starlette.testclient import TestClient

from festival import db as dbmod
from festival import sessions
from festival.app import create_app
from festival.models import Edition, Organisation
from festival.settings import Settings
from festival.stores import programme as store
from scheduling import tz
from scheduling.clock import FixedClock
from tests.conftest import FESTIVAL_NOON

EDITION = "learningplanet-2027"
FESTIVAL_DAY = date(2027, 1, 24)
#: January 24's global window: from midnight in Kiritimati (UTC+14) to midnight ending the day
#: in Pago Pago (UTC−11). Known values, not computed by the code under test.
WINDOW_START = datetime(2027, 1, 23, 10, 0, tzinfo=UTC)
WINDOW_END = datetime(2027, 1, 25, 11, 0, tzinfo=UTC)
#: What every rendered time must end with: the zone's one label, "Kathmandu (UTC+05:45)", or UTC.
ZONE_SUFFIX = re.compile(r"( [A-Z][\w .'-]* \(UTC([+−]\d\d:\d\d)?\)| UTC)$")

Session = dict[str, Any]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def api_sessions(client: TestClient) -> list[Session]:
    result: list[Session] = client.get(f"/api/editions/{EDITION}/sessions").json()["sessions"]
    return result


def viewer_range(session: Session, zone: str) -> str:
    """How a session's time must read for a viewer in ``zone`` (same-day sessions)."""
    start = tz.localize(utc(session["starts_at_utc"]), zone)
    end = tz.localize(utc(session["ends_at_utc"]), zone)
    assert start.date() == end.date()
    label = f"{tz.city_name(zone)} ({tz.utc_offset_label(end)})" if zone != "UTC" else "UTC"
    return f"{start:%a %d %b, %H:%M}–{end:%H:%M} {label}"


def counted(listed: list[Session], everything: list[Session]) -> str:
    """The programme's count line: published sessions, as the home page counts them."""
    published = [s for s in listed if s["status"] == "published"]
    total = sum(1 for s in everything if s["status"] == "published")
    return f"{len(published)} of {total} sessions"


def same_day(sessions: list[Session], zone: str) -> list[Session]:
    return [
        s
        for s in sessions
        if tz.localize(utc(s["starts_at_utc"]), zone).date()
        == tz.localize(utc(s["ends_at_utc"]), zone).date()
    ]


def escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


class PageParser(HTMLParser):
    """Collects what the accessibility and zone checks need."""

    def __init__(self) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.times: list[tuple[str, str]] = []  # (datetime attribute, text)
        self.labels_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.landmarks: list[str] = []
        self._time: str | None = None
        self._time_text: list[str] = []
        self._label_depth = 0
        self.wrapped_controls = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_attrs = attributes
        if tag in {"main", "nav", "header", "footer"}:
            self.landmarks.append(tag)
        if tag == "time":
            self._time = attributes.get("datetime") or ""
            self._time_text = []
        if tag == "label":
            self._label_depth += 1
            if attributes.get("for"):
                self.labels_for.add(attributes["for"] or "")
        if tag in {"input", "select", "textarea"} and attributes.get("type") != "hidden":
            self.controls.append(attributes)
            if self._label_depth:
                self.wrapped_controls += 1
                attributes["_wrapped"] = "yes"

    def handle_endtag(self, tag: str) -> None:
        if tag == "time" and self._time is not None:
            self.times.append((self._time, " ".join("".join(self._time_text).split())))
            self._time = None
        if tag == "label":
            self._label_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._time is not None:
            self._time_text.append(data)


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


# -- home ---------------------------------------------------------------------------------------


def test_home_shows_the_live_banner_with_zones_and_hours_left(demo_client: TestClient) -> None:
    zones = sum(
        1
        for name in tz.canonical_zones()
        if tz.localize(FESTIVAL_NOON, name).date() == FESTIVAL_DAY
    )
    left_minutes = int((WINDOW_END - FESTIVAL_NOON) / timedelta(minutes=1))

    response = demo_client.get("/")

    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert f"It is January 24 in <strong>{zones}</strong> time zones right now" in text
    hours, minutes = divmod(left_minutes, 60)
    left = f"{hours} h" + (f" {minutes} min" if minutes else "")
    assert f"<strong>{left}</strong> left." in text


def test_home_banner_before_and_after_the_window(
    demo_client: TestClient, clock: FixedClock
) -> None:
    clock.instant = datetime.fromisoformat("2027-01-23T07:30:00+00:00")
    before = " ".join(demo_client.get("/").text.split())
    clock.instant = datetime.fromisoformat("2027-01-25T11:00:00+00:00")
    after = " ".join(demo_client.get("/").text.split())

    # The window opens at 10:00 UTC on the 23rd (midnight on the UTC+14 line).
    assert "January 24 starts in <strong>2 h 30 min</strong>, first in Kiritimati." in before
    assert "January 24 2027 is over everywhere on Earth." in after


def test_home_shows_the_window_in_viewer_zone_and_utc(demo_client: TestClient) -> None:
    html = demo_client.get("/", params={"tz": "Asia/Kathmandu"}).text

    # 10:00 UTC is 15:45 in Kathmandu (UTC+05:45).
    assert (
        '<time datetime="2027-01-23T10:00:00Z">Sat 23 Jan, 15:45 Kathmandu (UTC+05:45)</time>'
        in html
    )
    assert "(Sat 23 Jan, 10:00 UTC)" in html
    assert "(Mon 25 Jan, 11:00 UTC)" in html
    assert "49 h of January 24" in html


def test_home_lists_live_and_soon_sessions_with_organiser_time(demo_client: TestClient) -> None:
    published = [s for s in api_sessions(demo_client) if s["status"] == "published"]
    live = [
        s for s in published if utc(s["starts_at_utc"]) <= FESTIVAL_NOON < utc(s["ends_at_utc"])
    ]
    soon = [
        s
        for s in published
        if FESTIVAL_NOON < utc(s["starts_at_utc"]) <= FESTIVAL_NOON + timedelta(minutes=60)
    ]

    html = demo_client.get("/", params={"tz": "Europe/Paris"}).text

    live_part = html.split('id="live-title"')[1].split('id="soon-title"')[0]
    soon_part = html.split('id="soon-title"')[1].split('id="timeline-title"')[0]
    shown_live = [s for s in live if f"/sessions/{s['uid']}" in live_part]
    assert len(shown_live) == min(len(live), 12)
    for session in shown_live:
        local = tz.localize(utc(session["starts_at_utc"]), session["local"]["tz"])
        assert f"{local:%H:%M} in {tz.city_name(session['local']['tz'])}" in live_part
    if len(live) > 12:
        assert f"{len(live) - 12} more sessions are live" in live_part
    shown_soon = [s for s in soon if f"/sessions/{s['uid']}" in soon_part]
    assert len(shown_soon) == min(len(soon), 12)
    assert live and soon


def test_home_timeline_has_one_bar_per_hour_and_a_table(demo_client: TestClient) -> None:
    hours = int((WINDOW_END - WINDOW_START) / timedelta(hours=1))

    html = demo_client.get("/", params={"tz": "America/St_Johns"}).text

    assert html.count('<g class="bar">') == hours
    assert '<svg class="timeline-svg" role="img"' in html
    assert html.count("<title>") >= hours + 1
    table = html.split('<details class="timeline-table">')[1].split("</details>")[0]
    # 10:00 UTC is 06:30 in St John's (UTC−03:30).
    assert "Sat 23 Jan, 06:30 St Johns (UTC−03:30)</time>" in table
    assert table.count("<tr>") == hours + 1


def test_home_now_override_needs_debug(demo_settings: Settings, clock: FixedClock) -> None:
    with TestClient(create_app(demo_settings, clock=clock)) as client:
        ignored = client.get("/?now=2027-01-26T00:00Z").text
    with TestClient(create_app(demo_settings.with_(debug=True), clock=clock)) as client:
        honoured = client.get("/?now=2027-01-26T00:00Z").text

    assert "is over everywhere on Earth" not in ignored
    assert "is over everywhere on Earth" in honoured


def test_home_on_an_empty_site_says_so(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "No festival edition has been published yet." in response.text


def test_home_links_other_editions(demo_client: TestClient) -> None:
    editions = demo_client.get("/api/editions").json()["editions"]

    html = demo_client.get("/").text

    for edition in editions:
        if edition["slug"] != EDITION:
            assert f'<a href="/editions/{edition["slug"]}">{escaped(edition["name"])}</a>' in html


# -- viewer zone --------------------------------------------------------------------------------


def test_programme_tz_parameter_renders_times_and_sets_cookie(demo_client: TestClient) -> None:
    zone = "Asia/Kathmandu"
    candidates = same_day(api_sessions(demo_client), zone)

    response = demo_client.get("/programme", params={"tz": zone})

    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("tz=Asia/Kathmandu;")
    assert "Max-Age=31536000" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert 'data-viewer-zone="Asia/Kathmandu"' in response.text
    for session in candidates[:25]:
        expected = viewer_range(session, zone)
        assert (
            f'<time datetime="{session["starts_at_utc"]}" data-viewer-time>{expected}</time>'
            in (response.text)
        )
    assert "UTC+05:45" in expected


def test_programme_changes_with_the_zone(demo_client: TestClient) -> None:
    session = same_day(same_day(api_sessions(demo_client), "Europe/London"), "Asia/Tokyo")[0]

    london = demo_client.get("/programme", params={"tz": "Europe/London"}).text
    tokyo = demo_client.get("/programme", params={"tz": "Asia/Tokyo"}).text

    assert viewer_range(session, "Europe/London") in london
    assert viewer_range(session, "Asia/Tokyo") in tokyo
    assert viewer_range(session, "Asia/Tokyo") not in london


def test_programme_groups_by_viewer_local_day(demo_client: TestClient) -> None:
    zone = "Pacific/Kiritimati"
    days = sorted(
        {tz.localize(utc(s["starts_at_utc"]), zone).date() for s in api_sessions(demo_client)}
    )

    html = demo_client.get("/programme", params={"tz": zone}).text

    headings = re.findall(r'<h3 id="day-(\d{4}-\d\d-\d\d)" class="day-title">', html)
    assert headings == [d.isoformat() for d in days]
    assert len(days) >= 2


def test_programme_alias_zone_is_canonicalised(demo_client: TestClient) -> None:
    response = demo_client.get("/programme", params={"tz": "Asia/Katmandu"})

    assert response.status_code == 200
    assert response.headers["set-cookie"].startswith("tz=Asia/Kathmandu;")
    assert 'data-viewer-zone="Asia/Kathmandu"' in response.text


def test_programme_uses_the_tz_cookie(demo_client: TestClient) -> None:
    session = same_day(api_sessions(demo_client), "America/St_Johns")[0]
    demo_client.cookies.set("tz", "America/St_Johns")

    response = demo_client.get("/programme")

    assert response.status_code == 200
    # The zone cookie is not set again (the stars' forms may set the CSRF cookie).
    assert [c for c in response.headers.get_list("set-cookie") if c.startswith("tz=")] == []
    assert 'data-viewer-zone="America/St_Johns" data-zone-source="cookie"' in response.text
    assert viewer_range(session, "America/St_Johns") in response.text


def test_programme_ignores_an_invalid_cookie(demo_client: TestClient) -> None:
    demo_client.cookies.set("tz", "Mars/Olympus_Mons")

    response = demo_client.get("/programme")

    assert response.status_code == 200
    assert 'data-viewer-zone="UTC" data-zone-source="default"' in response.text


def test_page_unknown_tz_is_a_400_with_a_message_in_utc(demo_client: TestClient) -> None:
    session = api_sessions(demo_client)[0]

    response = demo_client.get("/programme", params={"tz": "Mars/Olympus_Mons"})

    assert response.status_code == 400
    assert [c for c in response.headers.get_list("set-cookie") if c.startswith("tz=")] == []
    assert "Unknown time zone." in response.text
    assert "&#39;Mars/Olympus_Mons&#39; is not a usable time zone" in response.text
    assert 'data-viewer-zone="UTC"' in response.text
    start, end = utc(session["starts_at_utc"]), utc(session["ends_at_utc"])
    assert f"{start:%a %d %b, %H:%M}–{end:%H:%M} UTC</time>" in response.text


def test_page_tz_keeps_other_query_parameters_in_the_picker(demo_client: TestClient) -> None:
    html = demo_client.get("/programme", params={"kind": "game", "tz": "Europe/Paris"}).text

    picker = html.split('id="zone-form"')[1].split("</form>")[0]
    assert '<input type="hidden" name="kind" value="game">' in picker
    assert 'id="tz-picker" name="tz"' in picker


# -- programme filters --------------------------------------------------------------------------


def test_programme_filter_narrows_the_list(demo_client: TestClient) -> None:
    everything = api_sessions(demo_client)
    debates = [s for s in everything if s["kind"] == "debate"]

    html = demo_client.get("/programme", params={"kind": "debate"}).text

    assert counted(debates, everything) + " match your filters" in html
    assert html.count("data-viewer-time>") == len(debates)
    for session in debates:
        assert f"/sessions/{session['uid']}" in html
    assert 'value="debate" checked' in html


def test_programme_between_filter_reads_the_viewer_zone(demo_client: TestClient) -> None:
    zone = "Asia/Kathmandu"
    everything = api_sessions(demo_client)
    chosen = [
        s
        for s in everything
        if "09:00" <= f"{tz.localize(utc(s['starts_at_utc']), zone):%H:%M}" <= "12:00"
    ]

    html = demo_client.get("/programme", params={"tz": zone, "from": "09:00", "to": "12:00"}).text

    assert counted(chosen, everything) + " match your filters" in html
    assert 'name="from" value="09:00"' in html


def test_programme_invalid_filter_is_a_400_next_to_the_form(demo_client: TestClient) -> None:
    response = demo_client.get("/programme", params={"kind": "juggling", "q": "<b>x</b>"})

    assert response.status_code == 400
    html = response.text
    form = html.split('class="filters"')[1].split("</form>")[0]
    assert 'id="filter-error"' in form
    assert "Unknown kind &#39;juggling&#39;; allowed values: lecture, debate" in form
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in form
    assert "Fix the filter above to see the programme." in html
    assert "data-viewer-time>" not in html


def test_edition_programme_page_serves_other_editions(demo_client: TestClient) -> None:
    other = next(
        e for e in demo_client.get("/api/editions").json()["editions"] if e["slug"] != EDITION
    )
    sessions = demo_client.get(f"/api/editions/{other['slug']}/sessions").json()["sessions"]

    response = demo_client.get(f"/editions/{other['slug']}/programme")

    assert response.status_code == 200
    assert counted(sessions, sessions) in response.text
    assert demo_client.get(f"/editions/{other['slug']}").status_code == 200
    assert demo_client.get("/editions/nope/programme").status_code == 404


# -- session page -------------------------------------------------------------------------------


def test_session_page_shows_viewer_and_organiser_time(demo_client: TestClient) -> None:
    session = next(s for s in api_sessions(demo_client) if s["local"]["tz"] == "Asia/Kathmandu")
    local = tz.localize(utc(session["starts_at_utc"]), "Asia/Kathmandu")

    response = demo_client.get(f"/sessions/{session['uid']}", params={"tz": "America/St_Johns"})

    assert response.status_code == 200
    html = response.text
    # The title is in the session's own language (its first), whatever the page's language.
    held_in = session["languages"][0]
    assert (
        f'<h1 id="session-title" dir="auto" lang="{held_in}">{escaped(session["title"])}</h1>'
    ) in html
    assert f"{local:%a %d %b, %H:%M} in Kathmandu (UTC+05:45)" in html
    start = tz.localize(utc(session["starts_at_utc"]), "America/St_Johns")
    assert f"{start:%a %d %b, %H:%M}" in html and "St Johns (UTC−03:30)" in html
    org = session["organisation"]
    assert f'<a href="/organisations/{org["slug"]}">{escaped(org["name"])}</a>' in html
    assert "{% block calendar %}" not in html


def test_session_page_marks_a_cancelled_session(demo_client: TestClient) -> None:
    session = next(s for s in api_sessions(demo_client) if s["status"] == "cancelled")

    html = demo_client.get(f"/sessions/{session['uid']}").text

    assert "<strong>Cancelled.</strong> This session will not take place" in html
    assert "Join the session" not in html


def test_session_page_unknown_uid_is_a_404_page(demo_client: TestClient) -> None:
    response = demo_client.get("/sessions/not-a-session")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "session.not_found" in response.text
    assert "There is no session with id &#39;not-a-session&#39;." in response.text


# -- organisations and editions -----------------------------------------------------------------


def test_organisation_pages_list_organisations_and_their_sessions(demo_client: TestClient) -> None:
    organisations = demo_client.get("/api/organisations").json()["organisations"]
    target = organisations[3]
    own = demo_client.get(f"/api/organisations/{target['slug']}").json()["sessions"]

    index = demo_client.get("/organisations").text
    page = demo_client.get(f"/organisations/{target['slug']}", params={"tz": "Asia/Kolkata"})

    for org in organisations:
        assert f'<a href="/organisations/{org["slug"]}">{escaped(org["name"])}</a>' in index
    assert page.status_code == 200
    assert f"Sessions ({len(own)})" in page.text
    for session in own:
        assert escaped(session["title"]) in page.text
    assert demo_client.get("/organisations/nobody").status_code == 404


def test_editions_page_lists_every_edition_with_its_window(demo_client: TestClient) -> None:
    editions = demo_client.get("/api/editions").json()["editions"]

    html = demo_client.get("/editions", params={"tz": "Pacific/Chatham"}).text

    for edition in editions:
        assert f'<a href="/editions/{edition["slug"]}">{escaped(edition["name"])}</a>' in html
    # 10:00 UTC is 23:45 on the Chatham Islands (UTC+13:45 in their summer).
    assert "Sat 23 Jan, 23:45 Chatham (UTC+13:45)" in html


# -- escaping, zones on every time, accessibility -----------------------------------------------


async def _add_hostile_session(database_url: str) -> str:
    engine = dbmod.make_engine(database_url)
    try:
        async with dbmod.make_sessionmaker(engine)() as db:
            edition: Edition = await store.get_edition(db, EDITION)
            organisation = Organisation(
                slug="hostile-org",
                name='Org "<img src=x onerror=alert(2)>"',
                country="FR",
                tz_name="Europe/Paris",
            )
            db.add(organisation)
            await db.flush()
            row = await sessions.create_session(
                db,
                edition,
                organisation,
                sessions.SessionInput(
                    title="<script>alert(1)</script> & friends",
                    summary="</p><script>alert(3)</script>",
                    local_start=datetime.combine(date(2027, 1, 24), time(13, 30)),
                    tz_name="Europe/Paris",
                    duration_minutes=60,
                    hosts=("<i>host</i>",),
                ),
                FixedClock(FESTIVAL_NOON),
                uid="hostile-session",
            )
            # The session rules refuse such a link now; a row written before them (or by
            # another tool) may still hold one, and the pages must not link it.
            row.join_url = "javascript:alert(4)"
            await db.commit()
            return row.uid
    finally:
        await engine.dispose()


def test_pages_escape_user_text(demo_settings: Settings, clock: FixedClock) -> None:
    uid = asyncio.run(_add_hostile_session(demo_settings.database_url))

    with TestClient(create_app(demo_settings, clock=clock)) as client:
        pages = [
            client.get(f"/sessions/{uid}").text,
            client.get("/programme", params={"q": "friends"}).text,
            client.get("/organisations/hostile-org").text,
            client.get("/").text,
        ]

    for html in pages:
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in html
    assert "<img src=x" not in pages[0]
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages[0]
    assert "&lt;/p&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in pages[0]
    assert "&lt;i&gt;host&lt;/i&gt;" in pages[0]
    assert "javascript:" not in pages[0]


@pytest.mark.parametrize(
    "path",
    ["/", "/programme", "/editions", "/organisations", "/organisations/{org}", "/sessions/{uid}"],
)
def test_every_time_on_a_page_names_its_zone(demo_client: TestClient, path: str) -> None:
    session = api_sessions(demo_client)[0]
    url = path.format(org=session["organisation"]["slug"], uid=session["uid"])

    html = demo_client.get(url, params={"tz": "Asia/Kathmandu"}).text

    times = parse(html).times
    assert times
    for instant, text in times:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", instant), instant
        assert ZONE_SUFFIX.search(text), text


@pytest.mark.parametrize("path", ["/", "/programme", "/sessions/{uid}", "/organisations"])
def test_pages_have_landmarks_skip_link_and_labelled_controls(
    demo_client: TestClient, path: str
) -> None:
    url = path.format(uid=api_sessions(demo_client)[0]["uid"])

    html = demo_client.get(url).text
    page = parse(html)

    assert page.html_attrs.get("lang") == "en"
    assert '<a class="skip-link" href="#main">' in html
    assert {"header", "nav", "main", "footer"} <= set(page.landmarks)
    assert "https://cdn" not in html and "//unpkg" not in html
    for control in page.controls:
        assert control.get("_wrapped") or control.get("id") in page.labels_for, control


def test_programme_day_outside_the_festival_is_a_400_with_the_reason(
    demo_client: TestClient,
) -> None:
    response = demo_client.get("/programme", params={"day": "2027-03-01", "tz": "Europe/Paris"})

    assert response.status_code == 400
    assert (
        "The festival does not fall on 2027-03-01 in your time zone (Europe/Paris)" in response.text
    )


def test_room_page_links_only_http_join_urls(demo_settings: Settings, clock: FixedClock) -> None:
    uid = asyncio.run(_add_hostile_session(demo_settings.database_url))

    with TestClient(create_app(demo_settings, clock=clock)) as client:
        hostile = client.get(f"/rooms/session-{uid}")
        joinable = [s for s in api_sessions(client) if s["join_url"].startswith("https://")]
        safe = client.get(f"/rooms/session-{joinable[0]['uid']}")

    assert hostile.status_code == 200
    assert "javascript:" not in hostile.text
    assert 'id="room-join"' not in hostile.text
    assert f'<a href="{joinable[0]["join_url"]}" rel="noopener"' in safe.text


def test_api_and_room_snapshot_carry_no_script_join_url(
    demo_settings: Settings, clock: FixedClock
) -> None:
    """The JSON API and the live room's snapshot read the same filtered slot as the pages."""
    uid = asyncio.run(_add_hostile_session(demo_settings.database_url))

    with TestClient(create_app(demo_settings, clock=clock)) as client:
        detail = client.get(f"/api/sessions/{uid}").json()
        with client.websocket_connect(f"/ws/rooms/session-{uid}") as ws:
            ws.send_text('{"type": "join", "ref": "j", "data": {"name": "Ana"}}')
            frames: list[dict[str, Any]] = []
            while not any(f["type"] == "snapshot" for f in frames):
                frame = ws.receive_json()
                frames += frame["frames"] if frame["type"] == "batch" else [frame]

    snapshot = next(f for f in frames if f["type"] == "snapshot")
    assert detail["join_url"] == ""
    assert snapshot["data"]["room"]["join_url"] == ""


def test_home_before_the_festival_counts_down_and_shows_what_comes_next(
    demo_client: TestClient, clock: FixedClock
) -> None:
    clock.instant = datetime.fromisoformat("2026-12-01T12:00:00+00:00")
    published = [s for s in api_sessions(demo_client) if s["status"] == "published"]
    first = min(published, key=lambda s: (s["starts_at_utc"], s["ends_at_utc"], s["uid"]))

    page = demo_client.get("/", params={"tz": "Asia/Kathmandu"}).text
    next_up = page.split("Coming up next", 1)[-1].split("</ul>", 1)[0]

    assert "No session is live right now." not in page
    assert re.search(r"The festival starts in <strong>\d+ days</strong>", page)
    assert f'href="/sessions/{first["uid"]}"' in next_up
