"""scheduling.programme: filters, live now, starting soon, day grouping, follow-the-sun coverage.

The programme below is small enough to check by hand. UTC starts (January 2027 offsets):
  kiri   Pacific/Kiritimati 24th 09:00 (+14)    -> 23rd 19:00Z, 60 min
  ktm    Asia/Kathmandu     24th 09:00 (+05:45) -> 24th 03:15Z, 120 min
  paris  Europe/Paris       24th 18:30 (+01)    -> 24th 17:30Z, 90 min
  stj    America/St_Johns   24th 10:00 (−03:30) -> 24th 13:30Z, 90 min
  pago   Pacific/Pago_Pago  24th 20:00 (−11)    -> 25th 07:00Z, 45 min
  cht    Pacific/Chatham    24th 08:00 (+13:45) -> 23rd 18:15Z, 60 min
  kol    Asia/Kolkata       24th 19:00 (+05:30) -> 24th 13:30Z, 60 min, cancelled
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling import programme, tz, vocabulary
from scheduling.errors import FilterError, OutsideFestivalError, UnknownZoneError
from scheduling.programme import Filters
from scheduling.slots import Slot
from scheduling.window import Window, window_for
from tests.scheduling.test_slots import make_slot

KIRI = make_slot(
    "kiri",
    "2027-01-24 09:00",
    "Pacific/Kiritimati",
    60,
    title="Learning at the dawn of the day",
    languages=("en",),
    sdgs=(4,),
    organisation_slug="kiribati-learns",
    organisation_name="Kiribati Learns",
    hosts=("Teuea Toatu",),
)
KTM = make_slot(
    "ktm",
    "2027-01-24 09:00",
    "Asia/Kathmandu",
    120,
    title="Mapping glaciers with students",
    kind="workshop",
    languages=("ne", "en"),
    audience="youth",
    sdgs=(4, 13),
    organisation_slug="nepal-youth",
    organisation_name="Nepal Youth Climate Lab",
    hosts=("Sita Gurung",),
)
PARIS = make_slot(
    "paris",
    "2027-01-24 18:30",
    "Europe/Paris",
    90,
    title="Apprendre toute la vie ?",
    summary="Une conversation avec le Petit Prince sur l'école de demain.",
    kind="debate",
    languages=("fr",),
    audience="adults",
    sdgs=(16,),
    organisation_slug="ville-de-paris",
    organisation_name="Ville de Paris",
)
STJ = make_slot(
    "stj",
    "2027-01-24 10:00",
    "America/St_Johns",
    90,
    title="Icebergs and fractions",
    kind="game",
    languages=("en",),
    audience="children",
    sdgs=(4,),
    organisation_slug="nl-schools",
    organisation_name="Newfoundland Schools Network",
)
PAGO = make_slot(
    "pago",
    "2027-01-24 20:00",
    "Pacific/Pago_Pago",
    45,
    title="Conversation with the Little Prince: readings",
    kind="reading",
    languages=("en", "sm"),
    audience="children",
    sdgs=(4,),
    organisation_slug="samoa-readers",
    organisation_name="Samoa Young Readers",
)
CHT = make_slot(
    "cht",
    "2027-01-24 08:00",
    "Pacific/Chatham",
    60,
    title="Ask the youth panel: oceans",
    kind="qa",
    languages=("en",),
    audience="youth",
    sdgs=(14,),
    organisation_slug="chatham-islanders",
    organisation_name="Chatham Islanders",
    hosts=("Aroha Tuuta",),
)
KOL = make_slot(
    "kol",
    "2027-01-24 19:00",
    "Asia/Kolkata",
    60,
    title="Songs of the river",
    kind="performance",
    languages=("hi", "bn"),
    sdgs=(5,),
    organisation_slug="kolkata-arts",
    organisation_name="Kolkata Arts Collective",
    status="cancelled",
)
PROGRAMME = [KIRI, KTM, PARIS, STJ, PAGO, CHT, KOL]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def uids(slots: list[Slot]) -> list[str]:
    return [slot.uid for slot in slots]


def test_programme_fixture_utc_starts() -> None:
    starts = {slot.uid: slot.starts_at_utc for slot in PROGRAMME}
    assert starts == {
        "kiri": utc("2027-01-23 19:00"),
        "ktm": utc("2027-01-24 03:15"),
        "paris": utc("2027-01-24 17:30"),
        "stj": utc("2027-01-24 13:30"),
        "pago": utc("2027-01-25 07:00"),
        "cht": utc("2027-01-23 18:15"),
        "kol": utc("2027-01-24 13:30"),
    }


# -- parse_filters -------------------------------------------------------------------------------


def test_parse_filters_reads_every_parameter() -> None:
    params = {
        "kind": ["workshop", "game"],
        "lang": ["FR"],
        "audience": ["youth"],
        "sdg": ["4", "13"],
        "org": ["nepal-youth"],
        "country": ["np"],
        "q": ["  little   prince "],
        "from": ["08:00"],
        "to": ["12:30"],
        "day": ["2027-01-24"],
        "tz": ["Asia/Tokyo"],  # not a filter: ignored
    }

    result = programme.parse_filters(params)

    assert result == Filters(
        kinds=frozenset({"workshop", "game"}),
        languages=frozenset({"fr"}),
        audiences=frozenset({"youth"}),
        sdgs=frozenset({4, 13}),
        organisations=frozenset({"nepal-youth"}),
        countries=frozenset({"NP"}),
        text="little prince",
        between=(time(8, 0), time(12, 30)),
        day=date(2027, 1, 24),
    )
    assert not result.is_empty()


def test_parse_filters_accepts_comma_separated_values() -> None:
    result = programme.parse_filters({"kind": ["workshop,game", "qa"], "sdg": ["4, 17"]})
    assert result == Filters(kinds=frozenset({"workshop", "game", "qa"}), sdgs=frozenset({4, 17}))


def test_parse_filters_reads_repeated_values_from_starlette_query_params() -> None:
    from starlette.datastructures import QueryParams

    params = QueryParams("kind=workshop&kind=game&sdg=4&from=22:00&to=02:00&tz=Asia/Tokyo")

    assert programme.parse_filters(params) == Filters(
        kinds=frozenset({"workshop", "game"}),
        sdgs=frozenset({4}),
        between=(time(22, 0), time(2, 0)),
    )


def test_parse_filters_empty_and_blank_values_mean_no_filter() -> None:
    result = programme.parse_filters({"kind": [""], "q": ["   "], "from": [""], "to": [""]})
    assert result == Filters()
    assert result.is_empty()
    assert programme.parse_filters({}).is_empty()


def test_parse_filters_accepts_a_plain_string_value() -> None:
    assert programme.parse_filters({"kind": "workshop"}) == Filters(kinds=frozenset({"workshop"}))


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"kind": ["party"]}, ["kind", "'party'", "lecture, debate, workshop, game, reading"]),
        ({"audience": ["seniors"]}, ["audience", "everyone, children, youth, adults, educators"]),
        ({"sdg": ["0"]}, ["sdg", "1 to 17"]),
        ({"sdg": ["18"]}, ["sdg", "1 to 17"]),
        ({"sdg": ["four"]}, ["sdg", "1 to 17"]),
        ({"lang": ["french"]}, ["lang", "2 or 3 letter"]),
        ({"country": ["FRA"]}, ["country", "2 letter"]),
        ({"country": ["F1"]}, ["country", "2 letter"]),
        ({"org": ["bad slug!"]}, ["org", "slug"]),
        ({"from": ["8h"], "to": ["12:00"]}, ["from", "HH:MM"]),
        ({"from": ["08:00"], "to": ["24:00"]}, ["to", "HH:MM"]),
        ({"from": ["08:60"], "to": ["09:00"]}, ["from", "HH:MM"]),
        ({"from": ["08:00"]}, ["'to'", "go together"]),
        ({"to": ["08:00"]}, ["'from'", "go together"]),
        ({"from": ["08:00", "09:00"], "to": ["10:00"]}, ["'from'", "only once"]),
        ({"day": ["2027-02-30"]}, ["day", "YYYY-MM-DD"]),
        ({"day": ["24/01/2027"]}, ["day", "YYYY-MM-DD"]),
        ({"q": ["x" * 201]}, ["'q'", "200"]),
    ],
)
def test_parse_filters_refuses_malformed(params: dict[str, list[str]], names: list[str]) -> None:
    with pytest.raises(FilterError) as caught:
        programme.parse_filters(params)

    assert caught.value.code == "filter.invalid"
    for name in names:
        assert name in caught.value.message


def test_parse_filters_q_of_200_characters_is_allowed() -> None:
    assert programme.parse_filters({"q": ["x" * 200]}).text == "x" * 200


def _as_params(query: list[tuple[str, str]]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = defaultdict(list)
    for name, value in query:
        params[name].append(value)
    return dict(params)


def test_filters_to_query_is_stable_and_parses_back() -> None:
    filters = Filters(
        kinds=frozenset({"game", "debate"}),
        sdgs=frozenset({13, 4}),
        countries=frozenset({"NP"}),
        text="little prince",
        between=(time(22, 0), time(2, 0)),
        day=date(2027, 1, 24),
    )

    query = filters.to_query()

    assert query == [
        ("kind", "debate"),
        ("kind", "game"),
        ("sdg", "4"),
        ("sdg", "13"),
        ("country", "NP"),
        ("q", "little prince"),
        ("from", "22:00"),
        ("to", "02:00"),
        ("day", "2027-01-24"),
    ]
    assert programme.parse_filters(_as_params(query)) == filters
    assert Filters().to_query() == []


_words = st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(
    filters=st.builds(
        Filters,
        kinds=st.frozensets(st.sampled_from(vocabulary.KINDS)),
        languages=st.frozensets(st.from_regex(r"[a-z]{2,3}", fullmatch=True)),
        audiences=st.frozensets(st.sampled_from(vocabulary.AUDIENCES)),
        sdgs=st.frozensets(st.integers(1, 17)),
        organisations=st.frozensets(st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)),
        countries=st.frozensets(st.from_regex(r"[A-Z]{2}", fullmatch=True)),
        text=st.lists(_words, max_size=5).map(" ".join),
        between=st.none()
        | st.tuples(st.times(), st.times()).map(
            lambda pair: (
                pair[0].replace(second=0, microsecond=0),
                pair[1].replace(second=0, microsecond=0),
            )
        ),
        day=st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    )
)
def test_filters_to_query_round_trips_property(filters: Filters) -> None:
    assert programme.parse_filters(_as_params(filters.to_query())) == filters


# -- apply_filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), ["kiri", "ktm", "paris", "stj", "pago", "cht", "kol"]),
        (Filters(kinds=frozenset({"workshop", "game"})), ["ktm", "stj"]),
        (Filters(languages=frozenset({"fr"})), ["paris"]),
        (Filters(languages=frozenset({"ne", "bn"})), ["ktm", "kol"]),
        (Filters(audiences=frozenset({"children"})), ["stj", "pago"]),
        (Filters(sdgs=frozenset({13})), ["ktm"]),
        (Filters(sdgs=frozenset({4})), ["kiri", "ktm", "stj", "pago"]),
        (Filters(organisations=frozenset({"ville-de-paris"})), ["paris"]),
        (Filters(countries=frozenset({"NZ", "IN"})), ["cht", "kol"]),
        (Filters(text="PRINCE"), ["paris", "pago"]),  # summary and title
        (Filters(text="little prince"), ["pago"]),  # every word must appear
        (Filters(text="gurung"), ["ktm"]),  # a host
        (Filters(text="samoa young"), ["pago"]),  # the organisation
        (Filters(text="nowhere"), []),
    ],
)
def test_apply_filters_each_filter(filters: Filters, expected: list[str]) -> None:
    assert uids(programme.apply_filters(PROGRAMME, filters, "Europe/Paris")) == expected


def test_apply_filters_combination_must_all_match() -> None:
    filters = Filters(
        kinds=frozenset({"reading", "game"}),
        audiences=frozenset({"children"}),
        sdgs=frozenset({4}),
        text="prince",
    )
    assert uids(programme.apply_filters(PROGRAMME, filters, "Europe/Paris")) == ["pago"]


@pytest.mark.parametrize(
    ("viewer_zone", "between", "expected"),
    [
        # Paris viewer: kiri 20:00, ktm 04:15, paris 18:30, stj 14:30, pago 08:00, cht 19:15,
        # kol 14:30 (all UTC+1).
        ("Europe/Paris", (time(8, 0), time(15, 0)), ["stj", "pago", "kol"]),  # 08:00 inclusive
        ("Europe/Paris", (time(19, 15), time(20, 0)), ["kiri", "cht"]),  # both ends inclusive
        ("Europe/Paris", (time(22, 0), time(5, 0)), ["ktm"]),  # wraps midnight
        ("Europe/Paris", (time(18, 30), time(18, 30)), ["paris"]),
        # Tokyo viewer (UTC+9): kiri 04:00, ktm 12:15, paris 02:30, stj 22:30, pago 16:00,
        # cht 03:15, kol 22:30.
        ("Asia/Tokyo", (time(22, 0), time(5, 0)), ["kiri", "paris", "stj", "cht", "kol"]),
        ("Asia/Tokyo", (time(8, 0), time(15, 0)), ["ktm"]),
        # Kathmandu viewer (UTC+5:45): stj and kol start at 19:15.
        ("Asia/Kathmandu", (time(19, 15), time(19, 15)), ["stj", "kol"]),
    ],
)
def test_apply_filters_between_is_in_the_viewers_zone(
    viewer_zone: str, between: tuple[time, time], expected: list[str]
) -> None:
    result = programme.apply_filters(PROGRAMME, Filters(between=between), viewer_zone)
    assert uids(result) == expected


@pytest.mark.parametrize(
    ("viewer_zone", "day", "expected"),
    [
        ("Europe/Paris", date(2027, 1, 23), ["kiri", "cht"]),
        ("Europe/Paris", date(2027, 1, 24), ["ktm", "paris", "stj", "kol"]),
        ("Europe/Paris", date(2027, 1, 25), ["pago"]),
        ("America/Los_Angeles", date(2027, 1, 23), ["kiri", "ktm", "cht"]),
        ("America/Los_Angeles", date(2027, 1, 24), ["paris", "stj", "pago", "kol"]),
        ("Asia/Tokyo", date(2027, 1, 25), ["paris", "pago"]),
    ],
)
def test_apply_filters_day_is_the_viewers_local_date(
    viewer_zone: str, day: date, expected: list[str]
) -> None:
    result = programme.apply_filters(PROGRAMME, Filters(day=day), viewer_zone)
    assert uids(result) == expected


def test_apply_filters_unknown_viewer_zone_is_refused() -> None:
    with pytest.raises(UnknownZoneError):
        programme.apply_filters(PROGRAMME, Filters(), "Etc/GMT+5")


# -- group_by_local_day --------------------------------------------------------------------------


def test_group_by_local_day_follows_the_viewers_zone() -> None:
    los_angeles = programme.group_by_local_day(PROGRAMME, "America/Los_Angeles")
    tokyo = programme.group_by_local_day(PROGRAMME, "Asia/Tokyo")

    # kol and stj start together (13:30Z): the shorter one ends first, so it comes first.
    assert [(day, uids(slots)) for day, slots in los_angeles] == [
        (date(2027, 1, 23), ["cht", "kiri", "ktm"]),
        (date(2027, 1, 24), ["kol", "stj", "paris", "pago"]),
    ]
    assert [(day, uids(slots)) for day, slots in tokyo] == [
        (date(2027, 1, 24), ["cht", "kiri", "ktm", "kol", "stj"]),
        (date(2027, 1, 25), ["paris", "pago"]),
    ]


def test_group_by_local_day_alias_and_empty() -> None:
    assert programme.group_by_local_day([], "Asia/Calcutta") == []
    grouped = programme.group_by_local_day([PAGO], "Asia/Calcutta")
    assert grouped == [(date(2027, 1, 25), [PAGO])]


# -- live now and starting soon ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc("2027-01-23 18:14"), []),
        (utc("2027-01-23 18:15"), ["cht"]),  # start is inclusive
        (utc("2027-01-23 19:00"), ["cht", "kiri"]),  # soonest to end first
        (utc("2027-01-23 19:15"), ["kiri"]),  # end is exclusive
        (utc("2027-01-24 13:30"), ["stj"]),  # kol is cancelled: never live
        (utc("2027-01-24 17:45"), ["paris"]),
    ],
)
def test_live_now_boundaries(now: datetime, expected: list[str]) -> None:
    assert uids(programme.live_now(PROGRAMME, now)) == expected


def test_live_now_ignores_drafts_and_accepts_any_aware_zone() -> None:
    draft = make_slot("draft", "2027-01-24 14:00", "Europe/Paris", status="draft")
    now = tz.localize(utc("2027-01-24 13:30"), "America/St_Johns")
    assert uids(programme.live_now([*PROGRAMME, draft], now)) == ["stj"]


@pytest.mark.parametrize(
    ("now", "within", "expected"),
    [
        (utc("2027-01-24 12:30"), 60, ["stj"]),  # exactly now + 60 is included; kol cancelled
        (utc("2027-01-24 12:30"), 59, []),
        (utc("2027-01-24 13:30"), 60, []),  # starting now is live, not "soon"
        (utc("2027-01-23 18:00"), 60, ["cht", "kiri"]),
        (utc("2027-01-23 18:00"), 15, ["cht"]),
        (
            utc("2027-01-24 02:00"),
            29 * 60,
            ["ktm", "stj", "paris", "pago"],
        ),  # until 07:00Z on the 25th
        (utc("2027-01-24 02:00"), 24 * 60, ["ktm", "stj", "paris"]),
    ],
)
def test_starting_soon_boundaries(now: datetime, within: int, expected: list[str]) -> None:
    assert uids(programme.starting_soon(PROGRAMME, now, within)) == expected


@pytest.mark.parametrize(
    ("now", "limit", "expected"),
    [
        (utc("2026-12-01 00:00"), 3, ["cht", "kiri", "ktm"]),  # weeks before: the first three
        (
            utc("2027-01-24 13:30"),
            3,
            ["paris", "pago"],
        ),  # starting now is not "next"; kol cancelled
        (utc("2027-01-25 07:00"), 3, []),
        (utc("2026-12-01 00:00"), 0, []),
    ],
)
def test_next_up_is_the_soonest_published_sessions_after_now(
    now: datetime, limit: int, expected: list[str]
) -> None:
    assert uids(programme.next_up(PROGRAMME, now, limit)) == expected


def test_now_queries_refuse_naive_datetimes() -> None:
    naive_now = datetime.fromisoformat("2027-01-24 12:00")
    with pytest.raises(ValueError):
        programme.live_now(PROGRAMME, naive_now)
    with pytest.raises(ValueError):
        programme.starting_soon(PROGRAMME, naive_now)
    with pytest.raises(ValueError):
        programme.starting_soon(PROGRAMME, utc("2027-01-24 12:00"), -1)


# -- coverage ------------------------------------------------------------------------------------


def test_coverage_one_entry_per_utc_hour_of_the_window() -> None:
    window = window_for(date(2027, 1, 24))

    hours = programme.coverage(PROGRAMME, window)

    assert len(hours) == 49
    assert [h.starts_at_utc for h in hours] == [
        window.starts_at_utc + timedelta(hours=i) for i in range(49)
    ]
    assert hours[-1].starts_at_utc + timedelta(hours=1) == window.ends_at_utc


def test_coverage_counts_live_sessions_by_region() -> None:
    hours = {
        h.starts_at_utc: h for h in programme.coverage(PROGRAMME, window_for(date(2027, 1, 24)))
    }
    empty = dict.fromkeys(tz.REGIONS, 0)

    def at(text: str) -> tuple[int, dict[str, int]]:
        hour = hours[utc(text)]
        return hour.live, hour.by_region

    assert at("2027-01-23 18:00") == (1, empty | {"Oceania": 1})  # cht
    assert at("2027-01-23 19:00") == (2, empty | {"Oceania": 2})  # cht until 19:15, kiri
    assert at("2027-01-24 13:00") == (1, empty | {"Americas": 1})  # stj; kol cancelled
    assert at("2027-01-24 15:00") == (0, empty)  # stj ended at 15:00 sharp
    assert at("2027-01-24 18:00") == (1, empty | {"Europe": 1})  # paris until 19:00
    assert at("2027-01-24 04:00") == (1, empty | {"Asia": 1})  # ktm 03:15-05:15


def test_coverage_hours_sum_to_hours_touched() -> None:
    # Hours touched: kiri 1, ktm 3 (03, 04, 05), paris 2, stj 2, pago 1, cht 2; kol cancelled.
    hours = programme.coverage(PROGRAMME, window_for(date(2027, 1, 24)))

    assert sum(h.live for h in hours) == 11
    assert all(sum(h.by_region.values()) == h.live for h in hours)
    assert all(tuple(h.by_region) == tz.REGIONS for h in hours)


def test_coverage_clips_sessions_at_the_window_edges() -> None:
    window = window_for(date(2027, 1, 24))
    # Starts 09:30Z on the 23rd (still January 23 in Kiritimati), runs into the first hour.
    early = make_slot("early", "2027-01-23 23:30", "Pacific/Kiritimati", 60)
    # Starts in the last hour and runs past the window's end.
    late = make_slot("late", "2027-01-24 23:30", "Pacific/Pago_Pago", 120)

    hours = programme.coverage([early, late], window)

    assert [h.live for h in hours] == [1] + [0] * 47 + [1]


def test_check_day_in_window_refuses_a_day_the_festival_misses_in_the_viewer_zone() -> None:
    from scheduling.errors import OutsideFestivalError
    from scheduling.window import window_for

    jan24 = window_for(date(2027, 1, 24))
    inside = programme.parse_filters({"day": ["2027-01-22"]})
    programme.check_day_in_window(inside, jan24, "Pacific/Pago_Pago")  # 23:00 on the 22nd there

    with pytest.raises(OutsideFestivalError) as caught:
        programme.check_day_in_window(inside, jan24, "Asia/Tokyo")

    assert caught.value.code == "time.outside_festival"
    assert "2027-01-24, 2027-01-25" in caught.value.message


def test_coverage_of_a_window_ending_inside_an_hour_counts_that_hour() -> None:
    # A window that does not end on the hour (the festival's do; a hand-made one need not).
    window = Window(
        day=date(2027, 1, 24),
        starts_at_utc=datetime(2027, 1, 24, 9, 0, tzinfo=UTC),
        ends_at_utc=datetime(2027, 1, 24, 11, 30, tzinfo=UTC),
        first_zone="Europe/London",
        last_zone="Europe/London",
    )
    # 11:15 to 11:45 in London (UTC+0 in January): only in the window's last, partial hour.
    late = make_slot("late", "2027-01-24 11:15", "Europe/London", 30)

    hours = programme.coverage([late], window)

    assert [(h.starts_at_utc.hour, h.live) for h in hours] == [(9, 0), (10, 0), (11, 1)]


def test_check_day_in_window_without_a_day_filter_has_nothing_to_refuse() -> None:
    jan24 = window_for(date(2027, 1, 24))
    with_day = programme.parse_filters({"lang": ["fr"], "day": ["2027-01-22"]})
    without_day = programme.parse_filters({"lang": ["fr"]})

    with pytest.raises(OutsideFestivalError):
        programme.check_day_in_window(with_day, jan24, "Asia/Tokyo")
    programme.check_day_in_window(without_day, jan24, "Asia/Tokyo")  # does not raise


def test_counted_sessions_are_the_published_ones() -> None:
    published = make_slot("p", "2027-01-24 09:00", "Europe/Paris")
    cancelled = make_slot("c", "2027-01-24 10:00", "Europe/Paris", status="cancelled")
    draft = make_slot("d", "2027-01-24 11:00", "Europe/Paris", status="draft")
    other = make_slot("q", "2027-01-24 12:00", "Asia/Tokyo")

    slots = [cancelled, published, draft, other]

    assert programme.counted_sessions(slots) == [published, other]
    assert programme.session_count(slots) == 2
    assert programme.session_count([]) == 0
