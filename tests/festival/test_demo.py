"""The demo festival, read back through the programme store on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from festival import demo
from festival.db import make_engine, make_sessionmaker, session_scope
from festival.models import Edition, FestivalSession, Organisation
from festival.sessions import session_uid
from festival.settings import Settings
from festival.stores import programme
from scheduling import tz, window
from scheduling.slots import Slot
from scheduling.vocabulary import SessionKind

FLAGSHIP = "learningplanet-2027"
JANUARY_24 = date(2027, 1, 24)
SPECIAL_ZONES = {
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Australia/Adelaide",
    "Pacific/Chatham",
}


@dataclass(frozen=True)
class Snapshot:
    editions: list[Edition]
    organisations: list[Organisation]
    slots: list[Slot]  # every status

    def flagship(self) -> list[Slot]:
        return [s for s in self.slots if s.edition_slug == FLAGSHIP]

    def by_uid(self, edition: str, organisation: str, number: int) -> Slot:
        uid = session_uid(f"{edition}/{organisation}/{number}")
        return next(s for s in self.slots if s.uid == uid)


async def _snapshot(database_url: str) -> Snapshot:
    engine = make_engine(database_url)
    try:
        async with session_scope(make_sessionmaker(engine)) as db:
            editions = await programme.list_editions(db)
            organisations = await programme.list_organisations(db)
            slots = await programme.list_slots(db, statuses=())
    finally:
        await engine.dispose()
    return Snapshot(editions, organisations, slots)


@pytest.fixture
def seeded(demo_database_url: str) -> Snapshot:
    return asyncio.run(_snapshot(demo_database_url))


def test_demo_flagship_edition_is_january_24(seeded: Snapshot) -> None:
    flagship = next(e for e in seeded.editions if e.slug == FLAGSHIP)

    assert (flagship.kind, flagship.first_day, flagship.last_day) == (
        "flagship",
        JANUARY_24,
        JANUARY_24,
    )
    assert "International Day of Education" in flagship.description


def test_demo_flagship_has_150_sessions_from_60_organisations(seeded: Snapshot) -> None:
    flagship = seeded.flagship()

    assert len(flagship) >= 150
    assert len({s.organisation_slug for s in flagship}) >= 60
    assert {o.kind for o in seeded.organisations} == {
        "city",
        "association",
        "school_network",
        "youth_group",
        "other",
    }


def test_demo_flagship_spans_kiritimati_to_pago_pago(seeded: Snapshot) -> None:
    zones = {s.tz_name for s in seeded.flagship()}
    offsets = {tz.localize(s.starts_at_utc, s.tz_name).utcoffset() for s in seeded.flagship()}

    assert len(zones) >= 40
    assert all(tz.canonical_name(z) == z for z in zones)
    assert SPECIAL_ZONES | {"Pacific/Kiritimati", "Pacific/Pago_Pago"} <= zones
    assert max(o for o in offsets if o is not None) == timedelta(hours=14)
    assert min(o for o in offsets if o is not None) == timedelta(hours=-11)


def test_demo_flagship_covers_every_kind_and_six_languages(seeded: Snapshot) -> None:
    flagship = seeded.flagship()
    languages = {lang for s in flagship for lang in s.languages}

    assert {s.kind for s in flagship} == {k.value for k in SessionKind}
    assert {"en", "fr", "es", "ar", "hi", "pt", "sw", "zh"} <= languages


def test_demo_titles_use_several_scripts(seeded: Snapshot) -> None:
    titles = " ".join(s.title for s in seeded.flagship())
    scripts = {
        "arabic": r"[\u0600-\u06ff]",
        "devanagari": r"[\u0900-\u097f]",
        "kana": r"[\u3040-\u30ff]",
        "han": r"[\u4e00-\u9fff]",
        "french": r"Petit Prince",
        "spanish": r"[¿ñ]",
    }

    assert {name for name, pattern in scripts.items() if re.search(pattern, titles)} == set(scripts)


def test_demo_flagship_sessions_belong_to_january_24(seeded: Snapshot) -> None:
    outside = [
        (s.title, s.tz_name)
        for s in seeded.flagship()
        if not window.belongs_to(s.starts_at_utc, s.tz_name, [JANUARY_24])
    ]

    assert outside == []


def test_demo_session_utc_is_derived_from_wall_time(seeded: Snapshot) -> None:
    wrong = [
        s.uid
        for s in seeded.slots
        if s.starts_at_utc != tz.to_utc(s.local_start, s.tz_name, 0)
        or s.ends_at_utc != s.starts_at_utc + timedelta(minutes=s.duration_minutes)
    ]

    assert wrong == []


@pytest.mark.parametrize(
    ("organisation", "local", "utc"),
    [
        ("kiritimati-schools", "2027-01-24 06:00", "2027-01-23 16:00"),  # UTC+14
        ("chatham-islands-learning", "2027-01-24 09:00", "2027-01-23 19:15"),  # UTC+13:45
        ("adelaide-young-readers", "2027-01-24 10:00", "2027-01-23 23:30"),  # UTC+10:30
        ("kathmandu-teachers", "2027-01-24 09:00", "2027-01-24 03:15"),  # UTC+05:45
        ("delhi-reading-mission", "2027-01-24 09:30", "2027-01-24 04:00"),  # UTC+05:30
        ("st-johns-youth-library-council", "2027-01-24 10:00", "2027-01-24 13:30"),  # UTC−03:30
        ("pago-pago-youth-voices", "2027-01-24 14:00", "2027-01-25 01:00"),  # UTC−11
    ],
)
def test_demo_first_session_lands_at_expected_utc(
    seeded: Snapshot, organisation: str, local: str, utc: str
) -> None:
    slot = seeded.by_uid(FLAGSHIP, organisation, 1)

    assert slot.local_start == datetime.fromisoformat(local)
    assert slot.starts_at_utc == datetime.fromisoformat(utc).replace(tzinfo=UTC)


def test_demo_has_two_drafts_and_two_cancelled(seeded: Snapshot) -> None:
    statuses = [s.status for s in seeded.flagship()]

    assert (statuses.count("draft"), statuses.count("cancelled")) == (2, 2)
    assert statuses.count("published") == len(statuses) - 4


def test_demo_other_celebrations_fall_on_their_days(seeded: Snapshot) -> None:
    others = [e for e in seeded.editions if e.kind == "celebration"]
    sessions = {e.slug: [s for s in seeded.slots if s.edition_slug == e.slug] for e in others}

    assert [(e.slug, e.first_day) for e in others] == [
        ("international-literacy-day-2027", date(2027, 9, 8)),
        ("world-teachers-day-2027", date(2027, 10, 5)),
    ]
    assert all(len(found) >= 4 for found in sessions.values())
    assert all(
        window.belongs_to(s.starts_at_utc, s.tz_name, e.days)
        for e in others
        for s in sessions[e.slug]
    )


def test_demo_conflicts_are_exactly_the_two_deliberate_ones(seeded: Snapshot) -> None:
    hosts: list[tuple[str, str, str]] = []
    streams: list[tuple[str, str, str]] = []
    organisations: list[str] = []
    for a, b in itertools.combinations(seeded.flagship(), 2):
        if not a.overlaps(b):
            continue
        first, second = sorted((a.organisation_slug, b.organisation_slug))
        hosts += [(host, first, second) for host in sorted(set(a.hosts) & set(b.hosts))]
        if a.stream == b.stream:
            streams.append((a.stream, first, second))
        if a.organisation_slug == b.organisation_slug:
            organisations.append(a.organisation_slug)

    assert hosts == [("Dr. Nadia Okonkwo", "lagos-learning-collective", "ville-de-paris")]
    assert streams == [("studio-2", "berliner-bildungsnetzwerk", "london-young-readers")]
    assert organisations == []


def test_demo_guest_hosts_appear_twice(seeded: Snapshot) -> None:
    appearances = {
        name: sum(name in s.hosts for s in seeded.flagship())
        for name in ("Amina Diallo", "Tomás Ortega", "Meera Joshi")
    }

    assert appearances == {"Amina Diallo": 2, "Tomás Ortega": 2, "Meera Joshi": 2}


def test_demo_sessions_have_join_urls_streams_and_stable_uids(seeded: Snapshot) -> None:
    opening = seeded.by_uid(FLAGSHIP, "kiritimati-schools", 1)

    assert opening.title == "Sunrise on 24 January: the festival opens in Kiritimati"
    assert opening.join_url == "https://live.example.org/learningplanet-2027/kiritimati-schools/1"
    assert opening.stream == "main-stage"
    assert all(s.join_url.startswith("https://live.example.org/") for s in seeded.slots)
    assert all(s.stream and s.hosts and 4 in s.sdgs for s in seeded.slots)


async def test_demo_seed_twice_changes_nothing(database_url: str) -> None:
    first_summary = await demo.seed_database(database_url)
    first = await _snapshot(database_url)

    second_summary = await demo.seed_database(database_url)
    second = await _snapshot(database_url)

    total = len(first.slots)
    assert f"(created {total}, updated 0, unchanged 0)" in first_summary
    assert f"(created 0, updated 0, unchanged {total})" in second_summary
    assert [(e.slug, e.updated_at_utc) for e in second.editions] == [
        (e.slug, e.updated_at_utc) for e in first.editions
    ]
    assert [o.slug for o in second.organisations] == [o.slug for o in first.organisations]
    assert second.slots == first.slots
    assert [(s.uid, s.revision) for s in second.slots] == [(s.uid, 1) for s in first.slots]


async def test_demo_seed_restores_an_edited_session_and_bumps_its_revision(
    database_url: str,
) -> None:
    await demo.seed_database(database_url)
    before = (await _snapshot(database_url)).by_uid(FLAGSHIP, "kathmandu-teachers", 1)
    engine = make_engine(database_url)
    try:
        async with session_scope(make_sessionmaker(engine)) as db:
            await db.execute(
                update(FestivalSession)
                .where(FestivalSession.uid == before.uid)  # type: ignore[arg-type]
                .values(title="Edited by hand")
            )
    finally:
        await engine.dispose()

    summary = await demo.seed_database(database_url)
    after = (await _snapshot(database_url)).by_uid(FLAGSHIP, "kathmandu-teachers", 1)

    assert "(created 0, updated 1, " in summary
    assert (after.title, after.revision) == (before.title, 2)
    assert after.starts_at_utc == before.starts_at_utc


def test_demo_terminal_home_page_and_api_count_the_same_sessions(
    demo_settings: Settings, demo_client: TestClient
) -> None:
    """One count everywhere, the programme page's too: the published sessions (cancelled ones are
    listed, not counted)."""
    summary = asyncio.run(demo.seed_database(demo_settings.database_url))  # changes nothing
    editions = demo_client.get("/api/editions").json()["editions"]
    listed = demo_client.get(f"/api/editions/{FLAGSHIP}/sessions").json()["sessions"]
    published = [s for s in listed if s["status"] == "published"]

    terminal = re.search(r" (\d+) sessions \((\d+) on 24 January 2027\)", summary)
    home = re.search(r"See the whole programme \((\d+) sessions\)", demo_client.get("/").text)
    programme_page = demo_client.get("/programme").text
    on_programme = re.search(
        r"(\d+) of (\d+) sessions \((\d+) cancelled sessions are listed too\)\.", programme_page
    )
    api = [demo_client.get(f"/api/editions/{e['slug']}").json()["session_count"] for e in editions]
    by_organisation = re.findall(
        r" · (\d+) sessions?</span>", demo_client.get("/organisations").text
    )

    assert terminal is not None and home is not None and on_programme is not None
    flagship_api = api[[e["slug"] for e in editions].index(FLAGSHIP)]
    assert int(terminal.group(2)) == int(home.group(1)) == flagship_api == len(published)
    # The programme counts the same sessions (it lists the cancelled ones, and says so).
    shown, total, cancelled = map(int, on_programme.groups())
    assert shown == total == len(published)
    assert cancelled == len(listed) - len(published)
    assert programme_page.count("data-viewer-time>") == len(listed)
    assert int(terminal.group(1)) == sum(api) == sum(map(int, by_organisation))
    assert len(listed) > len(published)  # the demo has cancelled sessions, so this can differ


def test_demo_toolkits_are_in_the_library_and_linked_to_sessions(
    demo_settings: Settings, demo_client: TestClient
) -> None:
    from festival.demo.toolkits import TOOLKITS

    again = asyncio.run(demo.seed_database(demo_settings.database_url))  # creates nothing new
    listed = demo_client.get("/api/toolkits").json()
    french = demo_client.get("/api/toolkits?lang=fr").json()
    climate = demo_client.get("/api/toolkits?sdg=13").json()
    school = demo_client.get(f"/api/toolkits/{TOOLKITS[0].slug}").json()
    session_page = demo_client.get(f"/sessions/{school['sessions'][0]['uid']}").text
    library = demo_client.get("/toolkits").text

    assert f"{len(TOOLKITS)} toolkits;" in again
    assert sorted(t["slug"] for t in listed["toolkits"]) == sorted(t.slug for t in TOOLKITS)
    assert [t["slug"] for t in french["toolkits"]] == ["atelier-lecture-a-voix-haute"]
    assert [t["slug"] for t in climate["toolkits"]] == ["girls-in-stem-build-a-weather-station"]
    assert len(school["sessions"]) == TOOLKITS[0].sessions == 2
    assert f'href="/toolkits/{TOOLKITS[0].slug}"' in session_page
    assert all(t.title.replace("'", "&#39;") in library for t in TOOLKITS)
