"""The personal agenda: no account, an unguessable token, rotation, CSRF on every form."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.models import Agenda
from festival.routes.agenda import AGENDA_COOKIE
from festival.settings import Settings
from festival.stores import agenda as agenda_store
from festival.stores import programme as store
from scheduling.vocabulary import SessionStatus
from tests.dbtools import with_db
from tests.js.icaljs import IcalJs, icalendar_instants, icaljs_instants, require_icaljs

EDITION = "learningplanet-2027"


def published_uids(settings: Settings, count: int) -> list[str]:
    async def load(db: AsyncSession) -> list[str]:
        slots = await store.list_slots(db, await store.get_edition(db, EDITION))
        return [s.uid for s in slots[:count]]

    return with_db(settings, load)


def draft_uid(settings: Settings) -> str:
    async def load(db: AsyncSession) -> str:
        slots = await store.list_slots(db, statuses=(SessionStatus.DRAFT.value,))
        return slots[0].uid

    return with_db(settings, load)


def csrf(client: TestClient, uid: str) -> str:
    """The CSRF token from the session page's "save to my agenda" form."""
    page = client.get(f"/sessions/{uid}").text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def save(client: TestClient, uid: str) -> None:
    response = client.post(
        "/agenda/save",
        data={"csrf_token": csrf(client, uid), "uid": uid, "next": f"/sessions/{uid}"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def feed_url(client: TestClient) -> str:
    match = re.search(r'value="http://testserver(/agenda/[^"]+\.ics)"', client.get("/agenda").text)
    assert match is not None
    return match.group(1)


@pytest.fixture(scope="session")
def icaljs(tmp_path_factory: pytest.TempPathFactory) -> IcalJs:
    return require_icaljs(tmp_path_factory.mktemp("icaljs"))


def test_saving_a_session_creates_an_agenda_kept_in_a_cookie(
    demo_client: TestClient, demo_settings: Settings
) -> None:
    (uid,) = published_uids(demo_settings, 1)
    save(demo_client, uid)
    token = demo_client.cookies[AGENDA_COOKIE]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    page = demo_client.get("/agenda")
    assert uid in page.text and "webcal://testserver/agenda/" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"


def test_only_a_digest_of_the_token_is_stored(
    demo_client: TestClient, demo_settings: Settings
) -> None:
    (uid,) = published_uids(demo_settings, 1)
    save(demo_client, uid)
    token = demo_client.cookies[AGENDA_COOKIE]

    async def digests(db: AsyncSession) -> list[str]:
        return list((await db.execute(select(Agenda.token_sha256))).scalars())  # type: ignore[call-overload]

    assert with_db(demo_settings, digests) == [agenda_store.token_digest(token)]


def test_agenda_feed_holds_the_saved_sessions_in_both_parsers(
    demo_client: TestClient, demo_settings: Settings, icaljs: IcalJs
) -> None:
    uids = published_uids(demo_settings, 3)
    for uid in uids:
        save(demo_client, uid)
    save(demo_client, uids[0])  # saving twice keeps one copy
    response = demo_client.get(feed_url(demo_client))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"].startswith("private")
    assert "content-disposition" not in response.headers
    expected = {f"{u}@testserver" for u in uids}
    assert set(icaljs_instants(icaljs(response.content))) == expected
    assert set(icalendar_instants(response.content)) == expected
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "My #LearningPlanet agenda"


def test_removing_a_session_changes_the_feed_and_its_etag(
    demo_client: TestClient, demo_settings: Settings
) -> None:
    first, second = published_uids(demo_settings, 2)
    save(demo_client, first)
    save(demo_client, second)
    url = feed_url(demo_client)
    before = demo_client.get(url)
    response = demo_client.post(
        "/agenda/remove",
        data={"csrf_token": csrf(demo_client, first), "uid": first},
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = demo_client.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert [str(e["UID"]) for e in Calendar.from_ical(after.content).walk("VEVENT")] == [
        f"{second}@testserver"
    ]


def test_rotating_the_token_retires_the_old_address_with_a_plain_404(
    demo_client: TestClient, demo_settings: Settings
) -> None:
    (uid,) = published_uids(demo_settings, 1)
    save(demo_client, uid)
    old = feed_url(demo_client)
    assert demo_client.get(old).status_code == 200
    response = demo_client.post(
        "/agenda/rotate", data={"csrf_token": csrf(demo_client, uid)}, follow_redirects=False
    )
    assert response.status_code == 303
    new = feed_url(demo_client)
    assert new != old
    assert demo_client.get(new).status_code == 200
    gone = demo_client.get(old)
    never = demo_client.get("/agenda/" + "A" * 43 + ".ics")
    assert gone.status_code == never.status_code == 404
    assert gone.content == never.content  # says nothing about whether it ever existed
    assert uid not in gone.text


def test_post_without_a_valid_csrf_token_is_refused(
    demo_client: TestClient, demo_settings: Settings
) -> None:
    (uid,) = published_uids(demo_settings, 1)
    csrf(demo_client, uid)  # the session has a token; the forms below do not carry it
    for data in ({"uid": uid}, {"uid": uid, "csrf_token": "forged"}):
        response = demo_client.post("/agenda/save", data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "auth.csrf" in response.text
    assert AGENDA_COOKIE not in demo_client.cookies
    assert demo_client.post("/agenda/rotate", data={}).status_code == 403


def test_a_draft_cannot_be_saved(demo_client: TestClient, demo_settings: Settings) -> None:
    (uid,) = published_uids(demo_settings, 1)
    response = demo_client.post(
        "/agenda/save",
        data={"csrf_token": csrf(demo_client, uid), "uid": draft_uid(demo_settings)},
        follow_redirects=False,
    )
    assert response.status_code == 404


def test_another_browser_does_not_see_the_agenda(
    demo_client: TestClient, demo_settings: Settings
) -> None:
    (uid,) = published_uids(demo_settings, 1)
    save(demo_client, uid)
    demo_client.cookies.clear()
    page = demo_client.get("/agenda").text
    assert uid not in page
    assert "Browse the programme" in page


def test_agenda_download_is_an_attachment(demo_client: TestClient, demo_settings: Settings) -> None:
    (uid,) = published_uids(demo_settings, 1)
    save(demo_client, uid)
    response = demo_client.get(feed_url(demo_client) + "?download=1")
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="my-agenda.ics"'
    )


@pytest.mark.parametrize(
    ("back", "landing"),
    [
        ("/programme?kind=workshop#s-{uid}", "/programme?kind=workshop#s-{uid}"),
        ("https://elsewhere.example/programme", "/agenda?saved={uid}#s-{uid}"),
        ("//elsewhere.example/programme", "/agenda?saved={uid}#s-{uid}"),
    ],
)
def test_the_programme_star_saves_and_goes_back_to_the_card_never_off_site(
    demo_client: TestClient, demo_settings: Settings, back: str, landing: str
) -> None:
    (uid,) = published_uids(demo_settings, 1)
    response = demo_client.post(
        "/agenda/save",
        data={"csrf_token": csrf(demo_client, uid), "uid": uid, "back": back.format(uid=uid)},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == landing.format(uid=uid)


def test_the_programme_shows_which_sessions_are_saved(
    demo_client: TestClient, demo_settings: Settings
) -> None:
    saved_uid, other_uid = published_uids(demo_settings, 2)
    save(demo_client, saved_uid)

    page = demo_client.get("/programme").text

    def star(uid: str) -> str:
        match = re.search(rf'id="s-{uid}".*?<button type="submit" class="star"[^>]*>', page, re.S)
        assert match is not None
        return match.group(0)

    assert 'action="/agenda/remove"' in star(saved_uid)
    assert 'aria-pressed="true"' in star(saved_uid)
    assert 'action="/agenda/save"' in star(other_uid)
    assert 'aria-pressed="false"' in star(other_uid)
