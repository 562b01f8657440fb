"""scheduling.ical: feeds that calendar clients read at the same instants as the core."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import tzdata  # type: ignore[import-untyped]
from icalendar import Calendar

from scheduling import ical, tz
from scheduling.slots import Slot
from tests.js.icaljs import (
    IcalJs,
    icalendar_calendar_texts,
    icalendar_instants,
    icaljs_instants,
    require_icaljs,
)

LINKS = ical.SiteLinks("https://festival.example.org", "/sessions/{uid}", "/sessions/{uid}/live")
INFO = ical.CalendarInfo(
    name="#LearningPlanet Festival 2027",
    description="Learning, everywhere.",
    url="https://festival.example.org/editions/lp/programme",
    source_url="https://festival.example.org/editions/lp/calendar.ics",
)
CHANGED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def wall(text: str) -> datetime:
    """A naive wall time as an organiser enters it."""
    return datetime.fromisoformat(text)


def make_slot(
    uid: str,
    wall: datetime,
    zone: str,
    *,
    fold: int | None = None,
    minutes: int = 60,
    title: str = "Learning cities",
    status: str = "published",
    revision: int = 1,
    cancelled_at: datetime | None = None,
    summary: str = "A session.",
    join_url: str = "",
) -> Slot:
    start = tz.to_utc(wall, zone, fold)
    return Slot(
        uid=uid,
        title=title,
        kind="workshop",
        tz_name=zone,
        local_start=wall,
        duration_minutes=minutes,
        starts_at_utc=start,
        ends_at_utc=start + timedelta(minutes=minutes),
        organisation_slug="org",
        organisation_name="Learning City",
        country="FR",
        summary=summary,
        languages=("fr", "en"),
        hosts=("Ada", "Grace"),
        join_url=join_url,
        status=status,
        revision=revision,
        updated_at_utc=CHANGED,
        cancelled_at_utc=cancelled_at,
    )


@pytest.fixture(scope="session")
def icaljs(tmp_path_factory: pytest.TempPathFactory) -> IcalJs:
    return require_icaljs(tmp_path_factory.mktemp("icaljs"))


def unfold(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def lines_named(data: bytes, name: str) -> list[str]:
    return [line for line in unfold(data) if line.split(":")[0].split(";")[0] == name]


def event_starts(data: bytes) -> dict[str, str]:
    """UID -> the DTSTART line of each VEVENT."""
    starts: dict[str, str] = {}
    for block in data.decode("utf-8").replace("\r\n ", "").split("BEGIN:VEVENT\r\n")[1:]:
        lines = block.split("\r\n")
        uid = next(line for line in lines if line.startswith("UID:"))[4:]
        starts[uid] = next(line for line in lines if line.startswith("DTSTART"))
    return starts


# -- VTIMEZONE --------------------------------------------------------------------------------


def offset_from_vtimezone(component: object, instant: datetime) -> timedelta:
    """RFC 5545 §3.6.5 read by hand: the last observance whose onset is at or before instant.

    An onset is DTSTART (local time in TZOFFSETFROM) minus TZOFFSETFROM.
    """
    best: tuple[datetime, timedelta] | None = None
    for part in component.subcomponents:  # type: ignore[attr-defined]
        onset = (part["DTSTART"].dt - part["TZOFFSETFROM"].td).replace(tzinfo=UTC)
        if onset <= instant and (best is None or onset > best[0]):
            best = (onset, part["TZOFFSETTO"].td)
    assert best is not None, f"no observance covers {instant}"
    return best[1]


@pytest.mark.parametrize(
    ("zone", "first", "last"),
    [
        ("Europe/Paris", date(2027, 1, 1), date(2027, 12, 31)),
        ("America/Santiago", date(2027, 1, 1), date(2027, 12, 31)),  # southern hemisphere
        ("Australia/Lord_Howe", date(2027, 1, 1), date(2027, 12, 31)),  # 30-minute DST
        ("Asia/Kathmandu", date(2027, 1, 1), date(2027, 3, 1)),  # no DST, +05:45
        ("Europe/Dublin", date(2027, 1, 1), date(2027, 12, 31)),  # "negative" DST in tzdata
    ],
)
def test_vtimezone_offsets_match_zoneinfo_every_half_hour(
    zone: str, first: date, last: date
) -> None:
    component = ical.vtimezone(zone, first, last)
    z = tz.zone(zone)
    instant = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC)
    mismatches = []
    while instant < end:
        expected = instant.astimezone(z).utcoffset()
        if offset_from_vtimezone(component, instant) != expected:
            mismatches.append(instant)
        instant += timedelta(minutes=30)
    assert mismatches == []


def test_vtimezone_onsets_are_in_the_offset_before_the_change() -> None:
    component = ical.vtimezone("Europe/Paris", date(2027, 3, 1), date(2027, 11, 30))
    onsets = [
        (type(p).__name__, p["DTSTART"].dt, p["TZOFFSETFROM"].td, p["TZOFFSETTO"].td)
        for p in component.subcomponents
    ]
    hour = timedelta(hours=1)
    assert onsets == [
        ("TimezoneStandard", wall("2027-03-01 01:00"), hour, hour),
        # 02:00 CET, not 03:00 (icalendar's generator writes 03:00: an hour late in clients)
        ("TimezoneDaylight", wall("2027-03-28 02:00"), hour, 2 * hour),
        ("TimezoneStandard", wall("2027-10-31 03:00"), 2 * hour, hour),
    ]


def test_vtimezone_agrees_with_icalendars_own_reading_of_it() -> None:
    """icalendar can turn a VTIMEZONE into a tzinfo; that reading must match zoneinfo too."""
    component = ical.vtimezone("America/Santiago", date(2027, 3, 1), date(2027, 10, 1))
    reading = component.to_tz(lookup_tzid=False)
    z = tz.zone("America/Santiago")
    for instant in (
        datetime(2027, 4, 4, 2, 59, tzinfo=UTC),
        datetime(2027, 4, 4, 3, 0, tzinfo=UTC),
        datetime(2027, 9, 5, 3, 59, tzinfo=UTC),
        datetime(2027, 9, 5, 4, 0, tzinfo=UTC),
        datetime(2027, 6, 1, 12, 0, tzinfo=UTC),
    ):
        assert instant.astimezone(reading).utcoffset() == instant.astimezone(z).utcoffset()


def test_calendar_has_one_vtimezone_per_tzid_trimmed_to_the_events() -> None:
    slots = [
        make_slot("a", wall("2027-01-24 10:00"), "Europe/Paris"),
        make_slot("b", wall("2027-01-24 12:00"), "Europe/Paris"),
        make_slot("c", wall("2027-01-24 09:00"), "Asia/Kolkata"),
    ]
    data = ical.build_calendar(slots, INFO, LINKS)
    calendar = Calendar.from_ical(data)
    zones = [str(c["TZID"]) for c in calendar.walk("VTIMEZONE")]
    tzids = sorted({str(e["DTSTART"].params["TZID"]) for e in calendar.walk("VEVENT")})
    assert zones == tzids == ["Asia/Kolkata", "Europe/Paris"]
    paris = next(c for c in calendar.walk("VTIMEZONE") if c["TZID"] == "Europe/Paris")
    assert [p["DTSTART"].dt for p in paris.subcomponents] == [wall("2027-01-17 01:00")]


# -- instants, read by two independent parsers ------------------------------------------------


def dst_spanning_slots() -> list[Slot]:
    return [
        make_slot("paris-before", wall("2027-03-27 10:00"), "Europe/Paris"),
        make_slot("paris-after-gap", wall("2027-03-28 03:00"), "Europe/Paris"),
        make_slot("paris-summer", wall("2027-07-14 21:00"), "Europe/Paris"),
        make_slot("paris-fold-first", wall("2027-10-31 02:30"), "Europe/Paris", fold=0),
        make_slot("paris-fold-second", wall("2027-10-31 02:30"), "Europe/Paris", fold=1),
        make_slot("paris-winter", wall("2027-11-02 09:00"), "Europe/Paris"),
        make_slot("santiago-summer", wall("2027-01-24 10:00"), "America/Santiago"),
        make_slot("santiago-fold", wall("2027-04-03 23:30"), "America/Santiago", fold=1),
        make_slot("santiago-winter", wall("2027-06-01 18:00"), "America/Santiago"),
        make_slot("santiago-spring", wall("2027-09-05 01:00"), "America/Santiago"),
        make_slot("lord-howe", wall("2027-04-04 01:45"), "Australia/Lord_Howe", fold=1),
        make_slot("kathmandu", wall("2027-01-24 09:00"), "Asia/Kathmandu"),
        make_slot("chatham", wall("2027-01-24 09:00"), "Pacific/Chatham"),
    ]


def core_instants(slots: list[Slot]) -> dict[str, tuple[datetime, datetime]]:
    return {LINKS.event_uid(s): (s.starts_at_utc, s.ends_at_utc) for s in slots}


def test_feed_spanning_dst_changes_reads_the_same_in_icalendar_and_icaljs(
    icaljs: IcalJs,
) -> None:
    slots = dst_spanning_slots()
    data = ical.build_calendar(slots, INFO, LINKS)
    expected = core_instants(slots)
    assert icalendar_instants(data) == expected
    assert icaljs_instants(icaljs(data)) == expected


def test_fold_times_are_written_in_utc_and_others_in_their_zone() -> None:
    slots = dst_spanning_slots()
    data = ical.build_calendar(slots, INFO, LINKS)
    starts = event_starts(data)
    assert starts["paris-fold-first@festival.example.org"] == "DTSTART:20271031T003000Z"
    assert starts["paris-fold-second@festival.example.org"] == "DTSTART:20271031T013000Z"
    assert starts["santiago-fold@festival.example.org"] == "DTSTART:20270404T033000Z"
    assert starts["paris-after-gap@festival.example.org"] == (
        "DTSTART;TZID=Europe/Paris:20270328T030000"
    )
    assert ical.written_in_utc(slots[3]) and not ical.written_in_utc(slots[0])


# -- identity and change ----------------------------------------------------------------------


def test_unchanged_data_renders_byte_identical_output_with_and_without_memo() -> None:
    slots = dst_spanning_slots()
    memo: dict[tuple[Slot, ical.SiteLinks], bytes] = {}
    first = ical.build_calendar(slots, INFO, LINKS, memo)
    second = ical.build_calendar(list(slots), INFO, LINKS, memo)
    plain = ical.build_calendar(slots, INFO, LINKS)
    assert first == second == plain
    assert len(memo) == len(slots)


def test_event_identity_stamps_and_sequence_come_from_the_session() -> None:
    slot = make_slot("abc-123", wall("2027-01-24 10:00"), "Europe/Paris", revision=4)
    data = ical.build_calendar([slot], INFO, LINKS)
    assert lines_named(data, "UID") == ["UID:abc-123@festival.example.org"]
    assert lines_named(data, "DTSTAMP") == ["DTSTAMP:20261201T093000Z"]
    assert lines_named(data, "LAST-MODIFIED") == ["LAST-MODIFIED:20261201T093000Z"]
    assert lines_named(data, "SEQUENCE") == ["SEQUENCE:4"]
    assert lines_named(data, "STATUS") == ["STATUS:CONFIRMED"]


def test_uid_domain_is_the_site_host_whatever_the_port_or_path() -> None:
    links = ical.SiteLinks("https://Festival.Example.org:8443")
    slot = make_slot("u1", wall("2027-01-24 10:00"), "Europe/Paris")
    assert links.event_uid(slot) == "u1@festival.example.org"


def test_cancelled_session_stays_cancelled_during_retention_then_leaves() -> None:
    cancelled_at = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
    live = make_slot("live", wall("2027-01-24 10:00"), "Europe/Paris")
    gone = make_slot(
        "gone",
        wall("2027-01-24 11:00"),
        "Europe/Paris",
        status="cancelled",
        revision=2,
        cancelled_at=cancelled_at,
    )
    draft = make_slot("draft", wall("2027-01-24 12:00"), "Europe/Paris", status="draft")
    during, left_during = ical.visible_slots([gone, draft, live], cancelled_at, 30)
    after, left_after = ical.visible_slots(
        [gone, draft, live], cancelled_at + timedelta(days=30), 30
    )
    assert [s.uid for s in during] == ["live", "gone"] and left_during is None
    assert [s.uid for s in after] == ["live"]
    assert left_after == cancelled_at + timedelta(days=30)
    data = ical.build_calendar(during, INFO, LINKS)
    assert lines_named(data, "STATUS") == ["STATUS:CONFIRMED", "STATUS:CANCELLED"]
    assert lines_named(data, "SEQUENCE") == ["SEQUENCE:1", "SEQUENCE:2"]
    assert "SUMMARY:Cancelled: Learning cities" in unfold(data)


def test_cancelled_session_stays_until_its_festival_is_over_however_early_it_was_cancelled() -> (
    None
):
    festival_over = datetime(2027, 1, 25, 11, 0, tzinfo=UTC)  # January 24 ends everywhere
    early = dataclasses.replace(
        make_slot(
            "early",
            wall("2027-01-24 11:00"),
            "Europe/Paris",
            status="cancelled",
            cancelled_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),  # 84 days before
        ),
        edition_slug="lp-2027",
    )
    other = dataclasses.replace(early, uid="other", edition_slug="elsewhere")
    ends = {"lp-2027": festival_over}

    during = ical.visible_slots([early, other], festival_over - timedelta(seconds=1), 30, ends)
    after = ical.visible_slots([early], festival_over, 30, ends)

    # Its own festival keeps it; a slot of an edition the map does not know follows retention.
    assert during == ([early], datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    assert after == ([], festival_over)


def test_cancelled_after_the_festival_stays_for_the_retention() -> None:
    cancelled_at = datetime(2027, 2, 1, 8, 0, tzinfo=UTC)
    late = dataclasses.replace(
        make_slot(
            "late",
            wall("2027-01-24 11:00"),
            "Europe/Paris",
            status="cancelled",
            cancelled_at=cancelled_at,
        ),
        edition_slug="lp-2027",
    )
    ends = {"lp-2027": datetime(2027, 1, 25, 11, 0, tzinfo=UTC)}

    kept = ical.visible_slots([late], cancelled_at + timedelta(days=29), 30, ends)
    gone = ical.visible_slots([late], cancelled_at + timedelta(days=30), 30, ends)

    assert kept == ([late], None)
    assert gone == ([], cancelled_at + timedelta(days=30))


def test_visible_slots_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        ical.visible_slots([], datetime(2027, 1, 24, 12, 0), 30)  # noqa: DTZ001 - refused


def test_feed_changed_when_the_last_cancelled_session_left() -> None:
    early = make_slot(
        "early",
        wall("2027-01-24 10:00"),
        "Europe/Paris",
        status="cancelled",
        cancelled_at=datetime(2027, 1, 1, 8, 0, tzinfo=UTC),
    )
    # Cancelled before cancellations were timed: its last change stands for the moment.
    late = make_slot("late", wall("2027-01-24 11:00"), "Europe/Paris", status="cancelled")
    now = datetime(2027, 3, 1, tzinfo=UTC)

    assert ical.visible_slots([late], now, 30) == ([], datetime(2026, 12, 31, 9, 30, tzinfo=UTC))
    for order in ([early, late], [late, early]):
        assert ical.visible_slots(order, now, 30) == ([], datetime(2027, 1, 31, 8, 0, tzinfo=UTC))


# -- calendar properties, text ----------------------------------------------------------------


def test_calendar_properties_for_subscribers() -> None:
    data = ical.build_calendar(
        [make_slot("x", wall("2027-01-24 10:00"), "Europe/Paris")], INFO, LINKS
    )
    lines = unfold(data)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{ical.PRODID}"]
    for expected in (
        "NAME:#LearningPlanet Festival 2027",
        "X-WR-CALNAME:#LearningPlanet Festival 2027",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "URL;VALUE=URI:https://festival.example.org/editions/lp/programme",
        "SOURCE;VALUE=URI:https://festival.example.org/editions/lp/calendar.ics",
        "URL;VALUE=URI:https://festival.example.org/sessions/x",
        "CONFERENCE;FEATURE=VIDEO,AUDIO,CHAT;LABEL=Live room;VALUE=URI:"
        "https://festival.example.org/sessions/x/live",
    ):
        assert expected in lines
    assert not any(line.startswith("METHOD") for line in lines)
    description = Calendar.from_ical(data).walk("VEVENT")[0]["DESCRIPTION"]
    assert "Join: https://festival.example.org/sessions/x/live" in description
    assert "10:00 CET on Sun 24 Jan 2027 in Paris (Europe/Paris)" in description


#: A filtered feed's name and a description as organisers write them: commas, semicolons,
#: backslashes, quotes and line breaks, each of which TEXT must escape (RFC 5545 §3.3.11).
TRICKY_NAME = 'Festival 2027 (French, Workshop); see "C:\\new\\" \\, ok'
TRICKY_DESCRIPTION = "Cities, schools; youth groups.\nSecond line: a \\ backslash\\n, literally."


def test_calendar_names_and_descriptions_are_text_escaped_for_strict_parsers(
    icaljs: IcalJs,
) -> None:
    info = ical.CalendarInfo(name=TRICKY_NAME, description=TRICKY_DESCRIPTION)
    slot = make_slot("x", wall("2027-01-24 10:00"), "Europe/Paris")

    data = ical.build_calendar([slot], info, LINKS)

    expected = {
        "name": TRICKY_NAME,
        "x-wr-calname": TRICKY_NAME,
        "description": TRICKY_DESCRIPTION,
        "x-wr-caldesc": TRICKY_DESCRIPTION,
    }
    assert icalendar_calendar_texts(data) == expected
    assert icaljs(data)["calendar"] == expected
    assert lines_named(data, "NAME") == [
        r'NAME:Festival 2027 (French\, Workshop)\; see "C:\\new\\" \\\, ok'
    ]


def test_join_link_is_the_organisers_when_given() -> None:
    slot = make_slot(
        "y", wall("2027-01-24 10:00"), "Europe/Paris", join_url="https://meet.example/y"
    )
    event = Calendar.from_ical(ical.build_calendar([slot], INFO, LINKS)).walk("VEVENT")[0]
    assert str(event["CONFERENCE"]) == "https://meet.example/y"
    assert str(event["LOCATION"]) == "https://meet.example/y"
    assert "Join: https://meet.example/y" in event["DESCRIPTION"]


def test_every_line_ends_with_crlf() -> None:
    data = ical.build_calendar(dst_spanning_slots(), INFO, LINKS)
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")


TITLES = {
    "hindi": "सीखने का उत्सव: हर शहर, हर गाँव, हर विद्यालय में सीखने की नई कहानियाँ और अनुभव",
    "japanese": "学びの祭典：世界中の子どもたちと一緒に未来の学校を考えるワークショップ（東京）",
    "arabic": "مهرجان التعلم: حوار مع الأمير الصغير حول مستقبل التعليم في المدن العربية",
    "emoji": "🌍📚 Learning party 👩‍👩‍👧‍👦🎉 with families 🇰🇪🇫🇷🇯🇵 and friends 🧑🏽‍🏫✨🌱🌞🌛",
    "escapes": 'Comma, semicolon; backslash \\ and "quotes"\nand a second line',
}


@pytest.mark.parametrize("name", sorted(TITLES))
def test_folding_keeps_lines_within_75_octets_without_splitting_characters(name: str) -> None:
    title = TITLES[name]
    summary = (title + " ") * 4
    slot = make_slot(name, wall("2027-01-24 10:00"), "Asia/Tokyo", title=title, summary=summary)
    data = ical.build_calendar([slot], INFO, LINKS)
    for physical in data.split(b"\r\n"):
        assert len(physical) <= 75
        physical.decode("utf-8")  # raises if a fold split a UTF-8 sequence
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]).startswith(summary.strip())


def test_titles_in_many_scripts_read_the_same_in_icaljs(icaljs: IcalJs) -> None:
    slots = [
        make_slot(name, wall("2027-01-24 10:00"), "Asia/Tokyo", title=title)
        for name, title in sorted(TITLES.items())
    ]
    parsed = icaljs(ical.build_calendar(slots, INFO, LINKS))
    assert {e["uid"]: e["summary"] for e in parsed["events"]} == {
        f"{name}@festival.example.org": title for name, title in sorted(TITLES.items())
    }


def test_calendar_and_event_leave_out_what_they_do_not_have() -> None:
    bare = ical.CalendarInfo(name="Bare")
    slot = Slot(
        uid="bare",
        title="Bare session",
        kind="talk",
        tz_name="Africa/Nairobi",
        local_start=wall("2027-01-24 14:00"),
        duration_minutes=30,
        starts_at_utc=datetime(2027, 1, 24, 11, 0, tzinfo=UTC),
        ends_at_utc=datetime(2027, 1, 24, 11, 30, tzinfo=UTC),
        organisation_slug="org",
        organisation_name="Nairobi Learning City",
        country="KE",
    )

    data = ical.build_calendar([slot], bare, LINKS)

    lines = unfold(data)
    head = lines[: lines.index("BEGIN:VTIMEZONE")]
    assert [line.split(":")[0].split(";")[0] for line in head] == [
        "BEGIN",
        "VERSION",
        "PRODID",
        "CALSCALE",
        "NAME",
        "X-WR-CALNAME",
        "REFRESH-INTERVAL",
        "X-PUBLISHED-TTL",
    ]
    assert str(Calendar.from_ical(data).walk("VEVENT")[0]["DESCRIPTION"]) == (
        "Join: https://festival.example.org/sessions/bare/live\n"
        "Organised by Nairobi Learning City: 14:00 EAT on Sun 24 Jan 2027 in Nairobi "
        "(Africa/Nairobi).\n"
        "Details: https://festival.example.org/sessions/bare"
    )


# -- links ------------------------------------------------------------------------------------


def test_google_and_outlook_links_carry_utc_times() -> None:
    slot = make_slot("g", wall("2027-01-24 14:00"), "Africa/Nairobi", minutes=90)
    google = ical.google_calendar_url(slot, LINKS)
    outlook = ical.outlook_url(slot, LINKS)
    assert google.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&")
    assert "dates=20270124T110000Z%2F20270124T123000Z" in google
    assert outlook.startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    assert "startdt=2027-01-24T11%3A00%3A00Z&enddt=2027-01-24T12%3A30%3A00Z" in outlook
    office = ical.outlook_url(slot, LINKS, host="outlook.office.com")
    assert office.startswith("https://outlook.office.com/calendar/0/deeplink/compose?")


def test_add_to_calendar_links_shorten_a_long_summary_to_500_characters() -> None:
    summary = "Learning cities. " * 40  # 680 characters
    slot = make_slot("long", wall("2027-01-24 14:00"), "Africa/Nairobi", summary=summary)

    google = parse_qs(urlsplit(ical.google_calendar_url(slot, LINKS)).query)
    details = google["details"][0].split("\n\n")

    assert details[0] == summary[:497].rstrip() + "..."
    assert len(details[0]) == 500
    assert details[1:] == [
        "Join: https://festival.example.org/sessions/long/live",
        "Details: https://festival.example.org/sessions/long",
    ]


def test_webcal_url_replaces_the_scheme_only() -> None:
    assert ical.webcal_url("https://x.org/a.ics?lang=fr") == "webcal://x.org/a.ics?lang=fr"
    assert ical.webcal_url("http://127.0.0.1:8000/a.ics") == "webcal://127.0.0.1:8000/a.ics"


def test_observances_find_each_transition_to_the_second() -> None:
    found = ical.observances(
        "Europe/Paris",
        datetime(2027, 1, 1, tzinfo=UTC),
        datetime(2028, 1, 1, tzinfo=UTC),
    )
    assert [o.onset_utc for o in found[1:]] == [
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 0, tzinfo=UTC),
    ]
    assert [o.name for o in found] == ["CET", "CEST", "CET"]


def test_prodid_names_the_tz_database_version() -> None:
    data = ical.build_calendar(
        [make_slot("x", wall("2027-01-24 10:00"), "Europe/Paris")], INFO, LINKS
    )
    version = tzdata.IANA_VERSION  # read from the package, not from scheduling.tz
    assert lines_named(data, "PRODID") == [
        f"PRODID:-//LearningPlanet Festival//Festival calendar 1.0 tzdata {version}//EN"
    ]
