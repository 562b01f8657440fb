"""Room moderation follows the roles: a session's host moderates its room and no other;
organisers moderate their organisation's rooms; admins every room (test_ws.py covers the
ADMIN_PASSWORD admin). Decided when the WebSocket opens, from the signed-in account."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from http.cookiejar import Cookie

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.app import create_app
from festival.models import Organisation
from festival.settings import Settings
from festival.stores import programme
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import add_account, sign_in
from tests.festival.rooms_seed import LATER_ROOM, LATER_UID, LIVE_ROOM, LIVE_UID, LOBBY, seed_rooms
from tests.festival.test_ws import Conn


@pytest.fixture
def rooms(settings: Settings) -> dict[str, int]:
    """The rooms seed, a host of the live session, organisers of its and another organisation."""
    asyncio.run(seed_rooms(settings.database_url))

    async def ids(db: AsyncSession) -> dict[str, int]:
        live = await programme.get_session_row(db, LIVE_UID)
        later = await programme.get_session_row(db, LATER_UID)
        other = Organisation(slug="other", name="Other", country="FR", tz_name="Europe/Paris")
        db.add(other)
        await db.flush()
        assert live.id and later.id and other.id
        return {"live": live.id, "later": later.id, "org": live.organisation_id, "other": other.id}

    found = with_db(settings, ids)
    add_account(settings, "host@example.org", name="Hana", hosted_sessions=[found["live"]])
    add_account(settings, "org@example.org", organisations=[found["org"]])
    add_account(settings, "other@example.org", organisations=[found["other"]])
    add_account(settings, "admin@example.org", is_admin=True)
    return found


@pytest.fixture
def client(settings: Settings, rooms: dict[str, int], clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


def jar(client: TestClient) -> list[Cookie]:
    return list(client.cookies.jar)


def use(client: TestClient, cookies: list[Cookie]) -> TestClient:
    client.cookies.clear()
    for cookie in cookies:
        client.cookies.jar.set_cookie(cookie)
    return client


def moderator_in(client: TestClient, room: str) -> bool:
    with client.websocket_connect(f"/ws/rooms/{room}") as ws:
        you: bool = Conn(ws).join("Someone")["data"]["you"]["moderator"]
        return you


def test_host_hides_a_message_in_their_room_and_is_refused_in_another(
    client: TestClient,
) -> None:
    client.get(f"/rooms/{LIVE_ROOM}")
    guest = jar(client)
    client.cookies.clear()
    assert sign_in(client, "host@example.org").status_code == 303
    client.get(f"/rooms/{LIVE_ROOM}")
    host = jar(client)

    with (
        use(client, guest).websocket_connect(f"/ws/rooms/{LIVE_ROOM}") as wg,
        use(client, host).websocket_connect(f"/ws/rooms/{LIVE_ROOM}") as wh,
    ):
        guest_conn, host_conn = Conn(wg), Conn(wh)
        guest_conn.join("Troll")
        host_you = host_conn.join("Hana")["data"]["you"]
        guest_conn.send("chat.send", "t", text="rude")
        rude = guest_conn.reply("t")["data"]["seq"]
        host_conn.send("chat.delete", "d", id=rude)
        hidden = host_conn.reply("d")
        deleted = guest_conn.until(lambda f: f["type"] == "chat.deleted")[-1]

    with (
        use(client, guest).websocket_connect(f"/ws/rooms/{LATER_ROOM}") as wg,
        use(client, host).websocket_connect(f"/ws/rooms/{LATER_ROOM}") as wh,
    ):
        guest_conn, host_conn = Conn(wg), Conn(wh)
        guest_conn.join("Troll")
        elsewhere = host_conn.join("Hana")["data"]["you"]
        guest_conn.send("chat.send", "t", text="rude again")
        seq = guest_conn.reply("t")["data"]["seq"]
        host_conn.send("chat.delete", "d", id=seq)
        not_yours = host_conn.reply("d")
        host_conn.send("room.end", "e")
        forbidden = host_conn.reply("e")

    # One person, one identity: the same account everywhere, moderator only in its room.
    assert host_you["moderator"] is True and host_you["id"].startswith("u:account-")
    assert hidden["type"] == "ok"
    assert deleted["data"] == {"id": rude, "by": "moderator"}
    assert elsewhere["moderator"] is False and elsewhere["id"] == host_you["id"]
    assert not_yours["data"]["code"] == "chat.not_yours"
    assert forbidden["data"]["code"] == "auth.forbidden"


@pytest.mark.parametrize(
    ("email", "live", "later", "lobby"),
    [
        (None, False, False, False),
        ("host@example.org", True, False, False),
        ("org@example.org", True, True, False),
        ("other@example.org", False, False, False),
        ("admin@example.org", True, True, True),
    ],
)
def test_moderator_rights_follow_the_roles(
    client: TestClient, email: str | None, live: bool, later: bool, lobby: bool
) -> None:
    if email is not None:
        assert sign_in(client, email).status_code == 303

    rights = [moderator_in(client, room) for room in (LIVE_ROOM, LATER_ROOM, LOBBY)]
    page = client.get(f"/rooms/{LIVE_ROOM}").text

    assert rights == [live, later, lobby]
    assert ('data-moderator="true"' in page) is live
