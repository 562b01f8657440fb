"""The JSON API over the demo festival: shapes, zones, filters, live views, errors.

Expected values are computed here from the raw session list (UTC instants and the tz core),
not by calling the functions the handlers use, so a wrong handler makes these tests fail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from festival.app import create_app
from festival.settings import Settings
from scheduling import tz
from scheduling.clock import FixedClock
from tests.conftest import FESTIVAL_NOON

EDITION = "learningplanet-2027"
FESTIVAL_DAY = date(2027, 1, 24)

Session = dict[str, Any]


def utc(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text[:-1] + "+00:00")


def sessions(client: TestClient, **params: Any) -> list[Session]:
    response = client.get(f"/api/editions/{EDITION}/sessions", params=params)
    assert response.status_code == 200, response.text
    result: list[Session] = response.json()["sessions"]
    return result


def error_of(response: Any) -> tuple[int, str]:
    assert response.headers["content-type"].startswith("application/json")
    return response.status_code, response.json()["error"]["code"]


# -- editions and windows -----------------------------------------------------------------------


def test_api_editions_lists_every_edition_with_its_days(demo_client: TestClient) -> None:
    response = demo_client.get("/api/editions")

    assert response.status_code == 200
    editions = response.json()["editions"]
    by_slug = {e["slug"]: e for e in editions}
    assert EDITION in by_slug
    assert by_slug[EDITION]["days"] == ["2027-01-24"]
    assert by_slug[EDITION]["url"] == f"http://testserver/editions/{EDITION}"
    assert len(editions) >= 3
    for edition in editions:
        first, last = (
            date.fromisoformat(edition["first_day"]),
            date.fromisoformat(edition["last_day"]),
        )
        assert edition["days"] == [
            (first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)
        ]


def test_api_edition_window_matches_the_tz_database(demo_client: TestClient) -> None:
    body = demo_client.get(f"/api/editions/{EDITION}").json()

    # January 24 starts at local midnight on the UTC+14 line (Kiritimati) and ends at midnight
    # at UTC-11 (Pago Pago): known values, not computed by the code under test.
    assert body["window"] == {
        "starts_at_utc": "2027-01-23T10:00:00Z",
        "ends_at_utc": "2027-01-25T11:00:00Z",
        "length_hours": 49.0,
        "first_zone": "Pacific/Kiritimati",
        "last_zone": "Pacific/Pago_Pago",
    }
    assert body["session_count"] == len(
        [s for s in sessions(demo_client) if s["status"] == "published"]
    )


def test_api_window_for_a_day_reports_zones_on_that_day(demo_client: TestClient) -> None:
    zones_on_day = sum(
        1
        for name in tz.canonical_zones()
        if tz.localize(FESTIVAL_NOON, name).date() == FESTIVAL_DAY
    )
    end = datetime(2027, 1, 25, 11, 0, tzinfo=UTC)  # midnight ending the 24th in Pago Pago

    body = demo_client.get(f"/api/editions/{EDITION}/window", params={"day": "2027-01-24"}).json()

    assert body["day"] == "2027-01-24"
    assert body["status"]["state"] == "on"
    assert body["status"]["now"] == "2027-01-24T12:00:00Z"
    assert body["status"]["zones_on_day"] == zones_on_day
    assert body["status"]["hours_left"] == (end - FESTIVAL_NOON).total_seconds() / 3600 == 23
    assert body["status"]["hours_until_start"] == 0


def test_api_window_day_outside_the_festival_is_a_400(demo_client: TestClient) -> None:
    response = demo_client.get(f"/api/editions/{EDITION}/window", params={"day": "2027-01-25"})

    assert error_of(response) == (400, "time.outside_festival")
    assert "2027-01-25" in response.json()["error"]["message"]


@pytest.mark.parametrize("day", ["2027-02-30", "tomorrow", "24/01/2027"])
def test_api_window_malformed_day_is_a_400(demo_client: TestClient, day: str) -> None:
    response = demo_client.get(f"/api/editions/{EDITION}/window", params={"day": day})

    assert error_of(response) == (400, "request.invalid")


def test_api_unknown_edition_is_a_404(demo_client: TestClient) -> None:
    for path in ("", "/sessions", "/window", "/live", "/coverage", "/conflicts"):
        response = demo_client.get(f"/api/editions/no-such-festival{path}")
        assert error_of(response) == (404, "edition.not_found")


# -- sessions and zones -------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham"])
def test_api_sessions_viewer_times_are_in_the_requested_zone(
    demo_client: TestClient, zone: str
) -> None:
    found = sessions(demo_client, tz=zone)

    assert len(found) >= 150
    for session in found:
        starts, ends = utc(session["starts_at_utc"]), utc(session["ends_at_utc"])
        viewer_start = datetime.fromisoformat(session["viewer"]["start"])
        viewer_end = datetime.fromisoformat(session["viewer"]["end"])
        expected_start = tz.localize(starts, zone)
        assert viewer_start == expected_start
        assert viewer_start.utcoffset() == expected_start.utcoffset()
        assert viewer_end == tz.localize(ends, zone)
        assert session["viewer"]["tz"] == zone
        assert session["viewer"]["zone_label"] == tz.zone_label(expected_start)
        assert ends - starts == timedelta(minutes=session["duration_minutes"])


def test_api_sessions_local_time_is_the_organisers_wall_time(demo_client: TestClient) -> None:
    for session in sessions(demo_client):
        local = datetime.fromisoformat(session["local"]["start"])
        expected = tz.localize(utc(session["starts_at_utc"]), session["local"]["tz"])
        assert local == expected
        assert local.utcoffset() == expected.utcoffset()
        assert session["local"]["tz"] == tz.canonical_name(session["local"]["tz"])


def test_api_sessions_without_tz_are_in_utc(demo_client: TestClient) -> None:
    first = sessions(demo_client)[0]

    assert first["viewer"]["tz"] == "UTC"
    assert first["viewer"]["start"] == utc(first["starts_at_utc"]).isoformat(timespec="seconds")


def test_api_sessions_alias_zone_is_normalised(demo_client: TestClient) -> None:
    response = demo_client.get(f"/api/editions/{EDITION}/sessions", params={"tz": "Asia/Calcutta"})

    assert response.json()["tz"] == "Asia/Kolkata"
    assert {s["viewer"]["zone_label"] for s in response.json()["sessions"]} == {"IST"}


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Etc/GMT+5", "Romance Standard Time", "EST"])
def test_api_unknown_tz_is_a_400_with_its_code(demo_client: TestClient, zone: str) -> None:
    for path in (f"/api/editions/{EDITION}/sessions", f"/api/editions/{EDITION}/live"):
        response = demo_client.get(path, params={"tz": zone})
        assert error_of(response) == (400, "time.unknown_zone")
        assert repr(zone) in response.json()["error"]["message"]


def test_api_session_detail_matches_the_list_entry(demo_client: TestClient) -> None:
    listed = sessions(demo_client, tz="Australia/Adelaide")[7]

    response = demo_client.get(
        f"/api/sessions/{listed['uid']}", params={"tz": "Australia/Adelaide"}
    )

    assert response.status_code == 200
    assert response.json() == listed
    assert listed["url"] == f"http://testserver/sessions/{listed['uid']}"
    assert set(listed) >= {
        "uid", "title", "summary", "kind", "languages", "audience", "sdgs", "hosts",
        "organisation", "local", "viewer", "starts_at_utc", "ends_at_utc", "duration_minutes",
        "status", "revision", "join_url", "url",
    }  # fmt: skip


def test_api_unknown_session_is_a_404(demo_client: TestClient) -> None:
    response = demo_client.get("/api/sessions/not-a-session")

    assert error_of(response) == (404, "session.not_found")


def test_api_cancelled_sessions_are_listed_with_their_status(demo_client: TestClient) -> None:
    statuses = {s["status"] for s in sessions(demo_client)}

    assert statuses == {"published", "cancelled"}


# -- filters ------------------------------------------------------------------------------------


def _haystack(s: Session) -> str:
    org = s["organisation"]
    return " ".join([s["title"], s["summary"], org["name"], org["slug"], *s["hosts"]]).casefold()


def _local(s: Session, zone: str) -> datetime:
    return tz.localize(utc(s["starts_at_utc"]), zone)


FilterCase = tuple[dict[str, Any], Callable[[Session], bool]]


def filter_cases(everything: list[Session]) -> dict[str, FilterCase]:
    """One query per filter parameter, each with its meaning written out independently."""
    sample = everything[len(everything) // 3]
    org, country = sample["organisation"]["slug"], sample["organisation"]["country"]
    kathmandu, st_johns = "Asia/Kathmandu", "America/St_Johns"
    return {
        "kind": ({"kind": "debate"}, lambda s: s["kind"] == "debate"),
        "kinds": (
            {"kind": ["game", "reading"]},
            lambda s: s["kind"] in {"game", "reading"},
        ),
        "lang": ({"lang": "fr"}, lambda s: "fr" in s["languages"]),
        "audience": ({"audience": "children"}, lambda s: s["audience"] == "children"),
        "sdg": ({"sdg": "13"}, lambda s: 13 in s["sdgs"]),
        "org": ({"org": org}, lambda s: s["organisation"]["slug"] == org),
        "country": (
            {"country": country.lower()},
            lambda s: s["organisation"]["country"] == country,
        ),
        "q": ({"q": "PRINCE"}, lambda s: "prince" in _haystack(s)),
        "between": (
            {"tz": kathmandu, "from": "09:00", "to": "11:30"},
            lambda s: time(9, 0) <= _local(s, kathmandu).time() <= time(11, 30),
        ),
        "day": (
            {"tz": st_johns, "day": "2027-01-23"},
            lambda s: _local(s, st_johns).date() == date(2027, 1, 23),
        ),
    }


@pytest.mark.parametrize(
    "case", ["kind", "kinds", "lang", "audience", "sdg", "org", "country", "q", "between", "day"]
)
def test_api_sessions_filter_selects_exactly_the_matching_sessions(
    demo_client: TestClient, case: str
) -> None:
    everything = sessions(demo_client)
    params, matches = filter_cases(everything)[case]
    expected = [s["uid"] for s in everything if matches(s)]

    found = sessions(demo_client, **params)

    assert [s["uid"] for s in found] == expected
    assert 0 < len(expected) < len(everything)


def test_api_sessions_echo_the_filters_they_applied(demo_client: TestClient) -> None:
    body = demo_client.get(
        f"/api/editions/{EDITION}/sessions",
        params={"kind": "game,reading", "from": "9:00", "to": "12:00", "tz": "Europe/Paris"},
    ).json()

    assert body["filters"] == {"kind": ["game", "reading"], "from": ["09:00"], "to": ["12:00"]}
    assert body["count"] == len(body["sessions"])


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "juggling"},
        {"sdg": "18"},
        {"sdg": "four"},
        {"lang": "english!"},
        {"country": "Kenya"},
        {"from": "25:00", "to": "26:00"},
        {"from": "09:00"},
        {"day": "2027-13-01"},
        {"q": "x" * 300},
    ],
)
def test_api_sessions_malformed_filter_is_a_400(
    demo_client: TestClient, params: dict[str, str]
) -> None:
    response = demo_client.get(f"/api/editions/{EDITION}/sessions", params=params)

    assert error_of(response) == (400, "filter.invalid")
    assert response.json()["error"]["message"]


# -- organisations ------------------------------------------------------------------------------


def test_api_organisations_list_and_detail(demo_client: TestClient) -> None:
    organisations = demo_client.get("/api/organisations").json()["organisations"]
    everything = sessions(demo_client, tz="Africa/Nairobi")
    slug = everything[0]["organisation"]["slug"]

    detail = demo_client.get(f"/api/organisations/{slug}", params={"tz": "Africa/Nairobi"}).json()

    assert len(organisations) >= 60
    assert detail["slug"] == slug
    assert detail["tz"] == tz.canonical_name(detail["tz"])
    own = [s["uid"] for s in everything if s["organisation"]["slug"] == slug]
    assert sorted(s["uid"] for s in detail["sessions"] if s["edition"] == EDITION) == sorted(own)
    assert all(s["viewer"]["tz"] == "Africa/Nairobi" for s in detail["sessions"])


def test_api_unknown_organisation_is_a_404(demo_client: TestClient) -> None:
    response = demo_client.get("/api/organisations/nobody")

    assert error_of(response) == (404, "organisation.not_found")


# -- live now, coverage, conflicts --------------------------------------------------------------


def test_api_live_lists_live_and_starting_soon_sessions(demo_client: TestClient) -> None:
    published = [s for s in sessions(demo_client) if s["status"] == "published"]
    soon_until = FESTIVAL_NOON + timedelta(minutes=90)
    live = {
        s["uid"]
        for s in published
        if utc(s["starts_at_utc"]) <= FESTIVAL_NOON < utc(s["ends_at_utc"])
    }
    soon = {s["uid"] for s in published if FESTIVAL_NOON < utc(s["starts_at_utc"]) <= soon_until}

    body = demo_client.get(
        f"/api/editions/{EDITION}/live", params={"tz": "Asia/Tokyo", "within": "90"}
    ).json()

    assert body["now"] == "2027-01-24T12:00:00Z"
    assert body["within_minutes"] == 90
    assert {s["uid"] for s in body["live"]} == live
    assert {s["uid"] for s in body["starting_soon"]} == soon
    assert live and soon
    starts = [utc(s["starts_at_utc"]) for s in body["starting_soon"]]
    assert starts == sorted(starts)
    assert {s["viewer"]["tz"] for s in body["live"]} == {"Asia/Tokyo"}


@pytest.mark.parametrize("within", ["-5", "soon", "100000"])
def test_api_live_rejects_a_bad_within(demo_client: TestClient, within: str) -> None:
    response = demo_client.get(f"/api/editions/{EDITION}/live", params={"within": within})

    assert error_of(response) == (400, "filter.invalid")


def test_api_live_now_override_needs_debug(demo_settings: Settings, clock: FixedClock) -> None:
    path = f"/api/editions/{EDITION}/live?now=2027-01-23T11:00Z"
    with TestClient(create_app(demo_settings, clock=clock)) as client:
        ignored = client.get(path).json()
    with TestClient(create_app(demo_settings.with_(debug=True), clock=clock)) as client:
        honoured = client.get(path).json()
        malformed = client.get(f"/api/editions/{EDITION}/live?now=yesterday")

    assert ignored["now"] == "2027-01-24T12:00:00Z"
    assert honoured["now"] == "2027-01-23T11:00:00Z"
    assert error_of(malformed) == (400, "request.invalid")


def test_api_coverage_counts_live_sessions_per_hour_and_region(demo_client: TestClient) -> None:
    published = [s for s in sessions(demo_client) if s["status"] == "published"]

    body = demo_client.get(f"/api/editions/{EDITION}/coverage").json()

    hours = body["hours"]
    assert hours[0]["starts_at_utc"] == "2027-01-23T10:00:00Z"
    assert hours[-1]["starts_at_utc"] == "2027-01-25T10:00:00Z"
    assert len(hours) == 49
    for hour in hours:
        start = utc(hour["starts_at_utc"])
        end = start + timedelta(hours=1)
        running = [
            s for s in published if utc(s["starts_at_utc"]) < end and utc(s["ends_at_utc"]) > start
        ]
        assert hour["live"] == len(running)
        assert sum(hour["by_region"].values()) == len(running)
        assert set(hour["by_region"]) == set(body["regions"])
    assert max(h["live"] for h in hours) > 0


def test_api_conflicts_lists_the_deliberate_double_bookings(demo_client: TestClient) -> None:
    published = [s for s in sessions(demo_client) if s["status"] == "published"]

    def keys(s: Session) -> set[tuple[str, str]]:
        found = {("organisation", s["organisation"]["slug"])}
        found |= {("host", " ".join(h.split()).casefold()) for h in s["hosts"]}
        if s["stream"].strip():
            found.add(("stream", " ".join(s["stream"].split()).casefold()))
        return found

    expected = set()
    for i, a in enumerate(published):
        for b in published[i + 1 :]:
            overlap = min(utc(a["ends_at_utc"]), utc(b["ends_at_utc"])) - max(
                utc(a["starts_at_utc"]), utc(b["starts_at_utc"])
            )
            if overlap > timedelta(0):
                for kind, key in keys(a) & keys(b):
                    expected.add((kind, key, frozenset({a["uid"], b["uid"]})))

    body = demo_client.get(f"/api/editions/{EDITION}/conflicts").json()

    listed = {
        (c["kind"], c["key"], frozenset({c["first"]["uid"], c["second"]["uid"]}))
        for c in body["conflicts"]
    }
    assert listed == expected
    assert body["count"] == len(expected)
    assert {"host", "stream"} <= {kind for kind, _, _ in listed}
    for conflict in body["conflicts"]:
        assert utc(conflict["first"]["starts_at_utc"]) <= utc(conflict["second"]["starts_at_utc"])
        assert conflict["overlap_minutes"] > 0


def test_api_unknown_path_is_a_json_404(demo_client: TestClient) -> None:
    response = demo_client.get("/api/nothing-here")

    assert error_of(response) == (404, "not_found")


def test_api_empty_database_lists_nothing(client: TestClient) -> None:
    assert client.get("/api/editions").json() == {"editions": []}
    assert client.get("/api/organisations").json() == {"organisations": []}


def test_api_sessions_day_filter_outside_the_festival_is_a_400(demo_client: TestClient) -> None:
    response = demo_client.get(
        "/api/editions/learningplanet-2027/sessions",
        params={"day": "2027-03-01", "tz": "Asia/Tokyo"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "time.outside_festival"
    assert "2027-01-24, 2027-01-25" in response.json()["error"]["message"]
