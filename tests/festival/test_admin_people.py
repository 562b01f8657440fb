"""Admin page for people and roles: accounts with their organisations and hosted sessions,
making and unmaking admins (never the last one), removing a membership."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from festival.auth import Account
from festival.settings import Settings
from festival.stores import accounts as store
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import add_account
from tests.festival.admin_browser import browser, field_error
from tests.festival.programme_seed import add_edition, add_organisation, add_session, session_row


def account(settings: Settings, account_id: int) -> Account | None:
    async def load(db: AsyncSession) -> Account | None:
        return await store.load_account(db, account_id)

    return with_db(settings, load)


def test_people_page_lists_roles(settings: Settings, clock: FixedClock) -> None:
    add_edition(settings)
    org = add_organisation(settings, "kathmandu", "Asia/Kathmandu", name="Kathmandu <b>Learns</b>")
    uid = add_session(settings, "kathmandu", "Morning circle", "2027-01-24 09:00")
    admin = add_account(settings, "admin@example.org", name="Ada", is_admin=True)
    add_account(
        settings,
        "org@example.org",
        name="Oli",
        organisations=[org],
        hosted_sessions=[session_row(settings, uid).id or 0],
    )
    with browser(settings, clock, admin) as b:
        page = b.get("/admin/people")

    assert page.status_code == 200
    text = page.text
    assert text.index("admin@example.org") < text.index("org@example.org")  # admins first
    assert "Kathmandu &lt;b&gt;Learns&lt;/b&gt;</a>" in text
    assert f'<a href="/admin/sessions/{uid}" dir="auto">Morning circle</a> (host)' in text
    assert "Admin (you)" in text


def test_admin_made_and_unmade_but_never_the_last(settings: Settings, clock: FixedClock) -> None:
    admin = add_account(settings, "admin@example.org", is_admin=True)
    other = add_account(settings, "other@example.org")
    with browser(settings, clock, admin) as b:
        made = b.post(f"/admin/people/{other}/admin", {"admin": "1"})
        shown = b.get(made.headers["location"])
        unmade_self = b.post(f"/admin/people/{admin}/admin", {"admin": "0"})
    with browser(settings, clock, other) as b:
        last = b.post(f"/admin/people/{other}/admin", {"admin": "0"})
        bad = b.post(f"/admin/people/{other}/admin", {"admin": "maybe"})
        missing = b.post("/admin/people/99999/admin", {"admin": "1"})

    assert (made.status_code, made.headers["location"]) == (
        303,
        f"/admin/people?done=admin&who={other}",
    )
    assert "other@example.org is now an admin." in shown.text
    assert unmade_self.status_code == 303
    assert last.status_code == 400
    assert field_error(last.text, f"admin-{other}") == (
        "other@example.org is the only admin: make someone else an admin first, so that the "
        "site always has one."
    )
    assert bad.status_code == 400
    assert missing.status_code == 404
    assert [account(settings, i).is_admin for i in (admin, other)] == [False, True]  # type: ignore[union-attr]


def test_membership_removed(settings: Settings, clock: FixedClock) -> None:
    a = add_organisation(settings, "a", "Africa/Nairobi")
    b_org = add_organisation(settings, "b", "Africa/Lagos", country="NG")
    admin = add_account(settings, "admin@example.org", is_admin=True)
    organiser = add_account(settings, "org@example.org", organisations=[a, b_org])
    with browser(settings, clock, admin) as b:
        removed = b.post(f"/admin/people/{organiser}/organisations/{a}/remove")
        no_token = b.post(f"/admin/people/{organiser}/organisations/{b_org}/remove", csrf=False)

    assert removed.headers["location"] == f"/admin/people?done=removed&who={organiser}"
    assert no_token.status_code == 403
    assert account(settings, organiser).organisation_ids == frozenset({b_org})  # type: ignore[union-attr]


def test_people_page_refuses_organisers(settings: Settings, clock: FixedClock) -> None:
    org = add_organisation(settings, "a", "Africa/Nairobi")
    organiser = add_account(settings, "org@example.org", organisations=[org])
    with browser(settings, clock, organiser) as b:
        refused = [
            b.get("/admin/people").status_code,
            b.post(f"/admin/people/{organiser}/admin", {"admin": "1"}).status_code,
            b.post(f"/admin/people/{organiser}/organisations/{org}/remove").status_code,
        ]

    assert refused == [403, 403, 403]
    after = account(settings, organiser)
    assert after is not None and (after.is_admin, after.organisation_ids) == (
        False,
        frozenset({org}),
    )
