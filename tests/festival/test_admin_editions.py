"""Admin pages for editions: create, change, refuse what cannot be saved (beside its field,
keeping what was typed, saving nothing), and the import's way out of a fresh database."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival import sessions
from festival.models import Edition, Organisation
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import add_account
from tests.festival.admin_browser import browser

GOOD = {
    "slug": "learningplanet-2028",
    "name": "#LearningPlanet Festival 2028",
    "kind": "flagship",
    "first_day": "2028-01-24",
    "last_day": "2028-01-24",
    "description": "The day of learning.",
}


def editions(settings: Settings) -> list[tuple[str, str, str, date, date, str]]:
    async def load(db: AsyncSession) -> list[tuple[str, str, str, date, date, str]]:
        result = await db.execute(select(Edition).order_by(col(Edition.slug)))
        return [
            (e.slug, e.name, e.kind, e.first_day, e.last_day, e.description)
            for e in result.scalars()
        ]

    return with_db(settings, load)


@pytest.fixture
def admin_id(settings: Settings) -> int:
    return add_account(settings, "admin@example.org", name="Ada Admin", is_admin=True)


def test_fresh_database_import_page_points_to_creating_an_edition(
    settings: Settings, clock: FixedClock, admin_id: int
) -> None:
    with browser(settings, clock, admin_id) as b:
        page = b.get("/admin/import")

    assert page.status_code == 200
    assert 'id="import-needs"' in page.text
    assert '<a href="/admin/editions/new">create the edition</a>' in page.text
    assert '<a href="/admin/organisations/new">create the organisation</a>' in page.text


def test_edition_created_by_an_admin(settings: Settings, clock: FixedClock, admin_id: int) -> None:
    with browser(settings, clock, admin_id) as b:
        created = b.post("/admin/editions", GOOD)
        listed = b.get("/admin/editions")
        form = b.get("/admin/editions/learningplanet-2028")

    assert (created.status_code, created.headers["location"]) == (
        303,
        "/admin/editions?saved=learningplanet-2028",
    )
    assert editions(settings) == [
        (
            "learningplanet-2028",
            "#LearningPlanet Festival 2028",
            "flagship",
            date(2028, 1, 24),
            date(2028, 1, 24),
            "The day of learning.",
        )
    ]
    assert '<a href="/admin/editions/learningplanet-2028" dir="auto">' in listed.text
    # The local-day rule, as the tz database puts it: midnight in Kiritimati to midnight in
    # Pago Pago, 2028-01-23 10:00 UTC to 2028-01-25 11:00 UTC.
    assert "2028-01-23 10:00 UTC</time> to" in listed.text
    assert "2028-01-25 11:00 UTC</time>" in listed.text
    assert listed.headers["cache-control"] == "private, no-store"
    assert 'value="#LearningPlanet Festival 2028"' in form.text


#: One change to a good form, the field it makes wrong, and what is said beside that field.
REFUSALS: list[tuple[dict[str, str], str, str]] = [
    ({"name": ""}, "name", "Give the edition a name."),
    ({"name": "x" * 201}, "name", "The name is longer than 200 characters."),
    ({"slug": "Learning Planet"}, "slug", "Use lower-case letters, digits and single"),
    ({"slug": "new"}, "slug", "“new” is kept for the admin pages"),
    ({"slug": ""}, "slug", "Give a short name for web addresses."),
    ({"kind": "party"}, "kind", "Choose the kind of edition."),
    ({"first_day": "24/01/2028"}, "first_day", "Give the first day as a date"),
    ({"last_day": "2028-02-30"}, "last_day", "Give the last day as a date"),
    ({"last_day": "2028-01-23"}, "last_day", "The last day cannot be before the first day."),
    ({"last_day": "2029-01-24"}, "last_day", "An edition lasts at most 366 days."),
]


def test_edition_refused_beside_its_field_keeping_what_was_typed(
    settings: Settings, clock: FixedClock, admin_id: int
) -> None:
    with browser(settings, clock, admin_id) as b:
        refused = [
            b.post("/admin/editions", {**GOOD, "description": "Kept <as typed>", **changes})
            for changes, _, _ in REFUSALS
        ]

    for response, (_, field, message) in zip(refused, REFUSALS, strict=True):
        assert response.status_code == 400, field
        assert f'<p class="field-error" id="{field}-error">{message}' in response.text
        assert f'aria-invalid="true" aria-describedby="{field}' in response.text
        assert "Kept &lt;as typed&gt;</textarea>" in response.text
    assert editions(settings) == []


def test_edition_slug_taken_is_refused(
    settings: Settings, clock: FixedClock, admin_id: int
) -> None:
    with browser(settings, clock, admin_id) as b:
        assert b.post("/admin/editions", GOOD).status_code == 303
        again = b.post("/admin/editions", {**GOOD, "name": "Another"})

    assert again.status_code == 400
    assert "There is already an edition at /learningplanet-2028." in again.text
    assert [e[1] for e in editions(settings)] == ["#LearningPlanet Festival 2028"]


def test_edition_changed_keeps_its_slug(
    settings: Settings, clock: FixedClock, admin_id: int
) -> None:
    with browser(settings, clock, admin_id) as b:
        b.post("/admin/editions", GOOD)
        changed = b.post(
            "/admin/editions/learningplanet-2028",
            {
                **GOOD,
                "slug": "renamed",
                "name": "Festival 2028",
                "kind": "celebration",
                "last_day": "2028-01-26",
            },
        )

    assert changed.status_code == 303
    assert editions(settings) == [
        (
            "learningplanet-2028",
            "Festival 2028",
            "celebration",
            date(2028, 1, 24),
            date(2028, 1, 26),
            "The day of learning.",
        )
    ]


def add_session_on(settings: Settings, edition_slug: str, wall: str, zone: str) -> None:
    """A session of the edition at ``wall`` in ``zone`` (through the session rules)."""

    async def add(db: AsyncSession) -> None:
        edition = (
            await db.execute(select(Edition).where(col(Edition.slug) == edition_slug))
        ).scalar_one()
        org = Organisation(slug="apia", name="Apia", country="WS", tz_name=zone)
        db.add(org)
        await db.flush()
        data = sessions.SessionInput(
            title="Dawn in Apia",
            local_start=datetime.fromisoformat(wall),
            tz_name=zone,
            duration_minutes=60,
        )
        await sessions.create_session(db, edition, org, data, FixedClock(NOW))

    with_db(settings, add)


NOW = datetime.fromisoformat("2027-12-01T00:00:00+00:00")


def test_edition_dates_that_would_strand_a_session_are_refused(
    settings: Settings, clock: FixedClock, admin_id: int
) -> None:
    with browser(settings, clock, admin_id) as b:
        b.post("/admin/editions", {**GOOD, "last_day": "2028-01-25"})
        # 25 January at 07:00 in Apia: still the 24th in UTC, but the organiser's local day
        # is the 25th, so the edition cannot end on the 24th.
        add_session_on(settings, "learningplanet-2028", "2028-01-25 07:00", "Pacific/Apia")
        refused = b.post("/admin/editions/learningplanet-2028", {**GOOD, "last_day": "2028-01-24"})
        widened = b.post("/admin/editions/learningplanet-2028", {**GOOD, "last_day": "2028-01-26"})

    assert refused.status_code == 400
    assert (
        '<p class="field-error" id="first_day-error">1 of this edition’s sessions would fall '
        "outside these dates (“Dawn in Apia”)" in refused.text.replace("&#39;", "’")
    )
    assert widened.status_code == 303
    assert editions(settings)[0][4] == date(2028, 1, 26)


def test_edition_pages_refuse_organisers_and_forms_without_csrf(
    settings: Settings, clock: FixedClock, admin_id: int
) -> None:
    organiser = add_account(settings, "organiser@example.org")
    with browser(settings, clock, organiser) as b:
        pages = [b.get("/admin/editions").status_code, b.get("/admin/editions/new").status_code]
        posted = b.post("/admin/editions", GOOD).status_code
    with browser(settings, clock, admin_id) as b:
        no_token = b.post("/admin/editions", GOOD, csrf=False)
    with browser(settings, clock) as b:
        anonymous = b.get("/admin/editions/new")
        anonymous_post = b.post("/admin/editions", GOOD).status_code

    assert (pages, posted) == ([403, 403], 403)
    assert (no_token.status_code, "auth.csrf" in no_token.text) == (403, True)
    assert (anonymous.status_code, anonymous.headers["location"]) == (
        303,
        "/admin/login?next=/admin/editions/new",
    )
    assert anonymous_post == 403
    assert editions(settings) == []
