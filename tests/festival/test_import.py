""".ics import: preview first, then all or nothing; from the admin pages and the command line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival import auth, cli, importer, sessions
from festival.app import create_app
from festival.models import CalendarImport, FestivalSession
from festival.settings import Settings
from festival.stores import programme as store
from scheduling import ics_import
from scheduling.clock import FixedClock
from tests.dbtools import with_db

EDITION = "learningplanet-2027"
ORG_SLUG = "nairobi-learning-city"
PASSWORD = "correct horse battery staple"
NOW = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)


def ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e}\r\nEND:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{body}END:VCALENDAR\r\n".encode()


GOOD_EVENTS = (
    "UID:talk-1\r\nSUMMARY:Reading with the Little Prince\r\n"
    "DTSTART;TZID=Africa/Nairobi:20270124T100000\r\nDTEND;TZID=Africa/Nairobi:20270124T110000",
    "UID:talk-2\r\nSUMMARY:Outlook session\r\n"
    "DTSTART;TZID=E. Africa Standard Time:20270124T140000\r\nDURATION:PT90M",
    "UID:talk-3\r\nSUMMARY:Floating workshop\r\nDTSTART:20270124T160000\r\nCATEGORIES:workshop",
    "UID:weekly\r\nSUMMARY:Weekly club\r\nDTSTART:20270124T170000\r\nRRULE:FREQ=WEEKLY",
    "UID:allday\r\nSUMMARY:Festival day\r\nDTSTART;VALUE=DATE:20270124",
)
GOOD = ics(*GOOD_EVENTS)


def add_organisation(settings: Settings) -> None:
    """An organisation in Nairobi (the demo's organisations are its own business)."""
    from festival.models import Organisation

    async def add(db: AsyncSession) -> None:
        db.add(
            Organisation(
                slug=ORG_SLUG,
                name="Nairobi Learning City",
                kind="city",
                country="KE",
                tz_name="Africa/Nairobi",
            )
        )

    with_db(settings, add)


def session_titles(settings: Settings) -> dict[str, str]:
    """uid -> title of every session of the test organisation."""

    async def load(db: AsyncSession) -> dict[str, str]:
        org = await store.get_organisation(db, ORG_SLUG)
        result = await db.execute(
            select(FestivalSession).where(FestivalSession.organisation_id == org.id)  # type: ignore[arg-type]
        )
        return {row.uid: row.title for row in result.scalars()}

    return with_db(settings, load)


@pytest.fixture
def admin_settings(demo_settings: Settings) -> Settings:
    add_organisation(demo_settings)
    return demo_settings.with_(admin_password=PASSWORD)


@pytest.fixture
def admin_client(admin_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(admin_settings, clock=clock)) as client:
        yield client


def token_from(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def sign_in(client: TestClient, password: str = PASSWORD) -> int:
    token = token_from(client.get("/admin/login").text)
    response = client.post(
        "/admin/login",
        data={"csrf_token": token, "password": password, "next": "/admin"},
        follow_redirects=False,
    )
    return response.status_code


def upload(client: TestClient, data: bytes, filename: str = "programme.ics") -> object:
    token = token_from(client.get("/admin/import").text)
    return client.post(
        "/admin/import",
        data={"csrf_token": token, "edition": EDITION, "organisation": ORG_SLUG, "language": "sw"},
        files={"file": (filename, data, "text/calendar")},
        follow_redirects=False,
    )


# -- the database side ------------------------------------------------------------------------


def test_preview_saves_nothing_and_apply_saves_drafts(admin_settings: Settings) -> None:
    async def preview_only(db: AsyncSession) -> importer.ImportPreview:
        edition = await store.get_edition(db, EDITION)
        org = await store.get_organisation(db, ORG_SLUG)
        return await importer.preview_import(db, GOOD, edition, org, "sw")

    preview = with_db(admin_settings, preview_only)
    assert [p.source_uid for _, p in preview.sessions] == ["talk-1", "talk-2", "talk-3"]
    assert [(s.source_uid, s.code) for s in preview.skipped] == [
        ("weekly", ics_import.RECURRING),
        ("allday", ics_import.ALL_DAY),
    ]
    assert session_titles(admin_settings) == {}

    async def apply(db: AsyncSession) -> list[str]:
        fresh = await preview_only(db)
        return await importer.apply_import(db, fresh, NOW)

    created = with_db(admin_settings, apply)
    assert session_titles(admin_settings) == {
        created[0]: "Reading with the Little Prince",
        created[1]: "Outlook session",
        created[2]: "Floating workshop",
    }

    async def rows(db: AsyncSession) -> list[tuple[str, str, str, datetime]]:
        result = await db.execute(
            select(FestivalSession).where(FestivalSession.uid.in_(created))  # type: ignore[attr-defined]
        )
        return sorted(
            (r.status, r.tz_name, r.languages[0], r.starts_at_utc) for r in result.scalars()
        )

    assert with_db(admin_settings, rows) == [
        ("draft", "Africa/Nairobi", "sw", datetime(2027, 1, 24, 7, 0, tzinfo=UTC)),
        ("draft", "Africa/Nairobi", "sw", datetime(2027, 1, 24, 11, 0, tzinfo=UTC)),
        ("draft", "Africa/Nairobi", "sw", datetime(2027, 1, 24, 13, 0, tzinfo=UTC)),
    ]
    again = with_db(admin_settings, preview_only)
    assert again.sessions == ()
    assert {s.code for s in again.skipped} >= {ics_import.ALREADY_IMPORTED}


def test_import_is_all_or_nothing(admin_settings: Settings) -> None:
    async def fail_half_way(db: AsyncSession) -> None:
        edition = await store.get_edition(db, EDITION)
        org = await store.get_organisation(db, ORG_SLUG)
        preview = await importer.preview_import(db, GOOD, edition, org)
        # Someone else takes the uid of the third session between preview and save.
        third_uid = preview.sessions[2][0]
        await sessions.create_session(
            db,
            edition,
            org,
            sessions.SessionInput(
                title="Taken",
                local_start=datetime.fromisoformat("2027-01-24 08:00"),
                tz_name="Africa/Nairobi",
                duration_minutes=30,
            ),
            FixedClock(NOW),
            uid=third_uid,
        )
        await db.commit()
        await importer.apply_import(db, preview, NOW)

    with pytest.raises(IntegrityError):
        with_db(admin_settings, fail_half_way)
    assert sorted(session_titles(admin_settings).values()) == ["Taken"]


# -- admin sign-in ----------------------------------------------------------------------------


def test_admin_pages_need_a_signed_in_admin(admin_client: TestClient) -> None:
    response = admin_client.get("/admin/import", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/admin/login?next=/admin/import",
    )
    assert admin_client.post("/admin/import", data={}).status_code == 403
    assert sign_in(admin_client, "wrong password") == 403
    assert admin_client.get("/admin", follow_redirects=False).status_code == 303
    assert sign_in(admin_client) == 303
    assert admin_client.get("/admin").status_code == 200


def test_sign_in_form_needs_its_csrf_token(admin_client: TestClient) -> None:
    admin_client.get("/admin/login")
    response = admin_client.post("/admin/login", data={"password": PASSWORD})
    assert response.status_code == 403
    assert admin_client.get("/admin", follow_redirects=False).status_code == 303


def test_without_admin_password_nobody_is_admin(demo_client: TestClient) -> None:
    page = demo_client.get("/admin/login").text
    assert "Admin sign-in is off on this site" in page
    assert 'name="password"' not in page
    assert demo_client.get("/admin", follow_redirects=False).status_code == 303


def test_changing_the_admin_password_signs_admins_out(
    admin_settings: Settings, clock: FixedClock
) -> None:
    with TestClient(create_app(admin_settings, clock=clock)) as client:
        assert sign_in(client) == 303
        cookie = client.cookies[auth.SESSION_COOKIE]
    changed = admin_settings.with_(admin_password="another password")
    with TestClient(create_app(changed, clock=clock)) as client:
        client.cookies[auth.SESSION_COOKIE] = cookie
        assert client.get("/admin", follow_redirects=False).status_code == 303


def test_safe_next_never_leaves_the_site() -> None:
    assert auth.safe_next("/admin/import") == "/admin/import"
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "admin"):
        assert auth.safe_next(bad) == "/"


# -- the upload, preview and confirmation pages -----------------------------------------------


def test_cli_import_counts_one_event_in_the_singular(
    admin_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "one.ics"
    path.write_bytes(ics(GOOD_EVENTS[0]))
    monkeypatch.setenv("DATABASE_URL", admin_settings.database_url)
    args = ["import-ics", str(path), "--organisation", ORG_SLUG, "--edition", EDITION]

    assert cli.main([*args, "--dry-run"]) == 0
    assert "\n1 event in the file: 1 to import as drafts" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("events", "counted"),
    [
        (1, ["(1 of 1 event)", "Create this 1 draft session<", "1 draft session was created."]),
        (
            2,
            ["(2 of 2 events)", "Create these 2 draft sessions<", "2 draft sessions were created."],
        ),
    ],
)
def test_import_pages_count_in_the_singular_and_the_plural(
    admin_client: TestClient, events: int, counted: list[str]
) -> None:
    assert sign_in(admin_client) == 303
    preview_url = upload(admin_client, ics(*GOOD_EVENTS[:events])).headers["location"]  # type: ignore[attr-defined]
    page = admin_client.get(preview_url).text
    admin_client.post(preview_url + "/confirm", data={"csrf_token": token_from(page)})
    done = admin_client.get(preview_url).text
    listed = admin_client.get("/admin").text

    assert counted[0] in page and counted[1] in page
    assert counted[2] in done
    noun = "session" if events == 1 else "sessions"
    assert f"imported: {events} {noun}<" in listed


def test_upload_preview_confirm_creates_drafts(
    admin_client: TestClient, admin_settings: Settings
) -> None:
    assert sign_in(admin_client) == 303
    response = upload(admin_client, GOOD)
    assert response.status_code == 303  # type: ignore[attr-defined]
    preview_url = response.headers["location"]  # type: ignore[attr-defined]
    page = admin_client.get(preview_url).text
    assert "Will be created (3 of 5 events)" in page
    assert "recurring event" in page and "all-day event" in page
    assert "Windows zone &#39;E. Africa Standard Time&#39; read as Africa/Nairobi" in page
    assert session_titles(admin_settings) == {}  # nothing saved by the preview
    confirm = admin_client.post(
        preview_url + "/confirm", data={"csrf_token": token_from(page)}, follow_redirects=False
    )
    assert confirm.status_code == 303
    assert sorted(session_titles(admin_settings).values()) == [
        "Floating workshop",
        "Outlook session",
        "Reading with the Little Prince",
    ]
    done = admin_client.get(preview_url).text
    assert "Imported: 3 draft sessions were created." in done
    repeat = admin_client.post(
        preview_url + "/confirm", data={"csrf_token": token_from(page)}, follow_redirects=False
    )
    assert repeat.status_code == 303
    assert len(session_titles(admin_settings)) == 3


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n", "import.malformed"),
        (
            "BEGIN:VCALENDAR\r\nSUMMARY:Caf\xe9\r\nEND:VCALENDAR\r\n".encode("latin-1"),
            "import.encoding",
        ),
        (b"BEGIN:VCALENDAR\r\n" + b"X:" + b"y" * (3 * 1024 * 1024) + b"\r\n", "import.too_large"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "import.empty"),
    ],
    ids=["malformed", "encoding", "too-large", "empty"],
)
def test_bad_files_are_refused_with_a_clear_error_and_nothing_stored(
    admin_client: TestClient, admin_settings: Settings, data: bytes, code: str
) -> None:
    assert sign_in(admin_client) == 303
    response = upload(admin_client, data)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert f"<code>{code}</code>" in response.text  # type: ignore[attr-defined]
    assert "Nothing was imported." in response.text  # type: ignore[attr-defined]

    async def pending(db: AsyncSession) -> int:
        return len(list((await db.execute(select(CalendarImport))).scalars()))

    assert with_db(admin_settings, pending) == 0
    assert session_titles(admin_settings) == {}


def test_upload_without_csrf_token_is_refused(admin_client: TestClient) -> None:
    assert sign_in(admin_client) == 303
    response = admin_client.post(
        "/admin/import",
        data={"edition": EDITION, "organisation": ORG_SLUG},
        files={"file": ("p.ics", GOOD, "text/calendar")},
    )
    assert response.status_code == 403


#: Times no Python date holds (years 1 to 9999), seen from Nairobi (UTC+3), and one good event.
OUT_OF_RANGE = ics(
    "UID:end-of-time\r\nSUMMARY:End of time\r\nDTSTART:99991231T235959Z\r\nDURATION:PT1H",
    "UID:start-of-time\r\nSUMMARY:Start of time\r\n"
    "DTSTART;TZID=Africa/Nairobi:00010101T000000\r\nDURATION:PT1H",
    "UID:forever\r\nSUMMARY:Forever\r\nDTSTART:20270124T100000Z\r\nDURATION:P100000000W",
    "UID:fine\r\nSUMMARY:A fine session\r\nDTSTART:20270124T100000Z\r\nDURATION:PT1H",
)


def test_out_of_range_times_are_left_out_with_their_reason(
    admin_client: TestClient, admin_settings: Settings
) -> None:
    assert sign_in(admin_client) == 303
    response = upload(admin_client, OUT_OF_RANGE)
    assert response.status_code == 303  # type: ignore[attr-defined]
    preview_url = response.headers["location"]  # type: ignore[attr-defined]
    page = admin_client.get(preview_url)

    assert page.status_code == 200
    assert "Will be created (1 of 4 events)" in page.text
    assert page.text.count("<code>out_of_range</code>") == 3
    assert "beyond the years 1 to 9999" in page.text
    confirm = admin_client.post(
        preview_url + "/confirm", data={"csrf_token": token_from(page.text)}, follow_redirects=False
    )
    assert confirm.status_code == 303
    assert list(session_titles(admin_settings).values()) == ["A fine session"]


def test_concurrent_confirms_import_once_and_tell_the_others(
    admin_client: TestClient, admin_settings: Settings
) -> None:
    assert sign_in(admin_client) == 303
    preview_url = upload(admin_client, GOOD).headers["location"]  # type: ignore[attr-defined]
    token = token_from(admin_client.get(preview_url).text)

    def confirm() -> Any:
        return admin_client.post(
            preview_url + "/confirm", data={"csrf_token": token}, follow_redirects=False
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda _: confirm(), range(4)))

    assert [r.status_code for r in responses] == [303] * 4
    locations = sorted(r.headers["location"] for r in responses)
    assert locations == [preview_url] + [preview_url + "?already=1"] * 3
    assert len(session_titles(admin_settings)) == 3
    told = admin_client.get(preview_url + "?already=1").text
    assert "This import had already been confirmed: nothing more was saved." in told
    assert "Imported: 3 draft sessions were created." in told


# -- the command line -------------------------------------------------------------------------


def test_cli_import_previews_with_dry_run_then_imports_with_progress(
    admin_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "programme.ics"
    many = [
        f"UID:e{i}\r\nSUMMARY:Session {i}\r\nDTSTART:20270124T{8 + i % 10:02d}0000\r\n"
        "DURATION:PT30M"
        for i in range(250)
    ]
    path.write_bytes(ics(*many))
    monkeypatch.setenv("DATABASE_URL", admin_settings.database_url)
    args = ["import-ics", str(path), "--organisation", ORG_SLUG, "--edition", EDITION]
    assert cli.main([*args, "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "250 events in the file: 250 to import as drafts" in dry
    assert "  read 100/250 events" in dry and "  read 250/250 events" in dry
    assert "dry run: nothing was saved" in dry
    assert session_titles(admin_settings) == {}
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "  saved 200/250 sessions" in out and "imported 250 draft sessions" in out
    assert len(session_titles(admin_settings)) == 250


def test_cli_import_reports_a_bad_file_and_imports_nothing(
    admin_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "bad.ics"
    path.write_bytes("BEGIN:VCALENDAR\r\nX:é\r\n".encode("latin-1"))
    monkeypatch.setenv("DATABASE_URL", admin_settings.database_url)
    assert (
        cli.main(["import-ics", str(path), "--organisation", ORG_SLUG, "--edition", EDITION]) == 1
    )
    err = capsys.readouterr().err
    assert "nothing imported" in err and "(import.encoding)" in err


def test_cli_import_leaves_out_of_range_times_out_with_their_reason(
    admin_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "times.ics"
    path.write_bytes(OUT_OF_RANGE)
    monkeypatch.setenv("DATABASE_URL", admin_settings.database_url)
    args = ["import-ics", str(path), "--organisation", ORG_SLUG, "--edition", EDITION]

    status = cli.main(args)

    out = capsys.readouterr().out
    assert "4 events in the file: 1 to import as drafts" in out
    for number, title in [(1, "End of time"), (2, "Start of time"), (3, "Forever")]:
        assert f"  - #{number} {title}: its start, end or duration reaches beyond" in out
    assert out.count("(out_of_range)") == 3
    assert "imported 1 draft session\n" in out
    assert list(session_titles(admin_settings).values()) == ["A fine session"]
    assert status == importer.IMPORTED_SOME  # some events left out
