"""The session editor through HTTP, on SQLite and PostgreSQL: an organiser in St John's, a gap
refused with its reason, an occurrence chosen, submit, an admin publishes, the session in the
programme, the API and the feeds at the right instant, a move (SEQUENCE), a cancellation
(STATUS:CANCELLED), "updated" notices, and who may do what."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.testclient import TestClient

from festival.app import create_app
from festival.models import Edition, FestivalSession, Organisation, SessionChange
from festival.settings import Settings
from festival.stores import accounts as accounts_store
from festival.stores import programme as programme_store
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival import organiser_seed as seed

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)  # two weeks before the festival
FLAGSHIP = "learningplanet-2027"
SPRING = "spring-2027"  # clocks go forward in St John's on 14 March 2027 at 02:00
AUTUMN = "autumn-2027"  # and back on 7 November 2027 at 02:00
ZONE = "America/St_Johns"


@dataclass(frozen=True)
class World:
    settings: Settings
    clock: FixedClock
    organiser_a: int  # amina@example.org, organiser of A (St John's)
    second_a: int  # hana@example.org, organiser of A too
    organiser_b: int  # bo@example.org, organiser of B (Paris)
    admin: int  # ada@example.org


def _account(db: AsyncSession, email: str, name: str, is_admin: bool = False) -> Any:
    return accounts_store.create_account(
        db, email=email, name=name, password_hash="-", now=NOW, is_admin=is_admin
    )


@pytest.fixture
def world(settings: Settings) -> World:
    async def seed(db: AsyncSession) -> tuple[int, int, int, int]:
        db.add_all(
            [
                Edition(
                    slug=FLAGSHIP,
                    name="#LearningPlanet Festival 2027",
                    first_day=date(2027, 1, 24),
                    last_day=date(2027, 1, 24),
                ),
                Edition(
                    slug=SPRING,
                    name="Spring Learning Day",
                    kind="celebration",
                    first_day=date(2027, 3, 14),
                    last_day=date(2027, 3, 14),
                ),
                Edition(
                    slug=AUTUMN,
                    name="Autumn Learning Day",
                    kind="celebration",
                    first_day=date(2027, 11, 7),
                    last_day=date(2027, 11, 7),
                ),
            ]
        )
        a = Organisation(slug="nl-schools", name="Newfoundland Schools", country="CA", tz_name=ZONE)
        b = Organisation(
            slug="paris-city", name="Paris Learning City", country="FR", tz_name="Europe/Paris"
        )
        db.add_all([a, b])
        await db.flush()
        assert a.id is not None and b.id is not None
        ids = []
        for email, name, org in (
            ("amina@example.org", "Amina", a.id),
            ("hana@example.org", "Hana", a.id),
            ("bo@example.org", "Bo", b.id),
        ):
            row = await _account(db, email, name)
            assert row.id is not None
            await accounts_store.add_membership(db, row.id, org, NOW)
            ids.append(row.id)
        admin = await _account(db, "ada@example.org", "Ada", is_admin=True)
        assert admin.id is not None
        return ids[0], ids[1], ids[2], admin.id

    amina, hana, bo, ada = with_db(settings, seed)
    return World(settings, FixedClock(NOW), amina, hana, bo, ada)


@pytest.fixture
def app_client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world.settings, clock=world.clock)) as client:
        yield client


def sign_in_as(client: TestClient, world: World, account_id: int) -> None:
    seed.sign_in_as(client, world.settings, account_id, world.clock)


csrf = seed.csrf


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match is not None, f"no {name} field on the page"
    return match.group(1)


def field_error(page: str, name: str) -> str:
    """The problem shown beside the field ``name`` (inside its own block)."""
    match = re.search(
        rf'id="f-{name}".*?<p class="field-error" id="{name}-error">([^<]*)</p>', page, re.S
    )
    assert match is not None, f"no problem shown beside {name}"
    return html.unescape(match.group(1))


def form(**changes: Any) -> dict[str, Any]:
    """A new session of A on January 24, 09:00 in St John's, as typed."""
    data: dict[str, Any] = {
        "organisation": "nl-schools",
        "title": "Coding for kids",
        "summary": "We build a game together.",
        "kind": "workshop",
        "audience": "children",
        "languages": "en, fr",
        "edition": FLAGSHIP,
        "date": "2027-01-24",
        "start": "09:00",
        "duration": "90",
        "zone": ZONE,
        "hosts": "amina@example.org\nA guest from the library",
        "stream": "",
        "join_url": "https://meet.example.org/coding",
        "capacity": "30",
        "sdgs": ["4"],
    }
    data.update(changes)
    return data


def post_new(client: TestClient, data: dict[str, Any]) -> Any:
    token = csrf(client.get("/organiser/sessions/new?organisation=nl-schools").text)
    return client.post(
        "/organiser/sessions/new", data={**data, "csrf_token": token}, follow_redirects=False
    )


def create(client: TestClient, data: dict[str, Any]) -> str:
    """Check, look at the preview, save: the new session's uid."""
    preview = post_new(client, data)
    assert preview.status_code == 200, preview.text
    saved = post_new(client, {**data, "confirm": hidden(preview.text, "confirm")})
    assert saved.status_code == 303, saved.text
    location = saved.headers["location"]
    assert location.endswith("?saved=1")
    return location.split("/")[3].split("?")[0]


def counts(settings: Settings) -> tuple[int, int]:
    """(sessions, change records): what a refused form must leave as it was."""

    async def count(db: AsyncSession) -> tuple[int, int]:
        sessions = await db.execute(select(func.count()).select_from(FestivalSession))
        changes = await db.execute(select(func.count()).select_from(SessionChange))
        return int(sessions.scalar_one()), int(changes.scalar_one())

    return with_db(settings, count)


def session_row(settings: Settings, uid: str) -> FestivalSession:
    return with_db(settings, lambda db: programme_store.get_session_row(db, uid))


def step(client: TestClient, uid: str, name: str, **extra: str) -> Any:
    token = csrf(client.get(f"/organiser/sessions/{uid}").text)
    return client.post(
        f"/organiser/sessions/{uid}/step",
        data={"csrf_token": token, "step": name, **extra},
        follow_redirects=False,
    )


def feed_event(client: TestClient, uid: str) -> Any | None:
    body = client.get(f"/editions/{FLAGSHIP}/calendar.ics").content
    events = {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
    return events.get(f"{uid}@testserver")


# -- the flow ---------------------------------------------------------------------------------


def test_a_gap_is_refused_with_its_reason_and_nothing_is_written(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)

    response = post_new(app_client, form(edition=SPRING, date="2027-03-14", start="02:30"))

    assert response.status_code == 400
    assert field_error(response.text, "start") == (
        "02:30 does not exist in St Johns on Sun 14 Mar 2027: that night the clocks go forward "
        "from 02:00 to 03:00. Choose 01:59 or earlier, or 03:00 or later."
    )
    assert '<button type="submit" class="link-button" name="use_start" value="03:00">' in (
        response.text
    )
    assert 'value="Coding for kids"' in response.text  # what was typed comes back
    assert counts(world.settings) == (0, 0)


def test_a_suggested_time_after_a_gap_is_taken_with_its_button(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)

    response = post_new(
        app_client, form(edition=SPRING, date="2027-03-14", start="02:30", use_start="03:00")
    )

    assert response.status_code == 200
    assert (
        "Sun 14 Mar 2027, 03:00 in St Johns (UTC−02:30) = 05:30 UTC = 00:30 in New York = "
        "06:30 in Paris" in response.text
    )


def test_an_ambiguous_time_needs_an_occurrence_then_keeps_it(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    typed = form(edition=AUTUMN, date="2027-11-07", start="01:30")

    asked = post_new(app_client, typed)
    key = hidden(asked.text, "fold_for")
    chosen = post_new(app_client, {**typed, "fold": "1", "fold_for": key})
    uid = create(app_client, {**typed, "fold": "1", "fold_for": key})

    assert asked.status_code == 400
    assert field_error(asked.text, "fold") == (
        "01:30 happens twice in St Johns on Sun 07 Nov 2027, when the clocks go back. "
        "Choose which one you mean."
    )
    assert "The first: 01:30 in St Johns (UTC−02:30) = 04:00 UTC" in asked.text
    assert "The second: 01:30 in St Johns (UTC−03:30) = 05:00 UTC" in asked.text
    assert chosen.status_code == 200
    assert "Sun 07 Nov 2027, 01:30 in St Johns (UTC−03:30) = 05:00 UTC" in chosen.text
    row = session_row(world.settings, uid)
    assert (row.local_start, row.tz_name, row.fold, row.starts_at_utc) == (
        datetime.fromisoformat("2027-11-07 01:30"),
        ZONE,
        1,
        datetime(2027, 11, 7, 5, 0, tzinfo=UTC),
    )


def test_an_occurrence_chosen_for_another_time_is_not_used(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    typed = form(edition=AUTUMN, date="2027-11-07", start="01:30")

    # The second occurrence was picked for 01:15; the organiser then typed 01:30.
    response = post_new(app_client, {**typed, "fold": "1", "fold_for": f"2027-11-07T01:15 {ZONE}"})

    assert response.status_code == 400
    assert "happens twice" in field_error(response.text, "fold")


def test_submit_publish_move_cancel_as_the_world_sees_it(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    uid = create(app_client, form())
    public = [
        app_client.get(path).status_code
        for path in (f"/sessions/{uid}", f"/api/sessions/{uid}", f"/rooms/session-{uid}")
    ]
    draft_in_feed = feed_event(app_client, uid)

    submitted = step(app_client, uid, "submit")
    refused = step(app_client, uid, "publish")
    still_hidden = app_client.get(f"/api/sessions/{uid}").status_code

    with TestClient(create_app(world.settings, clock=world.clock)) as admin:
        sign_in_as(admin, world, world.admin)
        published = step(admin, uid, "publish")

    assert public == [404, 404, 404] and draft_in_feed is None
    assert (submitted.status_code, refused.status_code, still_hidden) == (303, 400, 404)
    assert published.status_code == 303
    # In the programme, the API and the feed, at 12:30 UTC: 09:00 in St John's (UTC−03:30).
    api = app_client.get(f"/api/sessions/{uid}").json()
    assert (api["status"], api["starts_at_utc"]) == ("published", "2027-01-24T12:30:00Z")
    programme = app_client.get("/programme", params={"tz": "Asia/Kathmandu"}).text
    assert f'href="/sessions/{uid}"' in programme
    assert "09:00 in St Johns (UTC−03:30)" in programme
    event = feed_event(app_client, uid)
    assert event is not None
    assert event["DTSTART"].dt.astimezone(UTC) == datetime(2027, 1, 24, 12, 30, tzinfo=UTC)
    assert str(event["STATUS"]) == "CONFIRMED"
    first_sequence = int(event["SEQUENCE"])

    # An attendee saves it to their agenda before it moves.
    with TestClient(create_app(world.settings, clock=world.clock)) as attendee:
        page = attendee.get(f"/sessions/{uid}").text
        attendee.post(
            "/agenda/save", data={"csrf_token": csrf(page), "uid": uid}, follow_redirects=False
        )

        world.clock.advance(3600)
        edit = app_client.get(f"/organiser/sessions/{uid}/edit").text
        moved = {**form(start="10:00"), "revision": hidden(edit, "revision")}
        moved.pop("organisation")
        check = app_client.post(
            f"/organiser/sessions/{uid}/edit", data={**moved, "csrf_token": csrf(edit)}
        )
        saved = app_client.post(
            f"/organiser/sessions/{uid}/edit",
            data={**moved, "csrf_token": csrf(edit), "confirm": hidden(check.text, "confirm")},
            follow_redirects=False,
        )
        after_move = feed_event(app_client, uid)
        agenda = attendee.get("/agenda").text
        # Someone who saves it after the move saw the new time: no news for them.
        with TestClient(create_app(world.settings, clock=world.clock)) as latecomer:
            world.clock.advance(60)
            page = latecomer.get(f"/sessions/{uid}").text
            latecomer.post(
                "/agenda/save", data={"csrf_token": csrf(page), "uid": uid}, follow_redirects=False
            )
            late_agenda = latecomer.get("/agenda").text

        world.clock.advance(3600)
        unticked = step(app_client, uid, "cancel")
        cancelled = step(app_client, uid, "cancel", sure="yes")
        after_cancel = feed_event(app_client, uid)
        page = app_client.get(f"/sessions/{uid}").text

    assert saved.status_code == 303
    assert after_move is not None
    assert after_move["DTSTART"].dt.astimezone(UTC) == datetime(2027, 1, 24, 13, 30, tzinfo=UTC)
    assert int(after_move["SEQUENCE"]) == first_sequence + 1
    assert "the time changed. It was Sun 24 Jan, 09:00 in St Johns (UTC−03:30)" in agenda
    assert "it is now Sun 24 Jan, 10:00 in St Johns (UTC−03:30)" in agenda
    assert f"/sessions/{uid}" in late_agenda and "data-updated" not in late_agenda
    assert (unticked.status_code, cancelled.status_code) == (400, 303)
    assert after_cancel is not None
    assert str(after_cancel["STATUS"]) == "CANCELLED"
    assert int(after_cancel["SEQUENCE"]) == first_sequence + 2
    assert "This session will not take place" in page


def test_a_move_after_publication_shows_updated_on_the_session_page_and_in_the_lobby(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.admin)
    uid = create(app_client, form())
    assert step(app_client, uid, "publish").status_code == 303
    before = app_client.get(f"/sessions/{uid}").text

    world.clock.advance(600)
    edit = app_client.get(f"/organiser/sessions/{uid}/edit").text
    moved = {**form(start="11:15", duration="60"), "revision": hidden(edit, "revision")}
    check = app_client.post(
        f"/organiser/sessions/{uid}/edit", data={**moved, "csrf_token": csrf(edit)}
    )
    app_client.post(
        f"/organiser/sessions/{uid}/edit",
        data={**moved, "csrf_token": csrf(edit), "confirm": hidden(check.text, "confirm")},
    )
    session_page = app_client.get(f"/sessions/{uid}", params={"tz": "Europe/Paris"}).text
    lobby = app_client.get(f"/rooms/session-{uid}", params={"tz": "Europe/Paris"}).text

    assert "data-updated" not in before
    for page in (session_page, lobby):
        assert "<strong>Updated</strong>" in page
        assert "It was Sun 24 Jan, 09:00 in St Johns (UTC−03:30)" in page
        assert (
            '(<time datetime="2027-01-24T12:30:00Z">Sun 24 Jan, 13:30 Paris (UTC+01:00)</time>'
            " your time)" in (page)
        )
        assert "it is now Sun 24 Jan, 11:15 in St Johns (UTC−03:30)" in page


# -- who may do what ----------------------------------------------------------------------------


def test_an_organiser_of_b_cannot_see_or_change_a_session_of_a(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    uid = create(app_client, form())
    before = counts(world.settings)

    with TestClient(create_app(world.settings, clock=world.clock)) as other:
        sign_in_as(other, world, world.organiser_b)
        token = csrf(other.get("/organiser/sessions/new?organisation=paris-city").text)
        answers = [
            other.get(f"/organiser/sessions/{uid}").status_code,
            other.get(f"/organiser/sessions/{uid}/edit").status_code,
            other.post(
                f"/organiser/sessions/{uid}/edit",
                data={**form(title="Taken over"), "csrf_token": token},
            ).status_code,
            other.post(
                f"/organiser/sessions/{uid}/step", data={"csrf_token": token, "step": "submit"}
            ).status_code,
            other.get("/organiser/sessions/new?organisation=nl-schools").status_code,
            other.post(
                "/organiser/sessions/new", data={**form(title="In A's name"), "csrf_token": token}
            ).status_code,
        ]
        dashboard = other.get("/organiser").text

    assert answers == [403] * 6
    assert "Coding for kids" not in dashboard
    assert counts(world.settings) == before
    assert session_row(world.settings, uid).title == "Coding for kids"


def test_nobody_signed_in_is_sent_to_sign_in_and_refused_changes(
    world: World, app_client: TestClient
) -> None:
    page = app_client.get("/organiser/sessions/new?organisation=nl-schools", follow_redirects=False)
    post = app_client.post("/organiser/sessions/new", data=form(), follow_redirects=False)

    assert (page.status_code, page.headers["location"]) == (
        303,
        "/signin?next=/organiser/sessions/new%3Forganisation%3Dnl-schools",
    )
    assert post.status_code == 403
    assert counts(world.settings) == (0, 0)


def test_a_form_without_its_csrf_token_is_refused(world: World, app_client: TestClient) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    app_client.get("/organiser/sessions/new?organisation=nl-schools")

    response = app_client.post("/organiser/sessions/new", data=form(), follow_redirects=False)

    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert counts(world.settings) == (0, 0)


def test_a_trusted_organisation_publishes_itself(world: World, app_client: TestClient) -> None:
    async def trust(db: AsyncSession) -> None:
        org = await programme_store.get_organisation(db, "nl-schools")
        org.trusted = True

    with_db(world.settings, trust)
    sign_in_as(app_client, world, world.organiser_a)
    uid = create(app_client, form())
    page = app_client.get(f"/organiser/sessions/{uid}").text

    published = step(app_client, uid, "publish")

    assert 'value="submit"' not in page and 'value="publish"' in page
    assert published.status_code == 303
    assert app_client.get(f"/api/sessions/{uid}").json()["status"] == "published"


# -- what the form says -----------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"


def test_every_problem_is_shown_beside_its_field_and_nothing_is_written(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)

    response = post_new(
        app_client,
        form(
            title=HOSTILE,
            date="24/01/2027",
            duration="an hour",
            zone="Atlantis",
            languages="English",
            hosts="nobody@example.org",
            join_url="javascript:alert(1)",
            capacity="lots",
        ),
    )

    assert response.status_code == 400
    page = response.text
    assert field_error(page, "date") == (
        "“24/01/2027” is not a date: write it as year-month-day, for example 2027-01-24."
    )
    assert field_error(page, "duration") == (
        "“an hour” is not a number of minutes: give a whole number, for example 90 for an hour "
        "and a half."
    )
    assert field_error(page, "zone") == (
        "“Atlantis” is not a time zone we know. Type a city or a country, for example "
        "Kathmandu or India, and choose from the list."
    )
    assert field_error(page, "languages") == (
        "Give languages as two- or three-letter codes such as en, fr, sw."
    )
    assert field_error(page, "hosts") == (
        "Nobody@example.org is not an organiser of Newfoundland Schools: invite them first, or "
        "write their name without an email address."
    )
    assert field_error(page, "join_url") == (
        "The join link must be a web address starting with https:// (or http://)."
    )
    assert field_error(page, "capacity") == (
        "“lots” is not a whole number: give the number of places, or nothing."
    )
    # What was typed comes back, escaped.
    assert HOSTILE not in page
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert 'value="javascript:alert(1)"' in page
    assert counts(world.settings) == (0, 0)


def test_a_date_outside_the_festival_is_refused_in_the_organisers_own_zone(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)

    late = post_new(app_client, form(date="2027-01-24", start="23:30"))  # 03:00 UTC on the 25th
    after = post_new(app_client, form(date="2027-01-25", start="00:30"))

    assert late.status_code == 200
    assert "On a festival date: Sun 24 Jan 2027 in St Johns is a day of" in late.text
    assert after.status_code == 400
    assert field_error(after.text, "date") == (
        "#LearningPlanet Festival 2027 takes place on Sun 24 Jan 2027, in each organiser's own "
        "zone; this session would start on Mon 25 Jan 2027 in St Johns. Choose one of the "
        "festival's dates."
    )


def test_a_zone_found_by_city_is_taken_and_a_country_with_several_asks_which(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)

    by_city = post_new(app_client, form(zone="Kathmandu"))
    by_country = post_new(app_client, form(zone="Canada"))
    picked = post_new(app_client, form(zone="Canada", zone_pick="America/Toronto"))

    assert by_city.status_code == 200
    assert "Sun 24 Jan 2027, 09:00 in Kathmandu (UTC+05:45) = 03:15 UTC" in by_city.text
    assert by_country.status_code == 400
    assert field_error(by_country.text, "zone") == (
        "“Canada” matches several time zones: choose yours below."
    )
    assert '<input type="radio" name="zone_pick" value="America/St_Johns">' in by_country.text
    assert picked.status_code == 200
    assert "Sun 24 Jan 2027, 09:00 in Toronto (UTC−05:00) = 14:00 UTC" in picked.text


def test_conflicts_are_warnings_shown_before_saving(world: World, app_client: TestClient) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    first = create(app_client, form(title="Morning circle", stream="Main hall"))
    typed = form(title="Second circle", start="09:30", stream="main  HALL")

    preview = post_new(app_client, typed)
    # A live preview seen in the browser does not skip the look at conflicts.
    seen = app_client.get(
        "/organiser/time.json",
        params={
            "date": "2027-01-24",
            "start": "09:30",
            "duration": "90",
            "zone": ZONE,
            "edition": FLAGSHIP,
            "organisation": "nl-schools",
            "hosts": typed["hosts"],
            "stream": typed["stream"],
        },
    ).json()
    still_preview = post_new(app_client, {**typed, "seen": seen["seen"]})
    saved = post_new(app_client, {**typed, "confirm": hidden(preview.text, "confirm")})

    when = "“Morning circle” (Sun 24 Jan, 09:00 in St Johns (UTC−03:30), 1 h 30 min)"
    assert preview.status_code == 200
    assert "Possible double bookings" in preview.text
    for text in (
        f"Newfoundland Schools already has {when} at the same time.",
        f"Amina also hosts {when} at the same time.",
        f"The stream “main  HALL” is also used by {when} at the same time.",
    ):
        assert text in preview.text
        assert text in seen["conflicts"]
    assert still_preview.status_code == 200
    assert saved.status_code == 303
    assert counts(world.settings)[0] == 2
    assert first != saved.headers["location"].split("/")[3]


def test_the_live_preview_lets_a_seen_time_save_at_once(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    live = app_client.get(
        "/organiser/time.json",
        params={
            "date": "2027-01-24",
            "start": "09:00",
            "duration": "90",
            "zone": ZONE,
            "edition": FLAGSHIP,
            "organisation": "nl-schools",
        },
    ).json()

    saved = post_new(app_client, form(seen=live["seen"]))
    stale = post_new(app_client, form(start="09:15", seen=live["seen"]))

    assert live["sentence"] == (
        "Sun 24 Jan 2027, 09:00 in St Johns (UTC−03:30) = 12:30 UTC = 07:30 in New York = "
        "13:30 in Paris"
    )
    assert saved.status_code == 303
    assert stale.status_code == 200  # another time than the one seen: the preview again


def test_the_live_preview_explains_gaps_and_folds_and_hides_conflicts_from_strangers(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    create(app_client, form(title="Morning circle"))
    base = {"duration": "60", "zone": ZONE, "organisation": "nl-schools"}

    gap = app_client.get(
        "/organiser/time.json", params={**base, "date": "2027-03-14", "start": "02:30"}
    ).json()
    fold = app_client.get(
        "/organiser/time.json", params={**base, "date": "2027-11-07", "start": "01:30"}
    ).json()
    mine = app_client.get(
        "/organiser/time.json", params={**base, "date": "2027-01-24", "start": "09:00"}
    ).json()
    with TestClient(create_app(world.settings, clock=world.clock)) as stranger:
        anonymous = stranger.get(
            "/organiser/time.json", params={**base, "date": "2027-01-24", "start": "09:00"}
        ).json()
        sign_in_as(stranger, world, world.organiser_b)  # an organiser, of another organisation
        theirs = stranger.get(
            "/organiser/time.json", params={**base, "date": "2027-01-24", "start": "09:00"}
        ).json()

    assert (gap["ok"], gap["gap"]) == (False, ["01:59", "03:00"])
    assert gap["errors"]["start"].startswith("02:30 does not exist in St Johns")
    assert [o["label"] for o in fold["occurrences"]] == [
        "01:30 in St Johns (UTC−02:30) = 04:00 UTC",
        "01:30 in St Johns (UTC−03:30) = 05:00 UTC",
    ]
    assert fold["fold_for"] == f"2027-11-07T01:30 {ZONE}"
    assert len(mine["conflicts"]) == 1
    assert anonymous["ok"] is True and anonymous["conflicts"] == []
    assert theirs["ok"] is True and theirs["conflicts"] == []


def test_zone_search_finds_places_by_city_and_country(app_client: TestClient) -> None:
    kathmandu = app_client.get("/organiser/zones.json", params={"q": "Kathmandu"}).json()
    st_johns = app_client.get(
        "/organiser/zones.json", params={"q": "St John's", "date": "2027-07-01"}
    ).json()
    india = app_client.get("/organiser/zones.json", params={"q": "India"})

    assert kathmandu == {
        "zones": [
            {
                "zone": "Asia/Kathmandu",
                "label": "Kathmandu, Nepal (UTC+05:45)",
                "offset": "UTC+05:45",
            }
        ]
    }
    assert st_johns["zones"][0]["offset"] == "UTC−02:30"  # summer time on the date asked
    assert india.json()["zones"][0]["zone"] == "Asia/Kolkata"
    assert india.headers["content-type"] == "application/json; charset=utf-8"


def test_an_edit_prepared_from_an_older_revision_is_refused(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    uid = create(app_client, form())
    edit = app_client.get(f"/organiser/sessions/{uid}/edit").text
    with TestClient(create_app(world.settings, clock=world.clock)) as colleague:
        sign_in_as(colleague, world, world.second_a)
        page = colleague.get(f"/organiser/sessions/{uid}/edit").text
        theirs = {**form(title="Their title"), "revision": hidden(page, "revision")}
        check = colleague.post(
            f"/organiser/sessions/{uid}/edit", data={**theirs, "csrf_token": csrf(page)}
        )
        colleague.post(
            f"/organiser/sessions/{uid}/edit",
            data={**theirs, "csrf_token": csrf(page), "confirm": hidden(check.text, "confirm")},
        )

    mine = {**form(title="My title"), "revision": hidden(edit, "revision")}
    check = app_client.post(
        f"/organiser/sessions/{uid}/edit", data={**mine, "csrf_token": csrf(edit)}
    )
    refused = app_client.post(
        f"/organiser/sessions/{uid}/edit",
        data={**mine, "csrf_token": csrf(edit), "confirm": hidden(check.text, "confirm")},
    )

    assert refused.status_code == 409
    assert "Someone else saved this session while you were editing it." in refused.text
    assert 'value="My title"' in refused.text
    assert session_row(world.settings, uid).title == "Their title"


def test_hosts_by_email_moderate_the_room_and_the_history_says_who(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    uid = create(app_client, form(hosts="HANA@example.org\nA guest from the library"))

    async def hosted(db: AsyncSession) -> Any:
        account = await accounts_store.load_account(db, world.second_a)
        changes = await db.execute(select(SessionChange).order_by(col(SessionChange.id)))
        return account, list(changes.scalars())

    account, log = with_db(world.settings, hosted)
    row = session_row(world.settings, uid)
    page = app_client.get(f"/organiser/sessions/{uid}").text

    assert row.hosts == ["Hana", "A guest from the library"]
    assert account is not None and row.id in account.hosted_session_ids
    assert [(c.action, c.actor, c.account_id) for c in log] == [
        ("created", "amina@example.org", world.organiser_a)
    ]
    assert "created by amina@example.org (revision 1)" in page
    edit = app_client.get(f"/organiser/sessions/{uid}/edit").text
    assert "HANA@example.org" not in edit and "hana@example.org\nA guest from the library" in edit


def test_another_organisations_drafts_are_never_shown_as_conflicts(
    world: World, app_client: TestClient
) -> None:
    with TestClient(create_app(world.settings, clock=world.clock)) as paris:
        sign_in_as(paris, world, world.organiser_b)
        paris_form = {**form(title="Paris secret plan", stream="Main hall"), "zone": "Europe/Paris"}
        paris_form.update(organisation="paris-city", hosts="", start="13:30")  # 12:30 UTC
        token = csrf(paris.get("/organiser/sessions/new?organisation=paris-city").text)
        check = paris.post("/organiser/sessions/new", data={**paris_form, "csrf_token": token})
        saved = paris.post(
            "/organiser/sessions/new",
            data={**paris_form, "csrf_token": token, "confirm": hidden(check.text, "confirm")},
            follow_redirects=False,
        )
        uid = saved.headers["location"].split("/")[3].split("?")[0]
    sign_in_as(app_client, world, world.organiser_a)
    typed = form(title="Coding for kids", stream="main hall")  # 12:30 UTC too

    while_draft = post_new(app_client, typed)
    with TestClient(create_app(world.settings, clock=world.clock)) as admin:
        sign_in_as(admin, world, world.admin)
        assert step(admin, uid, "publish").status_code == 303
    once_published = post_new(app_client, typed)

    assert "Paris secret plan" not in while_draft.text
    assert "Possible double bookings" not in while_draft.text
    assert "The stream “main hall” is also used by “Paris secret plan”" in once_published.text


def test_a_host_must_be_an_organiser_of_the_sessions_own_organisation(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)

    # Bo has an account, as an organiser of Paris: not of Newfoundland Schools.
    response = post_new(app_client, form(hosts="bo@example.org"))

    assert response.status_code == 400
    assert field_error(response.text, "hosts") == (
        "Bo@example.org is not an organiser of Newfoundland Schools: invite them first, or "
        "write their name without an email address."
    )
    assert counts(world.settings) == (0, 0)


def edit(client: TestClient, uid: str, **changes: Any) -> Any:
    """Open the editor, check the change, save it (the check's answer when it was refused)."""
    page = client.get(f"/organiser/sessions/{uid}/edit").text
    data = {**form(**changes), "revision": hidden(page, "revision"), "csrf_token": csrf(page)}
    check = client.post(f"/organiser/sessions/{uid}/edit", data=data)
    if check.status_code != 200:
        return check
    return client.post(
        f"/organiser/sessions/{uid}/edit",
        data={**data, "confirm": hidden(check.text, "confirm")},
        follow_redirects=False,
    )


def audit_changes(page: str) -> list[str]:
    """The "Changes to sessions" entries of the audit log page, as read."""
    section = page.split('id="change-entries"', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li>\s*<p>(.*?)</li>\s*(?=<li>|$)", section, flags=re.S)
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item))).strip() for item in items
    ]


def test_a_submitted_session_waits_in_the_review_queue_and_every_change_is_in_the_audit_log(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    uid = create(app_client, form(title="Coding <for> kids"))
    assert edit(app_client, uid, title="Coding <for> kids", duration="60").status_code == 303
    assert step(app_client, uid, "submit").status_code == 303

    with TestClient(create_app(world.settings, clock=world.clock)) as admin:
        sign_in_as(admin, world, world.admin)
        queue = admin.get("/admin/review").text
        published = step(admin, uid, "publish")
        queue_after = admin.get("/admin/review").text
        audit = admin.get("/admin/audit").text

    assert f'<a href="/organiser/sessions/{uid}" dir="auto">Coding &lt;for&gt; kids</a>' in queue
    assert "Sessions sent for review (1)" in queue and "by amina@example.org" in queue
    # The organiser's time with its offset: 09:00 in St John's is UTC−03:30 in January.
    assert "Sun 24 Jan 2027, 09:00" in queue
    assert published.status_code == 303
    assert "Sessions sent for review (0)" in queue_after and 'id="no-submitted"' in queue_after
    changes = audit_changes(audit)
    assert [c.split(": ", 1)[1].split(" “")[0] for c in changes] == [
        "ada@example.org published",
        "amina@example.org sent for review",
        "amina@example.org edited",
        "amina@example.org created",
    ]
    assert "“Coding <for> kids” (revision 4)" in changes[0]
    assert "status: submitted → published" in changes[0]
    assert "duration_minutes: 90 → 60" in changes[2]
    assert "&lt;for&gt;" in audit and "<for>" not in audit


def test_the_review_queue_and_the_audit_log_are_refused_to_organisers(
    world: World, app_client: TestClient
) -> None:
    sign_in_as(app_client, world, world.organiser_a)
    uid = create(app_client, form(title="Private plans"))
    step(app_client, uid, "submit")

    refused = [app_client.get(path) for path in ("/admin/review", "/admin/audit")]

    assert [r.status_code for r in refused] == [403, 403]
    assert all("Private plans" not in r.text for r in refused)


def test_a_host_an_admin_added_stays_when_an_organiser_edits_and_is_no_new_grant(
    world: World, app_client: TestClient
) -> None:
    from festival.stores import organisers as organisers_store

    sign_in_as(app_client, world, world.organiser_a)
    uid = create(app_client, form(hosts="amina@example.org"))
    row = session_row(world.settings, uid)
    assert row.id is not None
    session_id = row.id
    # An admin made Bo (an organiser of Paris only) a host from the session's admin page.
    with_db(
        world.settings,
        lambda db: organisers_store.set_host_accounts(
            db, session_id, [world.organiser_a, world.organiser_b], NOW
        ),
    )
    shown = app_client.get(f"/organiser/sessions/{uid}/edit").text

    moved = edit(app_client, uid, start="10:00", hosts="amina@example.org\nbo@example.org")
    # Adding someone else from outside is still refused.
    outsider = edit(app_client, uid, start="10:00", hosts="bo@example.org\nada@example.org")

    assert "bo@example.org" in shown
    assert moved.status_code == 303
    assert session_row(world.settings, uid).local_start.hour == 10
    assert outsider.status_code == 400
    assert "Ada@example.org is not an organiser of Newfoundland Schools" in outsider.text
