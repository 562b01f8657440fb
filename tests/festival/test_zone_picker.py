"""The attendee zone picker finds zones by city, country and region, with or without JavaScript.

The bar's text field is submitted as ``?tz=``: a zone name is used as it is; anything else is
what a person typed, resolved on the server with ``scheduling.zonesearch`` (the session
editor's search): one zone is used, several are listed to pick from, none is refused.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from starlette.testclient import TestClient

from scheduling import zonesearch

AT = datetime(2027, 1, 24, 12, tzinfo=UTC)


def tz_cookies(response: object) -> list[str]:
    headers = response.headers  # type: ignore[attr-defined]
    return [c for c in headers.get_list("set-cookie") if c.startswith("tz=")]


def test_resolve_is_the_best_ranked_zones_of_the_search() -> None:
    assert [m.zone for m in zonesearch.resolve("Kathmandu", AT)] == ["Asia/Kathmandu"]
    assert [m.zone for m in zonesearch.resolve("St John", AT)] == ["America/St_Johns"]
    assert [m.zone for m in zonesearch.resolve("st. john's", AT)] == ["America/St_Johns"]
    # "India" is a country (Asia/Kolkata), not the start of "Indian/Maldives".
    assert [m.zone for m in zonesearch.resolve("India", AT)] == ["Asia/Kolkata"]
    argentina = [m.zone for m in zonesearch.resolve("Argentina", AT)]
    assert len(argentina) > 1 and all(z.startswith("America/Argentina/") for z in argentina)
    assert zonesearch.resolve("Atlantis", AT) == []
    assert zonesearch.resolve("k", AT) == []


def test_typing_a_city_country_or_partial_name_picks_the_zone(demo_client: TestClient) -> None:
    for typed, zone in [
        ("Kathmandu", "Asia/Kathmandu"),
        ("St John", "America/St_Johns"),
        ("India", "Asia/Kolkata"),
    ]:
        demo_client.cookies.clear()
        response = demo_client.get("/programme", params={"tz": typed})

        assert response.status_code == 200, typed
        assert f'data-viewer-zone="{zone}" data-zone-source="query"' in response.text
        assert tz_cookies(response) == [f"tz={zone}; Max-Age=31536000; Path=/; SameSite=Lax"], typed


def test_a_name_of_several_zones_lists_them_and_keeps_the_page(demo_client: TestClient) -> None:
    demo_client.cookies.set("tz", "Africa/Nairobi")

    response = demo_client.get("/programme", params={"kind": "game", "tz": "Argentina"})

    assert response.status_code == 200
    assert 'data-viewer-zone="Africa/Nairobi" data-zone-source="cookie"' in response.text
    assert tz_cookies(response) == []
    choices = response.text.split('id="tz-choices"')[1].split("</div>")[0]
    assert "zones match “Argentina”: pick one." in choices
    assert (
        '<a href="/programme?kind=game&amp;tz=America%2FArgentina%2FBuenos_Aires">'
        "Buenos Aires, Argentina" in choices
    )
    # What was typed stays in the box.
    assert 'name="tz" value="Argentina"' in response.text
    # Following a choice uses that zone.
    chosen = demo_client.get("/programme", params={"tz": "America/Argentina/Buenos_Aires"})
    assert 'data-viewer-zone="America/Argentina/Buenos_Aires"' in chosen.text


def test_a_name_of_no_zone_is_refused_with_what_to_type(demo_client: TestClient) -> None:
    response = demo_client.get("/programme", params={"tz": "Atlantis"})

    assert response.status_code == 400
    assert tz_cookies(response) == []
    assert 'data-viewer-zone="UTC"' in response.text
    assert "Type a city or a country, such as Kathmandu or India." in response.text
    assert 'id="tz-choices"' not in response.text


def test_the_api_still_wants_a_zone_name(demo_client: TestClient) -> None:
    edition = demo_client.get("/api/editions").json()["editions"][0]["slug"]
    response = demo_client.get(f"/api/editions/{edition}/sessions", params={"tz": "Kathmandu"})

    assert response.status_code == 400


def test_the_public_zone_search_answers_attendees(demo_client: TestClient) -> None:
    found = demo_client.get("/organiser/zones.json", params={"q": "St John"})

    assert found.status_code == 200
    assert found.json()["zones"][0]["zone"] == "America/St_Johns"


# -- one label for a zone -------------------------------------------------------------------

LABELS = {
    "Asia/Kathmandu": ("Kathmandu (UTC+05:45)", ["Asia/Kathmandu (", "+0545"]),
    "America/St_Johns": ("St Johns (UTC−03:30)", ["America/St Johns", " NST", "UTC−03:30<"]),
    "Africa/Nairobi": ("Nairobi (UTC+03:00)", ["Africa/Nairobi (", " EAT", "UTC+03:00<"]),
}


def test_pages_name_the_viewer_zone_one_way(demo_client: TestClient) -> None:
    edition = demo_client.get("/api/editions").json()["editions"][0]["slug"]
    session = demo_client.get(f"/api/editions/{edition}/sessions").json()["sessions"][0]
    pages = ["/", "/programme", f"/sessions/{session['uid']}", f"/rooms/session-{session['uid']}"]
    for zone, (label, other_forms) in LABELS.items():
        for path in pages:
            response = demo_client.get(path, params={"tz": zone})
            html = response.text

            assert response.status_code == 200, path
            bar = html.split('id="tz-current"')[1].split("</p>")[0]
            assert f"Showing <strong data-zone-label>{label}</strong>" in bar, (zone, path)
            times = re.findall(r"<time [^>]*data-viewer-time[^>]*>([^<]*)</time>", html)
            assert all(text.endswith(f" {label}") for text in times), (zone, path, times)
            for other in other_forms:
                assert other not in html, (zone, path, other)
        programme = demo_client.get("/programme", params={"tz": zone}).text
        assert f"Times are shown in <strong data-zone-label>{label}</strong>" in programme
        room = demo_client.get(f"/rooms/session-{session['uid']}", params={"tz": zone}).text
        assert re.search(rf"<time datetime=\"[^\"]+\">[^<]+ {re.escape(label)}</time>", room)


def test_what_was_typed_is_cut_to_the_box_length(demo_client: TestClient) -> None:
    # Apostrophes are ignored by the search, so this still names Argentina's zones.
    typed = "Argentina" + "'" * 500

    response = demo_client.get("/programme", params={"tz": typed})

    assert response.status_code == 200
    assert f'name="tz" value="Argentina{"&#39;" * 91}"' in response.text
    assert "&#39;" * 92 not in response.text
