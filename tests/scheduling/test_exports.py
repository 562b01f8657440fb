"""scheduling.exports: frab XML and c3voc JSON, validated against the c3voc schema files."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from scheduling import exports, ical, tz
from scheduling.slots import Slot

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "c3voc-schedule"
LINKS = ical.SiteLinks("https://festival.example.org")
INFO = exports.ProgrammeInfo(
    title="#LearningPlanet Festival 2027",
    slug="learningplanet-2027",
    days=(date(2027, 1, 24),),
    links=LINKS,
    url="https://festival.example.org/editions/learningplanet-2027/programme",
    description="Learning, everywhere.",
)


def wall(text: str) -> datetime:
    return datetime.fromisoformat(text)


def make_slot(
    sid: int,
    local: str,
    zone: str,
    *,
    title: str = "Cities that learn",
    stream: str = "",
    org: tuple[str, str] = ("nairobi-city", "Nairobi Learning City"),
    status: str = "published",
    languages: tuple[str, ...] = ("en", "sw"),
    hosts: tuple[str, ...] = ("Wanjiru", "Amal"),
    minutes: int = 90,
) -> Slot:
    start = tz.to_utc(wall(local), zone, 0)
    return Slot(
        id=sid,
        uid=f"00000000-0000-4000-8000-{sid:012d}",
        title=title,
        kind="workshop",
        tz_name=zone,
        local_start=wall(local),
        duration_minutes=minutes,
        starts_at_utc=start,
        ends_at_utc=start + timedelta(minutes=minutes),
        organisation_slug=org[0],
        organisation_name=org[1],
        country="KE",
        summary="What a city learns from its children.",
        languages=languages,
        hosts=hosts,
        stream=stream,
        status=status,
        updated_at_utc=datetime(2026, 12, 1, tzinfo=UTC),
    )


def programme() -> list[Slot]:
    return [
        make_slot(1, "2027-01-24 00:30", "Pacific/Kiritimati", title="Sunrise in Kiritimati"),
        make_slot(2, "2027-01-24 09:00", "Asia/Kathmandu", title="काठमाडौंमा सिकाइ"),
        make_slot(
            3,
            "2027-01-24 14:00",
            "Africa/Nairobi",
            stream="Main stage",
            org=("paris-assoc", "Paris Learning Association"),
        ),
        make_slot(4, "2027-01-24 23:00", "Pacific/Pago_Pago", stream="Main stage", hosts=()),
        make_slot(5, "2027-01-25 10:00", "Europe/Paris", title="Outside: the day after"),
        make_slot(6, "2027-01-24 10:00", "Europe/Paris", status="cancelled"),
        make_slot(7, "2027-01-24 11:00", "Europe/Paris", status="draft"),
    ]


@pytest.fixture(scope="module")
def xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "schedule.xml.xsd"))


@pytest.fixture(scope="module")
def json_validator() -> jsonschema.Draft6Validator:
    schema = json.loads((SCHEMAS / "schema.json").read_text("utf-8"))
    checker = jsonschema.Draft6Validator.FORMAT_CHECKER
    assert {"uri", "date-time"} <= set(checker.checkers), "format checks must really run"
    return jsonschema.Draft6Validator(schema, format_checker=checker)


def test_schema_validator_accepts_pretalxs_own_example(
    json_validator: jsonschema.Draft6Validator,
) -> None:
    example = json.loads((SCHEMAS / "pretalx-democon.json").read_text("utf-8"))
    assert [e.message for e in json_validator.iter_errors(example)] == []


def test_json_export_is_valid_against_the_c3voc_schema(
    json_validator: jsonschema.Draft6Validator,
) -> None:
    document = json.loads(exports.schedule_json_bytes(programme(), INFO))
    assert [e.message for e in json_validator.iter_errors(document)] == []


def test_json_validation_can_fail(json_validator: jsonschema.Draft6Validator) -> None:
    document = exports.schedule_json(programme(), INFO)
    conference = document["schedule"]["conference"]  # type: ignore[index]
    conference["acronym"] = "learningplanet-2027"  # hyphen: not allowed by the schema
    assert list(json_validator.iter_errors(document)) != []


def test_xml_export_is_valid_against_the_frab_xsd(xsd: xmlschema.XMLSchema) -> None:
    data = exports.schedule_xml_bytes(programme(), INFO)
    xsd.validate(data.decode("utf-8"))


def test_xml_validation_can_fail(xsd: xmlschema.XMLSchema) -> None:
    text = exports.schedule_xml_bytes(programme(), INFO).decode("utf-8")
    assert not xsd.is_valid(text.replace("<duration>01:30</duration>", "<duration>90</duration>"))


def test_events_belong_to_the_day_of_their_organisers_zone_and_drafts_cancelled_are_out() -> None:
    document = exports.schedule_json(programme(), INFO)
    days = document["schedule"]["conference"]["days"]  # type: ignore[index]
    assert [d["date"] for d in days] == ["2027-01-24"]
    ids = sorted(e["id"] for events in days[0]["rooms"].values() for e in events)
    assert ids == [1, 2, 3, 4]


def test_day_bounds_are_the_global_window_of_the_date() -> None:
    day = exports.schedule_json(programme(), INFO)["schedule"]["conference"]["days"][0]  # type: ignore[index]
    # Midnight in Kiritimati (UTC+14) to midnight ending the 24th in Pago Pago (UTC−11).
    assert day["day_start"] == "2027-01-23T10:00:00+00:00"
    assert day["day_end"] == "2027-01-25T11:00:00+00:00"


def test_event_times_carry_the_organisers_offset_and_land_on_the_core_instant() -> None:
    slots = programme()
    document = exports.schedule_json(slots, INFO)
    rooms = document["schedule"]["conference"]["days"][0]["rooms"]  # type: ignore[index]
    events = {e["id"]: e for evs in rooms.values() for e in evs}
    kathmandu = events[2]
    assert kathmandu["date"] == "2027-01-24T09:00:00+05:45"
    assert kathmandu["start"] == "09:00"
    assert kathmandu["duration"] == "01:30"
    assert kathmandu["end"] == "2027-01-24T10:30:00+05:45"
    for slot in slots[:4]:
        assert datetime.fromisoformat(events[slot.id]["date"]) == slot.starts_at_utc


def test_rooms_are_streams_or_the_organisations_online_room_and_tracks_organisations() -> None:
    document = exports.schedule_json(programme(), INFO)
    conference = document["schedule"]["conference"]  # type: ignore[index]
    assert [r["name"] for r in conference["rooms"]] == [
        "Main stage",
        "Nairobi Learning City (online)",
    ]
    assert sorted(conference["days"][0]["rooms"]) == [
        "Main stage",
        "Nairobi Learning City (online)",
    ]
    assert [t["name"] for t in conference["tracks"]] == [
        "Nairobi Learning City",
        "Paris Learning Association",
    ]
    main = conference["days"][0]["rooms"]["Main stage"]
    assert [(e["id"], e["track"], e["language"]) for e in main] == [
        (3, "Paris Learning Association", "en"),
        (4, "Nairobi Learning City", "en"),
    ]
    assert main[0]["persons"] == [
        {"name": "Wanjiru", "public_name": "Wanjiru", "guid": exports.person_guid("Wanjiru")},
        {"name": "Amal", "public_name": "Amal", "guid": exports.person_guid("Amal")},
    ]
    assert conference["acronym"] == "learningplanet_2027"
    assert conference["time_zone_name"] == "UTC"


def test_xml_and_json_describe_the_same_events() -> None:
    slots = programme()
    root = ET.fromstring(exports.schedule_xml_bytes(slots, INFO))
    xml_events = {
        int(e.get("id", "0")): (e.findtext("date"), e.findtext("room"), e.get("guid"))
        for e in root.iter("event")
    }
    rooms = exports.schedule_json(slots, INFO)["schedule"]["conference"]["days"][0]["rooms"]  # type: ignore[index]
    json_events = {
        e["id"]: (e["date"], e["room"], e["guid"]) for evs in rooms.values() for e in evs
    }
    assert xml_events == json_events


def test_exports_are_deterministic() -> None:
    assert exports.schedule_xml_bytes(programme(), INFO) == exports.schedule_xml_bytes(
        list(reversed(programme())), INFO
    )
    assert exports.schedule_json_bytes(programme(), INFO) == exports.schedule_json_bytes(
        list(reversed(programme())), INFO
    )


def test_slugs_are_ascii_even_for_titles_in_other_scripts() -> None:
    events = exports.export_events(programme(), INFO)
    assert [e.slug for e in events if e.slot.id in (1, 2)] == [
        "learningplanet_2027-1-sunrise-in-kiritimati",
        "learningplanet_2027-2-session",
    ]


# -- several days, slots outside the database -------------------------------------------------

TWO_DAYS = exports.ProgrammeInfo(
    title="Learning week",
    slug="lw",
    days=(date(2027, 1, 25), date(2027, 1, 24)),
    links=LINKS,
)


def two_day_programme() -> list[Slot]:
    first = make_slot(1, "2027-01-24 10:00", "Europe/Paris", languages=(), title="Day one")
    second = make_slot(2, "2027-01-25 10:00", "Europe/Paris", title="Day two")
    # A slot built outside the database: no numeric id, a uid that is not a UUID, and SDGs.
    unsaved = replace(second, id=0, uid="Imported-Session-7", title="Unsaved", sdgs=(4, 17))
    return [second, unsaved, first]


def test_json_export_of_two_days_puts_each_event_on_its_own_day(
    json_validator: jsonschema.Draft6Validator,
) -> None:
    document = exports.schedule_json(two_day_programme(), TWO_DAYS)

    assert [e.message for e in json_validator.iter_errors(document)] == []
    conference = document["schedule"]["conference"]  # type: ignore[index]
    assert "description" not in conference  # none given
    assert (conference["acronym"], conference["start"], conference["end"]) == (
        "lw__",
        "2027-01-24",
        "2027-01-25",
    )
    assert conference["url"] == "https://festival.example.org"
    titles = [
        [e["title"] for events in day["rooms"].values() for e in events]
        for day in conference["days"]
    ]
    assert titles == [["Day one"], ["Day two", "Unsaved"]]
    day_one = conference["days"][0]["rooms"]["Nairobi Learning City (online)"][0]
    assert day_one["language"] is None
    assert "Languages" not in day_one["description"]


def test_slots_outside_the_database_get_stable_ids_and_guids() -> None:
    events = {e.slot.title: e for e in exports.export_events(two_day_programme(), TWO_DAYS)}
    unsaved = events["Unsaved"]
    expected_guid = str(uuid.uuid5(exports.EXPORT_NAMESPACE, "session:Imported-Session-7"))
    expected_id = uuid.uuid5(exports.EXPORT_NAMESPACE, "id:Imported-Session-7").int
    assert unsaved.guid == expected_guid
    assert exports.event_id(unsaved.slot) == expected_id % 1_000_000_000 + 1
    # A UUID uid is the guid itself, in lower case.
    upper = replace(unsaved.slot, uid="0000ABCD-0000-4000-8000-00000000000A")
    assert exports.export_events([upper], TWO_DAYS)[0].guid == (
        "0000abcd-0000-4000-8000-00000000000a"
    )


def test_xml_export_of_two_days_is_valid_and_lists_sdgs(xsd: xmlschema.XMLSchema) -> None:
    data = exports.schedule_xml_bytes(two_day_programme(), TWO_DAYS)

    xsd.validate(data.decode("utf-8"))
    root = ET.fromstring(data)
    days = {
        day.get("date"): [e.findtext("title") for e in day.iter("event")]
        for day in root.iter("day")
    }
    assert days == {"2027-01-24": ["Day one"], "2027-01-25": ["Day two", "Unsaved"]}
    by_title = {e.findtext("title"): e for e in root.iter("event")}
    assert by_title["Day one"].find("language") is None
    assert by_title["Day two"].findtext("language") == "en"
    assert "SDGs: 4, 17" in (by_title["Unsaved"].findtext("description") or "")
    assert "SDGs" not in (by_title["Day two"].findtext("description") or "")
