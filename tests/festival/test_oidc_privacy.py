"""A signed-in person's own data: the JSON download (account, identities, roles, agenda, what
they said in the rooms) and deleting the account (agenda gone, room events kept but said by
"deleted user", nothing deleted without the confirmation, never the last admin). Through the
real provider's sign-in, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.models import Agenda
from festival.models.accounts import Account as AccountRow
from festival.models.identities import Identity
from festival.models.rooms import RoomEvent
from festival.routes.agenda import AGENDA_COOKIE
from festival.settings import Settings
from tests.dbtools import with_db
from tests.festival import oidc_flow
from tests.festival.accounts_seed import add_account, csrf_from, sign_in
from tests.festival.oidc_flow import count, full_sign_in, identities
from tests.festival.test_oidc_agenda import save, three_sessions

provider = oidc_flow.provider
app_settings = oidc_flow.app_settings
real_clock = oidc_flow.real_clock
client = oidc_flow.client


def add_chat(settings: Settings, actor: str, name: str, text: str, seq: int) -> None:
    async def go(db: AsyncSession) -> None:
        db.add(
            RoomEvent(
                room="lobby",
                seq=seq,
                kind="chat.message",
                actor=actor,
                visibility="public",
                data={"author": {"id": actor, "name": name}, "text": text},
                at_utc=datetime.fromisoformat("2027-01-24T10:00:00+00:00"),
            )
        )

    with_db(settings, go)


def chat(settings: Settings) -> list[tuple[str, str, str]]:
    async def go(db: AsyncSession) -> list[tuple[str, str, str]]:
        rows = (await db.execute(select(RoomEvent).order_by(RoomEvent.seq))).scalars().all()  # type: ignore[arg-type]
        return [(r.actor, r.data["author"]["name"], r.data["text"]) for r in rows]

    return with_db(settings, go)


def test_oidc_data_download(client: TestClient, app_settings: Settings, provider: object) -> None:
    reading, _, _ = three_sessions(app_settings)
    save(client, reading)
    full_sign_in(client, "alice")
    [(_, _, alice, _, _)] = identities(app_settings)
    add_chat(app_settings, f"u:account-{alice}", "Alice", "Hello from Alice", 1)
    add_chat(app_settings, "g:someone-else", "Bo", "Hello Alice", 2)

    response = client.get("/account/data")

    data = response.json()
    assert response.headers["content-disposition"] == (
        'attachment; filename="festival-account.json"'
    )
    assert data["account"]["name"] == "Alice"
    assert [(i["subject"], i["email"]) for i in data["identities"]] == [
        ("alice", "alice@example.org")
    ]
    assert [item["title"] for item in data["agenda"]] == ["Reading circle"]
    assert [e["data"]["text"] for e in data["room_activity"]] == ["Hello from Alice"]


def test_oidc_data_download_needs_a_sign_in(client: TestClient) -> None:
    response = client.get("/account/data", follow_redirects=False)

    assert (response.status_code, response.headers["location"]) == (
        303,
        "/signin?next=/account/data",
    )


def test_oidc_account_deletion(client: TestClient, app_settings: Settings) -> None:
    reading, _, _ = three_sessions(app_settings)
    save(client, reading)
    full_sign_in(client, "alice")
    [(_, _, alice, _, _)] = identities(app_settings)
    add_chat(app_settings, f"u:account-{alice}", "Alice", "Hello from Alice", 1)
    add_chat(app_settings, "g:someone-else", "Bo", "Hello Alice", 2)
    token = csrf_from(client.get("/account/delete").text)

    done = client.post(
        "/account/delete", data={"csrf_token": token, "confirm": "delete"}, follow_redirects=False
    )

    assert (done.status_code, done.headers["location"]) == (303, "/signin?done=deleted")
    assert (count(app_settings, AccountRow), count(app_settings, Identity)) == (0, 0)
    assert count(app_settings, Agenda) == 0
    [(actor, name, text), bo] = chat(app_settings)
    assert (name, text) == ("deleted user", "Hello from Alice")
    assert re.fullmatch(r"u:deleted-[0-9a-f]{16}", actor) is not None
    assert bo == ("g:someone-else", "Bo", "Hello Alice")
    assert AGENDA_COOKIE not in client.cookies
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_oidc_account_deletion_needs_the_confirmation(
    client: TestClient, app_settings: Settings
) -> None:
    full_sign_in(client, "alice")
    token = csrf_from(client.get("/account/delete").text)

    refused = client.post("/account/delete", data={"csrf_token": token, "confirm": "yes"})

    assert refused.status_code == 400
    assert "Type the word delete to confirm: nothing was deleted." in refused.text
    assert 'value="yes"' in refused.text
    assert count(app_settings, AccountRow) == 1


def test_oidc_account_deletion_needs_the_csrf_token(
    client: TestClient, app_settings: Settings
) -> None:
    full_sign_in(client, "alice")

    refused = client.post("/account/delete", data={"confirm": "delete"})

    assert refused.status_code == 403
    assert count(app_settings, AccountRow) == 1


def test_oidc_last_admin_cannot_delete_the_account(
    client: TestClient, app_settings: Settings
) -> None:
    add_account(app_settings, "root@example.org", name="Root", is_admin=True)
    assert sign_in(client, "root@example.org").status_code == 303
    token = csrf_from(client.get("/account/delete").text)

    refused = client.post("/account/delete", data={"csrf_token": token, "confirm": "delete"})

    assert refused.status_code == 400
    assert "last admin" in refused.text
    assert count(app_settings, AccountRow) == 1
