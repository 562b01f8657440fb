"""Admin pages for sessions: the admin preview (drafts included), the import's way there on a
fresh database, hosts and moderators, and the CSV export (parsed back with the csv module)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from festival.auth import Account
from festival.settings import Settings
from festival.stores import accounts as store
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import add_account
from tests.festival.admin_browser import browser, field_error
from tests.festival.programme_seed import add_edition, add_organisation, add_session, session_row

DATA = Path(__file__).resolve().parent.parent / "data"
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:t-1\r\n"
    b"SUMMARY:Reading circle\r\nDTSTART;TZID=America/St_Johns:20270124T090000\r\n"
    b"DURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def account(settings: Settings, account_id: int) -> Account | None:
    async def load(db: AsyncSession) -> Account | None:
        return await store.load_account(db, account_id)

    return with_db(settings, load)


def test_import_on_a_fresh_database_through_the_admin_pages(
    settings: Settings, clock: FixedClock
) -> None:
    """No edition, no organisation: the admin creates both, imports, and opens the draft."""
    admin = add_account(settings, "admin@example.org", is_admin=True)
    with browser(settings, clock, admin) as b:
        b.post(
            "/admin/editions",
            {
                "slug": "lp-2027",
                "name": "LP 2027",
                "kind": "flagship",
                "first_day": "2027-01-24",
                "last_day": "2027-01-24",
            },
        )
        b.post(
            "/admin/organisations",
            {
                "name": "St. John's Reads",
                "kind": "city",
                "country": "CA",
                "tz_name": "America/St_Johns",
            },
        )
        form = b.get("/admin/import")
        uploaded = b.client.post(
            "/admin/import",
            data={"csrf_token": b.csrf, "edition": "lp-2027", "organisation": "st-john-s-reads"},
            files={"file": ("p.ics", ICS, "text/calendar")},
            follow_redirects=False,
        )
        token = uploaded.headers["location"].rsplit("/", 1)[1]
        confirmed = b.post(f"/admin/import/{token}/confirm")
        done = b.get(f"/admin/import/{token}")
        link = re.search(r'<a href="(/admin/sessions/[^"]+)">Reading circle</a>', done.text)
        assert link is not None
        preview = b.get(link.group(1))
        public = b.get("/api/sessions/" + link.group(1).rsplit("/", 1)[1])

    assert 'id="import-needs"' not in form.text
    assert (uploaded.status_code, confirmed.status_code) == (303, 303)
    assert "/api/sessions/" not in done.text
    assert preview.status_code == 200
    assert '<h1 dir="auto">Reading circle</h1>' in preview.text
    assert "Draft" in preview.text
    assert "09:00 in St Johns (UTC−03:30)" in preview.text
    assert "Sun 24 Jan 2027, 12:30 UTC" in preview.text
    assert public.status_code == 404  # a draft is nobody's business but its organisers'


def test_session_preview_refused_to_organisers(settings: Settings, clock: FixedClock) -> None:
    add_edition(settings)
    org = add_organisation(settings, "kathmandu", "Asia/Kathmandu")
    uid = add_session(settings, "kathmandu", "Morning circle", "2027-01-24 09:00")
    organiser = add_account(settings, "org@example.org", organisations=[org])
    with browser(settings, clock, organiser) as b:
        refused = b.get(f"/admin/sessions/{uid}")
        listed = b.get("/admin/sessions")
    with browser(settings, clock) as b:
        anonymous = b.get(f"/admin/sessions/{uid}")

    assert (refused.status_code, listed.status_code) == (403, 403)
    assert anonymous.headers["location"] == f"/admin/login?next=/admin/sessions/{uid}"


def test_hosts_added_and_removed(settings: Settings, clock: FixedClock) -> None:
    add_edition(settings)
    add_organisation(settings, "kathmandu", "Asia/Kathmandu")
    uid = add_session(settings, "kathmandu", "Morning circle", "2027-01-24 09:00")
    session_id = session_row(settings, uid).id or 0
    admin = add_account(settings, "admin@example.org", is_admin=True)
    host = add_account(settings, "Host@Example.org", name="Hari")
    with browser(settings, clock, admin) as b:
        unknown = b.post(
            f"/admin/sessions/{uid}/hosts", {"email": "nobody@example.org", "role": "host"}
        )
        bad_role = b.post(
            f"/admin/sessions/{uid}/hosts", {"email": "host@example.org", "role": "king"}
        )
        added = b.post(
            f"/admin/sessions/{uid}/hosts", {"email": "host@example.org", "role": "moderator"}
        )
        shown = b.get(f"/admin/sessions/{uid}")
        hosted = account(settings, host)
        no_token = b.post(f"/admin/sessions/{uid}/hosts/{host}/remove", csrf=False)
        removed = b.post(f"/admin/sessions/{uid}/hosts/{host}/remove")

    assert unknown.status_code == 400
    assert field_error(unknown.text, "email") == (
        "There is no account for nobody@example.org. Invite them first (People and roles), "
        "then come back."
    )
    assert 'value="nobody@example.org"' in unknown.text
    assert field_error(bad_role.text, "role") == "Choose host or moderator."
    assert added.headers["location"] == f"/admin/sessions/{uid}?done=host-added#hosts"
    assert "Hari</span> &lt;Host@Example.org&gt; (moderator)" in shown.text
    assert hosted is not None and hosted.hosted_session_ids == frozenset({session_id})
    assert no_token.status_code == 403
    assert removed.status_code == 303
    assert account(settings, host).hosted_session_ids == frozenset()  # type: ignore[union-attr]


HEADER = [
    "uid", "status", "edition", "organisation", "organisation_slug", "country", "title",
    "organiser_local_start", "organiser_utc_offset", "organiser_zone", "starts_at_utc",
    "ends_at_utc", "duration_minutes", "kind", "languages", "audience", "sdgs", "hosts", "stream",
    "join_url", "capacity", "revision", "updated_at_utc", "cancelled_at_utc", "summary",
]  # fmt: skip


END_K, END_1, END_2 = "2027-01-24T04:15:00Z", "2027-11-07T05:00:00Z", "2027-11-07T06:00:00Z"


def test_csv_export_every_status_three_times_and_no_formula(
    settings: Settings, clock: FixedClock
) -> None:
    add_edition(settings)
    add_organisation(settings, "kathmandu", "Asia/Kathmandu", name="Kathmandu", country="NP")
    add_organisation(
        settings, "st-johns", "America/St_Johns", name="=cmd|' /C calc'!A0", country="CA"
    )
    k = add_session(
        settings,
        "kathmandu",
        '=HYPERLINK("http://evil")',
        "2027-01-24 09:00",
        status="published",
        summary='Café, "quoted"\r\nsecond line',
    )
    first = add_session(settings, "st-johns", "+first", "2027-11-07 01:30", fold=0)
    second = add_session(
        settings, "st-johns", "@second", "2027-11-07 01:30", fold=1, status="cancelled"
    )
    admin = add_account(settings, "admin@example.org", is_admin=True)
    with browser(settings, clock, admin) as b:
        response = b.get("/admin/sessions.csv")
        one_edition = b.get("/admin/sessions.csv?edition=learningplanet-2027")
        unknown = b.get("/admin/sessions.csv?edition=nope")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    assert response.headers["content-disposition"] == (
        'attachment; filename="sessions-all-20270124-1200.csv"'
    )
    assert response.headers["cache-control"] == "private, no-store"
    body = response.content.decode("utf-8")  # UTF-8, no byte-order mark
    assert body.startswith("uid,status,") and body.endswith("\r\n")
    # RFC 4180: every line ends with CRLF (4 records, and the line break inside a summary).
    assert body.count("\n") == body.count("\r\n") == 5
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[0] == HEADER
    table = [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]
    assert [(r["uid"], r["status"], r["title"]) for r in table] == [
        (k, "published", '\'=HYPERLINK("http://evil")'),
        (first, "draft", "'+first"),
        (second, "cancelled", "'@second"),
    ]
    assert [
        (r["organiser_local_start"], r["organiser_utc_offset"], r["organiser_zone"],
         r["starts_at_utc"], r["ends_at_utc"])
        for r in table
    ] == [
        ("2027-01-24 09:00", "UTC+05:45", "Asia/Kathmandu", "2027-01-24T03:15:00Z", END_K),
        ("2027-11-07 01:30", "UTC-02:30", "America/St_Johns", "2027-11-07T04:00:00Z", END_1),
        ("2027-11-07 01:30", "UTC-03:30", "America/St_Johns", "2027-11-07T05:00:00Z", END_2),
    ]  # fmt: skip
    assert table[0]["summary"] == 'Café, "quoted"\r\nsecond line'
    assert table[1]["organisation"] == "'=cmd|' /C calc'!A0"
    assert (table[0]["edition"], table[0]["languages"], table[0]["duration_minutes"]) == (
        "learningplanet-2027",
        "en",
        "60",
    )
    assert table[2]["cancelled_at_utc"] == "2026-12-01T09:00:00Z"
    assert one_edition.content == response.content
    assert unknown.status_code == 404


def test_csv_export_refused_to_organisers(settings: Settings, clock: FixedClock) -> None:
    organiser = add_account(settings, "org@example.org")
    with browser(settings, clock, organiser) as b:
        refused = b.get("/admin/sessions.csv")

    assert refused.status_code == 403
    assert "uid,status" not in refused.text
