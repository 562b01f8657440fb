"""scheduling.ics_import: every event becomes a draft session or is left out with its reason."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest

from scheduling import ics_import, tz
from scheduling.errors import UnknownZoneError
from scheduling.ics_import import (
    IcsEmptyError,
    IcsEncodingError,
    IcsMalformedError,
    IcsTooLargeError,
    plan_import,
    read_tzid,
)
from scheduling.windows_zones import WINDOWS_ZONES

DAYS = [date(2027, 1, 24)]
NAIROBI = "Africa/Nairobi"


def calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n"
    return text.encode("utf-8")


def event(uid: str, start: str, end: str = "", summary: str = "Session", extra: str = "") -> str:
    lines = [f"UID:{uid}", f"SUMMARY:{summary}", start]
    if end:
        lines.append(end)
    if extra:
        lines.append(extra)
    return "\r\n".join(lines)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_iana_zone_keeps_the_wall_time_as_entered() -> None:
    plan = plan_import(
        calendar(
            event(
                "a",
                "DTSTART;TZID=Asia/Kathmandu:20270124T090000",
                "DTEND;TZID=Asia/Kathmandu:20270124T103000",
                extra="CATEGORIES:Workshop,Family\r\nURL:https://meet.example/a",
            )
        ),
        NAIROBI,
        DAYS,
    )
    (session,) = plan.sessions
    assert (session.tz_name, session.local_start, session.duration_minutes) == (
        "Asia/Kathmandu",
        datetime.fromisoformat("2027-01-24 09:00"),
        90,
    )
    assert session.starts_at_utc == utc("2027-01-24 03:15")
    assert (session.kind, session.join_url, session.notes) == (
        "workshop",
        "https://meet.example/a",
        (),
    )
    assert plan.skipped == ()


def test_alias_and_windows_names_map_to_canonical_iana_zones() -> None:
    plan = plan_import(
        calendar(
            event("a", "DTSTART;TZID=Asia/Calcutta:20270124T100000", "DURATION:PT1H"),
            event("b", "DTSTART;TZID=Romance Standard Time:20270124T100000", "DURATION:PT1H"),
            event("c", "DTSTART;TZID=Pacific SA Standard Time:20270124T100000", "DURATION:PT1H"),
            event(
                "d",
                'DTSTART;TZID="/mozilla.org/20050126_1/Europe/Berlin":20270124T100000',
                "DURATION:PT1H",
            ),
        ),
        NAIROBI,
        DAYS,
    )
    assert [(s.source_uid, s.tz_name) for s in plan.sessions] == [
        ("a", "Asia/Kolkata"),
        ("b", "Europe/Paris"),
        ("c", "America/Santiago"),
        ("d", "Europe/Berlin"),
    ]
    assert plan.sessions[1].notes == ("Windows zone 'Romance Standard Time' read as Europe/Paris",)
    assert plan.sessions[2].starts_at_utc == utc("2027-01-24 13:00")


def test_floating_time_takes_the_organisers_zone() -> None:
    plan = plan_import(
        calendar(event("f", "DTSTART:20270124T140000", "DTEND:20270124T150000")), NAIROBI, DAYS
    )
    (session,) = plan.sessions
    assert (session.tz_name, session.starts_at_utc) == (NAIROBI, utc("2027-01-24 11:00"))
    assert session.notes == ("floating time read in the organiser's zone Africa/Nairobi",)


def test_utc_time_is_shown_in_the_organisers_zone() -> None:
    plan = plan_import(
        calendar(event("u", "DTSTART:20270124T110000Z", "DTEND:20270124T120000Z")), NAIROBI, DAYS
    )
    (session,) = plan.sessions
    assert (session.tz_name, session.local_start, session.starts_at_utc) == (
        NAIROBI,
        datetime.fromisoformat("2027-01-24 14:00"),
        utc("2027-01-24 11:00"),
    )


def test_fixed_offset_windows_zone_is_an_instant_shown_in_the_organisers_zone() -> None:
    plan = plan_import(
        calendar(event("w", "DTSTART;TZID=UTC-11:20270124T080000", "DURATION:PT45M")),
        NAIROBI,
        DAYS,
    )
    (session,) = plan.sessions
    assert (session.tz_name, session.starts_at_utc, session.duration_minutes) == (
        NAIROBI,
        utc("2027-01-24 19:00"),
        45,
    )


def test_events_left_out_say_why() -> None:
    plan = plan_import(
        calendar(
            event("allday", "DTSTART;VALUE=DATE:20270124"),
            event("weekly", "DTSTART:20270124T100000", extra="RRULE:FREQ=WEEKLY;COUNT=3"),
            event("override", "DTSTART:20270124T100000", extra="RECURRENCE-ID:20270124T100000"),
            event("mars", "DTSTART;TZID=Mars/Olympus_Mons:20270124T100000"),
            event("tomorrow", "DTSTART;TZID=Asia/Tokyo:20270125T090000"),
            event("yesterday-here", "DTSTART:20270123T230000Z"),
            event("cancelled", "DTSTART:20270124T100000", extra="STATUS:CANCELLED"),
            event("untitled", "DTSTART:20270124T100000", summary=""),
            event("long", "DTSTART:20270124T100000", "DTEND:20270126T100000"),
            event("nostart", "DURATION:PT1H"),
            event("dup", "DTSTART:20270124T100000"),
            event("dup", "DTSTART:20270124T110000"),
        ),
        NAIROBI,
        DAYS,
    )
    assert [(s.source_uid, s.code) for s in plan.skipped] == [
        ("allday", ics_import.ALL_DAY),
        ("weekly", ics_import.RECURRING),
        ("override", ics_import.RECURRING),
        ("mars", ics_import.UNKNOWN_ZONE),
        ("tomorrow", ics_import.OUTSIDE_FESTIVAL),
        ("cancelled", ics_import.CANCELLED),
        ("untitled", ics_import.NO_TITLE),
        ("long", ics_import.BAD_DURATION),
        ("nostart", ics_import.NO_START),
        ("dup", ics_import.DUPLICATE),
    ]
    reasons = {s.source_uid: s.reason for s in plan.skipped}
    assert "'Mars/Olympus_Mons'" in reasons["mars"]
    assert "starts on 2027-01-25 in Asia/Tokyo" in reasons["tomorrow"]
    # 23:00 UTC on the 23rd is 02:00 on the 24th in Nairobi: inside the festival.
    assert [s.source_uid for s in plan.sessions] == ["yesterday-here", "dup"]
    assert plan.events == 12


def test_ambiguous_wall_time_takes_the_first_occurrence_with_a_note() -> None:
    plan = plan_import(
        calendar(
            event(
                "fold",
                "DTSTART;TZID=America/Santiago:20270403T233000",
                "DTEND;TZID=America/Santiago:20270404T003000",
            )
        ),
        "America/Santiago",
        [date(2027, 4, 3)],
    )
    (session,) = plan.sessions
    assert session.starts_at_utc == utc("2027-04-04 02:30")
    assert session.fold == 0
    assert session.duration_minutes == 120  # the end is after the clocks went back
    assert session.notes[0].startswith("2027-04-03 23:30 happens twice in America/Santiago")


ST_JOHNS = "America/St_Johns"
AUTUMN = [date(2027, 11, 7)]  # clocks go back from 02:00 to 01:00 in St John's


def autumn_session(start: str, end: str) -> ics_import.ProposedSession:
    (session,) = plan_import(calendar(event("fold", start, end)), ST_JOHNS, AUTUMN).sessions
    return session


def test_a_start_that_happens_twice_offers_both_occurrences() -> None:
    session = autumn_session(
        "DTSTART;TZID=America/St_Johns:20271107T013000",
        "DTEND;TZID=America/St_Johns:20271107T023000",
    )

    assert session.needs_choice
    assert session.occurrences == (utc("2027-11-07 04:00"), utc("2027-11-07 05:00"))
    assert session.ends_given
    assert session.notes == (
        "2027-11-07 01:30 happens twice in America/St_Johns: choose which one before importing "
        "(the first is shown until then)",
    )


def test_choose_occurrence_keeps_a_given_end_or_a_given_length() -> None:
    with_end = autumn_session(
        "DTSTART;TZID=America/St_Johns:20271107T013000",
        "DTEND;TZID=America/St_Johns:20271107T023000",  # 06:00 UTC, after the fold
    )
    with_length = autumn_session("DTSTART;TZID=America/St_Johns:20271107T013000", "DURATION:PT1H")

    first = ics_import.choose_occurrence(with_end, 0)
    second = ics_import.choose_occurrence(with_end, 1)
    second_hour = ics_import.choose_occurrence(with_length, 1)

    assert (first.fold, first.starts_at_utc, first.duration_minutes) == (
        0,
        utc("2027-11-07 04:00"),
        120,
    )
    assert (second.fold, second.starts_at_utc, second.ends_at_utc, second.duration_minutes) == (
        1,
        utc("2027-11-07 05:00"),
        utc("2027-11-07 06:00"),
        60,
    )
    assert (second_hour.starts_at_utc, second_hour.ends_at_utc) == (
        utc("2027-11-07 05:00"),
        utc("2027-11-07 06:00"),
    )
    assert not second.needs_choice
    assert second.notes == ("the second 01:30 chosen",)


def test_choose_occurrence_refuses_a_choice_that_leaves_no_possible_length() -> None:
    # 01:59 to 02:00: an hour and a minute from the first 01:59 (04:29 UTC), one minute from the
    # second (05:29 UTC).
    minute = autumn_session(
        "DTSTART;TZID=America/St_Johns:20271107T015900",
        "DTEND;TZID=America/St_Johns:20271107T020000",
    )
    # 01:30 to 01:59: an end that happens twice is read as the first (04:29 UTC), before the
    # second 01:30 (05:00 UTC).
    backwards = autumn_session(
        "DTSTART;TZID=America/St_Johns:20271107T013000",
        "DTEND;TZID=America/St_Johns:20271107T015900",
    )

    with pytest.raises(ics_import.IcsImportError) as short:
        ics_import.choose_occurrence(minute, 1)
    with pytest.raises(ics_import.IcsImportError) as before:
        ics_import.choose_occurrence(backwards, 1)
    with pytest.raises(ValueError, match="fold must be 0"):
        ics_import.choose_occurrence(minute, 2)

    assert ics_import.choose_occurrence(minute, 0).duration_minutes == 61
    assert short.value.message == (
        "With the second occurrence of its start, “Session” would last only 1 min; sessions "
        "last from 5 minutes to 24 hours. Choose the other one, or fix the event."
    )
    assert before.value.message.startswith(
        "With the second occurrence of its start, “Session” would end before it starts;"
    )


def test_choose_occurrence_of_a_time_that_happens_once_changes_nothing() -> None:
    (session,) = plan_import(
        calendar(event("once", "DTSTART;TZID=America/St_Johns:20271107T090000", "DURATION:PT1H")),
        ST_JOHNS,
        AUTUMN,
    ).sessions

    assert not session.needs_choice and not session.ends_given
    assert ics_import.choose_occurrence(session, 1) is session


def test_an_end_that_happens_twice_is_read_as_the_first_with_a_note() -> None:
    session = autumn_session(
        "DTSTART;TZID=America/St_Johns:20271107T003000",
        "DTEND;TZID=America/St_Johns:20271107T013000",
    )

    assert not session.needs_choice
    assert (session.starts_at_utc, session.ends_at_utc) == (
        utc("2027-11-07 03:00"),
        utc("2027-11-07 04:00"),
    )
    assert session.notes == (
        "2027-11-07 01:30 happens twice in America/St_Johns: the first occurrence is used for "
        "the end (RFC 5545 §3.3.5)",
    )


def test_a_second_occurrence_given_in_utc_keeps_the_organisers_zone_and_needs_no_choice() -> None:
    (session,) = plan_import(
        calendar(event("utc", "DTSTART:20271107T050000Z", "DURATION:PT1H")), ST_JOHNS, AUTUMN
    ).sessions

    assert (session.tz_name, session.local_start, session.fold, session.starts_at_utc) == (
        ST_JOHNS,
        datetime.fromisoformat("2027-11-07 01:30"),
        1,
        utc("2027-11-07 05:00"),
    )
    assert not session.needs_choice


def test_nonexistent_wall_time_is_left_out_not_shifted() -> None:
    plan = plan_import(
        calendar(event("gap", "DTSTART;TZID=Europe/Paris:20270328T023000", "DURATION:PT1H")),
        NAIROBI,
        [date(2027, 3, 28)],
    )
    assert plan.sessions == ()
    (skipped,) = plan.skipped
    assert skipped.code == ics_import.NONEXISTENT_TIME
    assert "does not exist in Europe/Paris" in skipped.reason


def test_no_end_assumes_an_hour_and_says_so() -> None:
    plan = plan_import(calendar(event("n", "DTSTART:20270124T100000")), NAIROBI, DAYS)
    assert plan.sessions[0].duration_minutes == 60
    assert "no end time given: 60 minutes assumed" in plan.sessions[0].notes


def test_language_and_title_come_from_the_event() -> None:
    plan = plan_import(
        calendar(
            "UID:l\r\nSUMMARY;LANGUAGE=fr-FR:Atelier d’écriture\r\nDTSTART:20270124T100000\r\n"
            "DESCRIPTION:Une lecture\\, puis un atelier."
        ),
        NAIROBI,
        DAYS,
        default_languages=("en",),
    )
    (session,) = plan.sessions
    assert (session.title, session.languages, session.summary) == (
        "Atelier d’écriture",
        ("fr",),
        "Une lecture, puis un atelier.",
    )


def test_progress_is_reported_for_every_event() -> None:
    seen: list[tuple[int, int]] = []
    plan_import(
        calendar(*(event(str(i), "DTSTART:20270124T100000") for i in range(3))),
        NAIROBI,
        DAYS,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]


# -- the file as a whole ----------------------------------------------------------------------


def test_too_large_file_is_refused() -> None:
    with pytest.raises(IcsTooLargeError) as info:
        plan_import(b"BEGIN:VCALENDAR\r\n" + b"X" * 2048, NAIROBI, DAYS, max_bytes=1024)
    assert info.value.code == "import.too_large"


@pytest.mark.parametrize(
    "data",
    [
        "BEGIN:VCALENDAR\r\nSUMMARY:Caf\xe9\r\nEND:VCALENDAR\r\n".encode("latin-1"),
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".encode("utf-16"),
    ],
    ids=["latin-1", "utf-16"],
)
def test_wrong_encoding_is_refused_with_a_clear_message(data: bytes) -> None:
    with pytest.raises(IcsEncodingError) as info:
        plan_import(data, NAIROBI, DAYS)
    assert "UTF-8" in info.value.message
    assert info.value.code == "import.encoding"


def test_utf8_byte_order_mark_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + calendar(event("bom", "DTSTART:20270124T100000"))
    assert [s.source_uid for s in plan_import(data, NAIROBI, DAYS).sessions] == ["bom"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"<html>not a calendar</html>", IcsMalformedError),
        (b"BEGIN:VCALENDAR\r\nthis line has no colon\r\nEND:VCALENDAR\r\n", IcsMalformedError),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", IcsEmptyError),
    ],
    ids=["html", "bad-line", "no-events"],
)
def test_malformed_or_empty_file_is_refused(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        plan_import(data, NAIROBI, DAYS)


def test_unusable_organiser_zone_is_refused() -> None:
    with pytest.raises(UnknownZoneError):
        plan_import(calendar(event("x", "DTSTART:20270124T100000")), "Etc/GMT+3", DAYS)


# -- zones ------------------------------------------------------------------------------------


def test_every_cldr_windows_zone_maps_to_a_usable_zone() -> None:
    unusable = []
    for name in WINDOWS_ZONES:
        reading = read_tzid(name)
        if reading.place is None and reading.fixed is None:
            unusable.append(name)
        if reading.place is not None and not tz.is_valid_zone(reading.place):
            unusable.append(name)
    assert unusable == []
    assert len(WINDOWS_ZONES) >= 130


@pytest.mark.parametrize(
    ("tzid", "place"),
    [
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("india standard time", "Asia/Kolkata"),  # Outlook sometimes changes case
        ("Nepal Standard Time", "Asia/Kathmandu"),
        ("E. Africa Standard Time", "Africa/Nairobi"),
        ("Europe/Kiev", "Europe/Kyiv"),
    ],
)
def test_read_tzid_places(tzid: str, place: str) -> None:
    assert read_tzid(tzid).place == place


def test_read_tzid_refuses_unknown_names() -> None:
    with pytest.raises(UnknownZoneError):
        read_tzid("Customized Time Zone")


# -- what the importer reads or refuses in one event ----------------------------------------


def test_unreadable_times_are_left_out_with_the_reason() -> None:
    plan = plan_import(
        calendar(
            event("bad-start", "DTSTART:2027-01-24 10:00"),
            event("date-end", "DTSTART:20270124T100000", "DTEND;VALUE=DATE:20270125"),
            event("bad-duration", "DTSTART:20270124T100000", "DURATION:forever"),
            event("date-duration", "DTSTART:20270124T100000", "DURATION:20270124T110000"),
        ),
        NAIROBI,
        DAYS,
    )

    assert plan.sessions == ()
    assert [(s.source_uid, s.code, s.reason) for s in plan.skipped] == [
        (
            "bad-start",
            ics_import.UNREADABLE,
            "its times could not be read (DTSTART: Wrong datetime format: 2027-01-24 10:00)",
        ),
        ("date-end", ics_import.UNREADABLE, "its end (DTEND) is a date without a time"),
        (
            "bad-duration",
            ics_import.UNREADABLE,
            "its times could not be read (DURATION: Expected time, got: forever)",
        ),
        ("date-duration", ics_import.UNREADABLE, "its DURATION could not be read"),
    ]


def test_seconds_long_titles_and_kind_synonyms_are_noted_or_mapped() -> None:
    long_title = "Learning " * 30  # 270 characters
    plan = plan_import(
        calendar(
            event("s", "DTSTART:20270124T100000", "DURATION:PT1H0M30S", extra="CATEGORIES:Talk"),
            event("t", "DTSTART:20270124T110000", summary=long_title, extra="CATEGORIES:Misc"),
        ),
        NAIROBI,
        DAYS,
    )

    seconds, titled = plan.sessions
    assert (seconds.kind, seconds.duration_minutes) == ("lecture", 60)
    assert "seconds dropped from the duration" in seconds.notes
    assert titled.kind == "other"
    assert titled.title == long_title.strip()[:199].rstrip() + "…"
    assert len(titled.title) == 200
    assert "title shortened to 200 characters" in titled.notes


def test_fixed_offset_tzid_is_an_instant() -> None:
    plan = plan_import(
        calendar(event("f", "DTSTART;TZID=Etc/GMT-3:20270124T100000", "DURATION:PT1H")),
        NAIROBI,
        DAYS,
    )

    (session,) = plan.sessions
    # Etc/GMT-3 is UTC+3 (POSIX signs): 10:00 there is 07:00 UTC, 10:00 in Nairobi too.
    assert (session.starts_at_utc, session.tz_name) == (utc("2027-01-24 07:00"), NAIROBI)
    assert session.notes[0] == "fixed offset Etc/GMT-3"


def test_event_without_uid_gets_one_derived_from_its_title_and_start() -> None:
    data = calendar(
        "SUMMARY:No uid\r\nDTSTART:20270124T100000", "SUMMARY:No uid, no start\r\nDURATION:PT1H"
    )

    plan = plan_import(data, NAIROBI, DAYS)

    # The key holds the repr of DTSTART's bytes: odd, but changing it would change the uid of
    # sessions imported before, and importing the same file again must recognise them.
    with_start = "no-uid-" + hashlib.sha256(b"No uid|b'20270124T100000'").hexdigest()[:24]
    without_start = "no-uid-" + hashlib.sha256(b"No uid, no start|2").hexdigest()[:24]
    assert [s.source_uid for s in plan.sessions] == [with_start]
    assert [(s.source_uid, s.code) for s in plan.skipped] == [(without_start, ics_import.NO_START)]
    assert plan_import(data, NAIROBI, DAYS) == plan  # the same file gives the same uids


def test_nul_bytes_nested_components_and_too_many_events_refuse_the_file() -> None:
    with pytest.raises(IcsEncodingError, match="NUL bytes"):
        plan_import(
            calendar(event("n", "DTSTART:20270124T100000", summary="a\x00b")), NAIROBI, DAYS
        )
    stray = calendar(event("x", "DTSTART:20270124T100000")) + b"BEGIN:VEVENT\r\nEND:VEVENT\r\n"
    with pytest.raises(IcsMalformedError, match="Expected a VCALENDAR, found VEVENT"):
        plan_import(stray, NAIROBI, DAYS)
    many = calendar(*[event(f"u{i}", "DTSTART:20270124T100000") for i in range(5001)])
    with pytest.raises(IcsTooLargeError, match="5001 events; at most 5000"):
        plan_import(many, NAIROBI, DAYS)
    assert (
        len(
            plan_import(
                calendar(*[event(f"u{i}", "DTSTART:20270124T100000") for i in range(5000)]),
                NAIROBI,
                DAYS,
            ).sessions
        )
        == 5000
    )


@pytest.mark.parametrize(
    ("uid", "lines", "organiser_zone"),
    [
        ("end-of-time", ("DTSTART:99991231T235959Z", "DURATION:PT1H"), NAIROBI),
        ("start-of-time", ("DTSTART:00010101T000000Z", "DURATION:PT1H"), "America/Caracas"),
        ("start-of-time-here", ("DTSTART;TZID=Africa/Nairobi:00010101T000000",), NAIROBI),
        ("floating-end", ("DTSTART:99991231T233000", "DURATION:PT1H"), "America/Caracas"),
        ("forever", ("DTSTART:20270124T100000Z", "DURATION:P100000000W"), NAIROBI),
        ("never-ends", ("DTSTART:20270124T100000Z", "DTEND:99991231T235959Z"), NAIROBI),
    ],
)
def test_times_beyond_year_9999_or_before_year_1_are_left_out_with_a_reason(
    uid: str, lines: tuple[str, ...], organiser_zone: str
) -> None:
    plan = plan_import(
        calendar(event(uid, *lines), event("fine", "DTSTART:20270124T100000Z", "DURATION:PT1H")),
        organiser_zone,
        DAYS,
    )

    assert [s.source_uid for s in plan.sessions] == ["fine"]
    assert [(s.source_uid, s.code) for s in plan.skipped] == [(uid, ics_import.OUT_OF_RANGE)]
    assert "beyond the years 1 to 9999" in plan.skipped[0].reason


@pytest.mark.parametrize(
    ("given", "code"), [("sw", "sw"), (" FR ", "fr"), ("fil", "fil"), ("", "en"), ("  ", "en")]
)
def test_import_language_takes_a_two_or_three_letter_code(given: str, code: str) -> None:
    assert ics_import.import_language(given) == code


@pytest.mark.parametrize("given", ["Klingon!!", "e", "engl", "en-GB", "12"])
def test_import_language_refuses_anything_else(given: str) -> None:
    with pytest.raises(ics_import.IcsImportError, match="is not a language code"):
        ics_import.import_language(given)
