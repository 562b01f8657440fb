"""Accounts and roles: the rules of who may do what, the store, `festival createadmin`, and the
server-side sign-in sessions (revocation, expiry, the retirement of ADMIN_PASSWORD)."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival import auth, cli
from festival.app import create_app
from festival.auth import Account, RoomOwner, passwords
from festival.settings import Settings
from festival.stores import accounts as store
from festival.stores import programme
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import PASSWORD, add_account
from tests.festival.rooms_seed import LATER_UID, LIVE_UID, LOBBY, seed_rooms
from tests.festival.test_import import sign_in as sign_in_with_admin_password

NOW = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
ADMIN_PASSWORD = "the shared first-sign-in password"

# -- the rules (pure) -------------------------------------------------------------------------

ADMIN = Account(1, "admin@example.org", "Ada", is_admin=True)
ORGANISER_A = Account(2, "a@example.org", "Amina", is_admin=False, organisation_ids=frozenset({10}))
ORGANISER_B = Account(3, "b@example.org", "Bo", is_admin=False, organisation_ids=frozenset({20}))
HOST = Account(4, "h@example.org", "Hana", is_admin=False, hosted_session_ids=frozenset({100}))
NOBODY = Account(5, "n@example.org", "Nour", is_admin=False)
ROOM_A = RoomOwner(session_id=100, organisation_id=10)  # a session of A, hosted by HOST
ROOM_B = RoomOwner(session_id=200, organisation_id=20)  # a session of B
LOBBY_ROOM = RoomOwner()


class Owned:
    organisation_id = 10


@pytest.mark.parametrize(
    ("account", "expected"),
    [(None, False), (ADMIN, True), (ORGANISER_A, True), (ORGANISER_B, False), (HOST, False)],
)
def test_rules_manage_session_admins_and_its_organisers(
    account: Account | None, expected: bool
) -> None:
    assert auth.can_manage_session(account, 10) is expected
    assert auth.can_manage_session(account, Owned()) is expected


@pytest.mark.parametrize(
    ("account", "room_a", "room_b", "lobby"),
    [
        (None, False, False, False),
        (ADMIN, True, True, True),
        (ORGANISER_A, True, False, False),
        (ORGANISER_B, False, True, False),
        (HOST, True, False, False),
        (NOBODY, False, False, False),
    ],
)
def test_rules_moderate_room_admins_everywhere_hosts_and_organisers_in_their_rooms(
    account: Account | None, room_a: bool, room_b: bool, lobby: bool
) -> None:
    assert [auth.can_moderate_room(account, r) for r in (ROOM_A, ROOM_B, LOBBY_ROOM)] == [
        room_a,
        room_b,
        lobby,
    ]


def test_rules_membership_is_not_admin_rights() -> None:
    assert auth.is_member(ORGANISER_A, 10) and not auth.is_member(ADMIN, 10)
    assert not auth.is_member(None, 10)
    assert auth.can_manage_organisation(ADMIN, 10) and not auth.can_manage_organisation(HOST, 10)


# -- passwords --------------------------------------------------------------------------------


def test_passwords_argon2id_verify_and_refuse() -> None:
    stored = passwords.hash_password_sync(PASSWORD)

    assert stored.startswith("$argon2id$")
    assert asyncio.run(passwords.verify_password(stored, PASSWORD)) is True
    assert asyncio.run(passwords.verify_password(stored, PASSWORD + "x")) is False
    assert asyncio.run(passwords.verify_password(None, PASSWORD)) is False
    assert asyncio.run(passwords.verify_password("not a hash", PASSWORD)) is False
    assert passwords.needs_rehash(stored) is False


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Choose a password of at least 10 characters."),
        ("x" * 1025, "Choose a password of at most 1024 characters."),
        ("Ana@Example.org", "Choose a password that is not your email address."),
    ],
)
def test_passwords_new_password_rules(password: str, message: str) -> None:
    with pytest.raises(passwords.WeakPasswordError) as refused:
        passwords.check_new_password(password, email="ana@example.org")
    assert (refused.value.message, refused.value.code) == (message, "auth.password_weak")


# -- the store --------------------------------------------------------------------------------


def test_store_email_is_unique_whatever_its_case(settings: Settings) -> None:
    first = add_account(settings, "Ana@Example.org", name="Ana")

    with pytest.raises(store.EmailTakenError) as taken:
        add_account(settings, "  ana@example.ORG ")

    async def find(db: AsyncSession) -> tuple[int | None, str, str] | None:
        row = await store.find_account_row(db, "ANA@example.org")
        return None if row is None else (row.id, row.email, row.email_key)

    assert taken.value.code == "auth.email_taken"
    assert with_db(settings, find) == (first, "Ana@Example.org", "ana@example.org")


@pytest.mark.parametrize("email", ["", "ana", "ana@", "@example.org", "ana@example", "a b@x.org"])
def test_store_refuses_what_is_not_an_email_address(email: str) -> None:
    with pytest.raises(store.InvalidEmailError):
        store.check_email(email)


def session_ids(settings: Settings) -> tuple[int, int, int]:
    """(live session id, later session id, their organisation id) of the rooms seed."""

    async def load(db: AsyncSession) -> tuple[int, int, int]:
        live = await programme.get_session_row(db, LIVE_UID)
        later = await programme.get_session_row(db, LATER_UID)
        assert live.id is not None and later.id is not None
        return live.id, later.id, live.organisation_id

    return with_db(settings, load)


def test_store_loads_an_account_with_its_roles(settings: Settings) -> None:
    asyncio.run(seed_rooms(settings.database_url))
    live, later, org = session_ids(settings)
    account_id = add_account(
        settings, "host@example.org", name="Hana", organisations=[org], hosted_sessions=[live]
    )

    async def load(db: AsyncSession) -> Account | None:
        await store.add_membership(db, account_id, org, NOW)  # twice: no duplicate
        await store.add_session_host(db, account_id, later, NOW)
        await store.remove_session_host(db, account_id, later)
        return await store.load_account(db, account_id)

    assert with_db(settings, load) == Account(
        id=account_id,
        email="host@example.org",
        name="Hana",
        is_admin=False,
        language="en",
        organisation_ids=frozenset({org}),
        hosted_session_ids=frozenset({live}),
    )


def test_store_room_owner_names_the_session_and_its_organisation(settings: Settings) -> None:
    asyncio.run(seed_rooms(settings.database_url))
    live, _later, org = session_ids(settings)

    async def owners(db: AsyncSession) -> list[RoomOwner]:
        rooms = [f"session-{LIVE_UID}", LOBBY, "session-no-such-session", "nonsense"]
        return [await store.room_owner(db, room) for room in rooms]

    assert with_db(settings, owners) == [
        RoomOwner(session_id=live, organisation_id=org),
        RoomOwner(),
        RoomOwner(),
        RoomOwner(),
    ]


# -- festival createadmin ---------------------------------------------------------------------


def createadmin(monkeypatch: pytest.MonkeyPatch, database_url: str, stdin: str, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret")
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["createadmin", *args])


def test_createadmin_makes_an_admin_account(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status = createadmin(
        monkeypatch,
        settings.database_url,
        PASSWORD + "\n",
        "--email",
        "Root@Example.org",
        "--name",
        "Rita",
        "--password-stdin",
    )

    async def load(db: AsyncSession) -> tuple[Account | None, bool]:
        row = await store.find_account_row(db, "root@example.org")
        assert row is not None and row.id is not None
        ok = await passwords.verify_password(row.password_hash, PASSWORD)
        return await store.load_account(db, row.id), ok

    account, password_ok = with_db(settings, load)
    assert status == 0
    assert capsys.readouterr().out == (
        "admin account created for Root@Example.org: sign in at http://127.0.0.1:8000/signin\n"
    )
    assert account is not None and password_ok
    assert (account.email, account.name, account.is_admin) == ("Root@Example.org", "Rita", True)


def test_createadmin_refuses_a_taken_address_and_a_short_password(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_account(settings, "root@example.org")
    url = settings.database_url

    taken = createadmin(
        monkeypatch, url, PASSWORD, "--email", "ROOT@example.org", "--password-stdin"
    )
    short = createadmin(
        monkeypatch, url, "short\n", "--email", "new@example.org", "--password-stdin"
    )
    bad = createadmin(monkeypatch, url, PASSWORD, "--email", "not-an-address", "--password-stdin")

    assert (taken, short, bad) == (1, 2, 2)
    assert capsys.readouterr().err == (
        "festival createadmin: There is already an account for ROOT@example.org. Nothing created.\n"
        "festival createadmin: Choose a password of at least 10 characters.\n"
        "festival createadmin: Give an email address such as name@example.org.\n"
    )
    assert with_db(settings, store.count_accounts) == 1


# -- sign-in sessions: ADMIN_PASSWORD, revocation, expiry --------------------------------------


@pytest.fixture
def bootstrap_settings(settings: Settings) -> Settings:
    return settings.with_(admin_password=ADMIN_PASSWORD)


def test_signin_cookie_copied_before_sign_out_is_refused(
    bootstrap_settings: Settings, clock: FixedClock
) -> None:
    with TestClient(create_app(bootstrap_settings, clock=clock)) as client:
        assert sign_in_with_admin_password(client, ADMIN_PASSWORD) == 303
        copied = client.cookies[auth.SESSION_COOKIE]
        assert client.get("/admin", follow_redirects=False).status_code == 200
        token = client.get("/admin").text.split('name="csrf_token" value="')[1].split('"')[0]
        signed_out = client.post(
            "/admin/logout", data={"csrf_token": token}, follow_redirects=False
        )

    with TestClient(create_app(bootstrap_settings, clock=clock)) as thief:
        thief.cookies[auth.SESSION_COOKIE] = copied
        reused = thief.get("/admin", follow_redirects=False)

    assert signed_out.status_code == 303
    assert (reused.status_code, reused.headers["location"]) == (303, "/admin/login?next=/admin")


def test_signin_ends_after_its_maximum_age(bootstrap_settings: Settings, clock: FixedClock) -> None:
    with TestClient(create_app(bootstrap_settings, clock=clock)) as client:
        assert sign_in_with_admin_password(client, ADMIN_PASSWORD) == 303
        clock.advance(auth.SESSION_MAX_AGE - 60)
        still = client.get("/admin", follow_redirects=False).status_code
        clock.advance(60)
        ended = client.get("/admin", follow_redirects=False).status_code

    assert (still, ended) == (200, 303)


def test_admin_password_is_retired_once_an_admin_account_exists(
    bootstrap_settings: Settings, clock: FixedClock
) -> None:
    with TestClient(create_app(bootstrap_settings, clock=clock)) as client:
        assert sign_in_with_admin_password(client, ADMIN_PASSWORD) == 303
        assert client.get("/admin", follow_redirects=False).status_code == 200
        token = client.get("/admin").text.split('name="csrf_token" value="')[1].split('"')[0]

        add_account(bootstrap_settings, "root@example.org", is_admin=True)
        # The ADMIN_PASSWORD sign-in made before counts no more, and the password opens nothing.
        after = client.get("/admin", follow_redirects=False)
        login_page = client.get("/admin/login?next=/admin/import", follow_redirects=False)
        retry = client.post(
            "/admin/login",
            data={"csrf_token": token, "password": ADMIN_PASSWORD, "next": "/admin"},
            follow_redirects=False,
        )

    assert (after.status_code, after.headers["location"]) == (303, "/admin/login?next=/admin")
    assert (login_page.status_code, login_page.headers["location"]) == (
        303,
        "/signin?next=/admin/import",
    )
    assert retry.status_code == 403
    assert "ADMIN_PASSWORD no longer signs in on this site" in retry.text


def test_an_organiser_is_refused_the_admin_pages(
    bootstrap_settings: Settings, clock: FixedClock
) -> None:
    # An organiser's sign-in, made through the store (the /signin page has its own tests).
    account_id = add_account(bootstrap_settings, "org@example.org")
    with TestClient(create_app(bootstrap_settings, clock=clock)) as client:
        sid = with_db(
            bootstrap_settings, lambda db: store.start_signin(db, account_id, clock.now())
        )
        set_signin_id(client, bootstrap_settings, sid)
        refused = client.get("/admin", follow_redirects=False)

    assert refused.status_code == 403
    assert "This page is for festival admins." in refused.text


def set_signin_id(client: TestClient, settings: Settings, sid: str) -> None:
    """Put a sign-in id into the client's signed cookie session (as signing in would)."""
    import base64
    import json

    import itsdangerous

    signer = itsdangerous.TimestampSigner(settings.secret_key)
    data = base64.b64encode(json.dumps({"sid": sid}).encode())
    client.cookies[auth.SESSION_COOKIE] = signer.sign(data).decode()
