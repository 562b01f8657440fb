"""A signed-in attendee's agenda: the guest agenda merges into the account at sign-in (each
session once), the account's agenda follows it to another device, a rotation on one device
reaches the next sign-in on another, and signing out forgets the account's agenda in that
browser. Against the real provider, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.app import create_app
from festival.models import Agenda
from festival.routes.agenda import AGENDA_COOKIE
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival import oidc_flow
from tests.festival.accounts_seed import csrf_from
from tests.festival.oidc_flow import full_sign_in
from tests.festival.programme_seed import add_edition, add_organisation, add_session
from tests.festival.test_ws import Conn

provider = oidc_flow.provider
app_settings = oidc_flow.app_settings
real_clock = oidc_flow.real_clock
client = oidc_flow.client


def three_sessions(settings: Settings) -> list[str]:
    add_edition(settings)
    add_organisation(settings, "nairobi-learns", "Africa/Nairobi")
    return [
        add_session(settings, "nairobi-learns", title, wall, status="published")
        for title, wall in (
            ("Reading circle", "2027-01-24T10:00"),
            ("Maths games", "2027-01-24T12:00"),
            ("Debate club", "2027-01-24T15:00"),
        )
    ]


def save(client: TestClient, uid: str) -> None:
    token = csrf_from(client.get(f"/sessions/{uid}").text)
    response = client.post(
        "/agenda/save", data={"csrf_token": token, "uid": uid}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def saved_titles(client: TestClient) -> list[str]:
    page = client.get("/agenda").text
    return sorted(set(re.findall(r">(Reading circle|Maths games|Debate club)<", page)))


def agendas(settings: Settings) -> int:
    async def go(db: AsyncSession) -> int:
        return int((await db.execute(select(func.count()).select_from(Agenda))).scalar_one())

    return with_db(settings, go)


def test_oidc_guest_agenda_becomes_the_accounts(client: TestClient, app_settings: Settings) -> None:
    reading, maths, _ = three_sessions(app_settings)
    save(client, reading)
    save(client, maths)
    guest_token = client.cookies[AGENDA_COOKIE]

    full_sign_in(client, "alice")

    assert client.cookies[AGENDA_COOKIE] == guest_token
    assert saved_titles(client) == ["Maths games", "Reading circle"]
    assert agendas(app_settings) == 1


def test_oidc_agendas_merge_without_duplicates_across_devices(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    reading, maths, debate = three_sessions(app_settings)
    save(client, reading)
    save(client, maths)
    full_sign_in(client, "alice")
    laptop_token = client.cookies[AGENDA_COOKIE]

    with TestClient(create_app(app_settings, clock=real_clock)) as phone:
        save(phone, maths)
        save(phone, debate)
        full_sign_in(phone, "alice")
        phone_token = phone.cookies[AGENDA_COOKIE]
        on_phone = saved_titles(phone)

    assert phone_token == laptop_token
    assert on_phone == ["Debate club", "Maths games", "Reading circle"]
    assert saved_titles(client) == on_phone
    assert agendas(app_settings) == 1  # the phone's guest agenda merged, then deleted


def test_oidc_rotation_reaches_the_next_device(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    reading, _, _ = three_sessions(app_settings)
    save(client, reading)
    full_sign_in(client, "alice")
    token = csrf_from(client.get("/agenda").text)
    client.post("/agenda/rotate", data={"csrf_token": token}, follow_redirects=False)
    rotated = client.cookies[AGENDA_COOKIE]

    with TestClient(create_app(app_settings, clock=real_clock)) as phone:
        full_sign_in(phone, "alice")
        assert phone.cookies[AGENDA_COOKIE] == rotated
        assert saved_titles(phone) == ["Reading circle"]


def test_oidc_signout_forgets_the_accounts_agenda_here(
    client: TestClient, app_settings: Settings
) -> None:
    reading, _, _ = three_sessions(app_settings)
    save(client, reading)
    full_sign_in(client, "alice")
    token = csrf_from(client.get("/account").text)

    client.post("/signout", data={"csrf_token": token}, follow_redirects=False)

    assert AGENDA_COOKIE not in client.cookies
    assert saved_titles(client) == []
    assert agendas(app_settings) == 1  # still the account's, for its next sign-in


def test_oidc_another_accounts_agenda_is_never_merged(
    client: TestClient, app_settings: Settings
) -> None:
    reading, maths, _ = three_sessions(app_settings)
    save(client, reading)
    full_sign_in(client, "alice")
    # Alice leaves without signing out; Bob signs in on the same browser.
    full_sign_in(client, "bob")
    save(client, maths)

    assert saved_titles(client) == ["Maths games"]
    full_sign_in(client, "alice")
    assert saved_titles(client) == ["Reading circle"]


def room_name_field(client: TestClient) -> str:
    page = client.get("/rooms/lobby-learningplanet-2027").text
    match = re.search(r'<input id="name-input"[^>]*>', page)
    assert match is not None
    return match.group(0)


def test_oidc_room_name_defaults_to_the_accounts_name(
    client: TestClient, app_settings: Settings
) -> None:
    three_sessions(app_settings)
    as_guest = room_name_field(client)
    full_sign_in(client, "alice")

    assert 'value="Alice"' in room_name_field(client)
    assert "value=" not in as_guest


def test_oidc_attendee_is_one_room_identity_on_every_device(
    client: TestClient, app_settings: Settings, real_clock: FixedClock
) -> None:
    # Moderation (mute, ban) acts on the identity: one account, one identity, every device.
    three_sessions(app_settings)
    full_sign_in(client, "alice")
    room = "/ws/rooms/lobby-learningplanet-2027"
    client.get("/rooms/lobby-learningplanet-2027")
    with client.websocket_connect(room) as laptop_ws:
        laptop = Conn(laptop_ws).join("Alice")["data"]["you"]
    with TestClient(create_app(app_settings, clock=real_clock)) as phone:
        full_sign_in(phone, "alice")
        phone.get("/rooms/lobby-learningplanet-2027")
        with phone.websocket_connect(room) as phone_ws:
            on_phone = Conn(phone_ws).join("Alice")["data"]["you"]
        [(_, _, alice, _, _)] = oidc_flow.identities(app_settings)

    assert laptop["id"] == on_phone["id"] == f"u:account-{alice}"
