"""scheduling.zonesearch: zones found by the names people know, from the bundled tz database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scheduling import tz, zonesearch
from scheduling.errors import UnknownZoneError
from scheduling.zonesearch import Place

JANUARY = datetime(2027, 1, 24, 12, 0, tzinfo=UTC)
JULY = datetime(2027, 7, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Kathmandu", "Asia/Kathmandu"),
        ("kathmandu", "Asia/Kathmandu"),
        ("St John's", "America/St_Johns"),
        ("St. John’s", "America/St_Johns"),
        ("Saint Johns", "America/St_Johns"),
        ("Newfoundland", "America/St_Johns"),  # its region in zone1970.tab
        ("India", "Asia/Kolkata"),  # the country
        ("IN", "Asia/Kolkata"),  # its ISO code
        ("Calcutta", "Asia/Kolkata"),  # a former name (an alias link)
        ("Asia/Calcutta", "Asia/Kolkata"),  # the alias itself
        ("Kiev", "Europe/Kyiv"),
        ("São Paulo", "America/Sao_Paulo"),
        ("new york", "America/New_York"),
        ("York", "America/New_York"),  # a word inside the city's name
        ("Nepal", "Asia/Kathmandu"),
    ],
)
def test_search_finds_zones_by_city_country_region_and_old_names(query: str, first: str) -> None:
    found = zonesearch.search(query, JANUARY)

    assert found[0].zone == first


def test_search_answers_kathmandu_with_its_label_and_offset() -> None:
    (match,) = zonesearch.search("Kathmandu", JANUARY)

    assert match.label == "Kathmandu, Nepal (UTC+05:45)"
    assert match.offset == "UTC+05:45"


def test_search_gives_the_offset_at_the_instant_asked_about() -> None:
    (winter,) = zonesearch.search("St John's", JANUARY)
    (summer,) = zonesearch.search("St John's", JULY)

    assert (winter.offset, summer.offset) == ("UTC−03:30", "UTC−02:30")
    assert winter.label == "St Johns, Canada — Newfoundland, Labrador (SE) (UTC−03:30)"


def test_search_puts_the_city_before_the_country_before_names_starting_with_it() -> None:
    zones = [match.zone for match in zonesearch.search("India", JANUARY)]

    assert zones[:2] == ["Asia/Kolkata", "America/Indiana/Indianapolis"]
    assert "Indian/Maldives" in zones  # "Indian" starts with "India"


def test_search_lists_every_zone_of_a_country_at_most_limit() -> None:
    canada = zonesearch.search("Canada", JANUARY, limit=50)
    few = zonesearch.search("Canada", JANUARY, limit=3)

    assert "America/St_Johns" in [m.zone for m in canada]
    assert "America/Toronto" in [m.zone for m in canada]
    assert [m.zone for m in few] == [m.zone for m in canada[:3]]


@pytest.mark.parametrize("query", ["", " ", "a", "'", "UTC", "Etc/GMT+5", "Atlantis"])
def test_search_finds_nothing_for_too_short_unknown_or_non_geographic_queries(query: str) -> None:
    assert zonesearch.search(query, JANUARY) == []


def test_search_only_offers_zones_organisers_may_choose() -> None:
    offered = {place.zone for place in zonesearch.places()}

    assert offered == set(tz.canonical_zones())


def test_label_names_two_countries_then_how_many_more() -> None:
    (antigua, puerto_rico) = zonesearch.search("Antigua", JANUARY)

    assert antigua.label == "Antigua, Antigua & Barbuda (UTC−04:00)"
    assert puerto_rico.label.startswith(
        "Puerto Rico, Puerto Rico, Antigua & Barbuda and 18 more — "
    )


ZONE1970 = """# comment
CA\t+4734-05243\tAmerica/St_Johns\tNewfoundland, Labrador (SE)
PR,AG\t+182806-0660622\tAmerica/Puerto_Rico
"""
ZONE_TAB = """# comment
AG\t+1703-06148\tAmerica/Antigua
PR\t+182806-0660622\tAmerica/Puerto_Rico
CA\t+4734-05243\tAmerica/St_Johns\tNewfoundland; Labrador (southeast)
XX\t+0000+00000\tAmerica/Nowhere\tSomewhere
"""
ISO3166 = """# comment
AG\tAntigua & Barbuda
CA\tCanada
PR\tPuerto Rico
"""


def test_parse_places_joins_the_three_tables_and_the_aliases() -> None:
    places = zonesearch.parse_places(
        ZONE1970,
        ZONE_TAB,
        ISO3166,
        ["America/St_Johns", "America/Puerto_Rico", "America/Antigua", "America/Nowhere"],
        {"Canada/Newfoundland": "America/St_Johns", "America/Virgin": "America/Puerto_Rico"},
    )

    assert places == (
        Place("America/Antigua", "Antigua", ("AG",), ("Antigua & Barbuda",), ""),
        Place("America/Nowhere", "Nowhere", ("XX",), ("XX",), "Somewhere"),
        Place(
            "America/Puerto_Rico",
            "Puerto Rico",
            ("PR", "AG"),
            ("Puerto Rico", "Antigua & Barbuda"),
            "",
            ("Virgin",),
        ),
        Place(
            "America/St_Johns",
            "St Johns",
            ("CA",),
            ("Canada",),
            "Newfoundland, Labrador (SE)",  # zone1970.tab's comment wins
        ),
    )


def test_parse_places_keeps_no_former_name_equal_to_the_city() -> None:
    (place,) = zonesearch.parse_places(
        "", "", "", ["Asia/Kolkata"], {"Asia/Kolkata ": "x", "Indian/Kolkata": "Asia/Kolkata"}
    )

    assert place.former == ()


def test_search_among_given_places() -> None:
    places = zonesearch.parse_places(ZONE1970, ZONE_TAB, ISO3166, ["America/St_Johns"])

    assert [m.zone for m in zonesearch.search("Canada", JANUARY, among=places)] == [
        "America/St_Johns"
    ]


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("St. John's", "st johns"),
        ("Saint   John’s", "st johns"),
        ("America/St_Johns", "america st johns"),
        ("Curaçao", "curacao"),
        ("Ust-Nera", "ust nera"),
    ],
)
def test_normalise_compares_names_as_people_type_them(text: str, normalised: str) -> None:
    assert zonesearch.normalise(text) == normalised


def test_place_of_a_zone_and_of_an_alias() -> None:
    assert zonesearch.place_of("Asia/Calcutta").zone == "Asia/Kolkata"
    assert zonesearch.place_of("Asia/Kathmandu").countries == ("Nepal",)
    with pytest.raises(UnknownZoneError):
        zonesearch.place_of("Etc/GMT+5")


def test_resolve_ranked_says_how_well_the_best_matches_match() -> None:
    city_rank, by_city = zonesearch.resolve_ranked("Kathmandu", JANUARY)
    country_rank, by_country = zonesearch.resolve_ranked("Nepal", JANUARY)
    prefix_rank, _ = zonesearch.resolve_ranked("Kathm", JANUARY)

    assert [m.zone for m in by_city] == [m.zone for m in by_country] == ["Asia/Kathmandu"]
    assert city_rank is not None and country_rank is not None and prefix_rank is not None
    assert city_rank < country_rank < prefix_rank
    assert zonesearch.resolve_ranked("Atlantis", JANUARY) == (None, [])
    assert zonesearch.resolve("Nepal", JANUARY) == by_country
    assert zonesearch.resolve("Atlantis", JANUARY) == []
