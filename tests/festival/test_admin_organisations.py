"""Admin pages for organisations: create (a slug made from the name), change, refusals beside
their field keeping what was typed, and names that are not markup."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.models import Organisation
from festival.organisations import slug_base
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import add_account
from tests.festival.admin_browser import browser, field_error

GOOD = {
    "name": "Ville de Montréal",
    "kind": "city",
    "country": "CA",
    "tz_name": "America/Toronto",
    "website": "https://montreal.ca/",
    "description": "Learning city.",
}
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def organisations(settings: Settings) -> list[tuple[str, str, str, str, str, str, str]]:
    async def load(db: AsyncSession) -> list[tuple[str, str, str, str, str, str, str]]:
        result = await db.execute(select(Organisation).order_by(col(Organisation.slug)))
        return [
            (o.slug, o.name, o.kind, o.country, o.tz_name, o.website, o.description)
            for o in result.scalars()
        ]

    return with_db(settings, load)


@pytest.fixture
def admin_id(settings: Settings) -> int:
    return add_account(settings, "admin@example.org", is_admin=True)


def test_slug_base_from_names() -> None:
    assert [
        slug_base(name)
        for name in ["Ville de Montréal", "  São Paulo -- Escolas!", "東京学習都市", "New"]
    ] == ["ville-de-montreal", "sao-paulo-escolas", "organisation", "new"]


def test_organisation_created_then_another_of_the_same_name(
    settings: Settings, clock: FixedClock, admin_id: int
) -> None:
    with browser(settings, clock, admin_id) as b:
        first = b.post("/admin/organisations", GOOD)
        second = b.post("/admin/organisations", {**GOOD, "tz_name": "America/Montreal"})
        new = b.post("/admin/organisations", {**GOOD, "name": "New"})
        listed = b.get("/admin/organisations")

    assert [r.headers["location"] for r in (first, second, new)] == [
        "/admin/organisations?saved=ville-de-montreal",
        "/admin/organisations?saved=ville-de-montreal-2",
        "/admin/organisations?saved=new-2",  # /admin/organisations/new is the form
    ]
    # America/Montreal is an alias: stored as its canonical zone.
    assert organisations(settings) == [
        ("new-2", "New", "city", "CA", "America/Toronto", "https://montreal.ca/", "Learning city."),
        *[
            (
                slug,
                "Ville de Montréal",
                "city",
                "CA",
                "America/Toronto",
                "https://montreal.ca/",
                "Learning city.",
            )
            for slug in ("ville-de-montreal", "ville-de-montreal-2")
        ],
    ]
    assert '<a href="/admin/organisations/ville-de-montreal-2" dir="auto">' in listed.text


REFUSALS: list[tuple[dict[str, str], str, str]] = [
    ({"name": " "}, "name", "Give the organisation's name."),
    ({"kind": "company"}, "kind", "Choose what kind of organisation it is."),
    ({"country": "XX"}, "country", "Choose the country from the list."),
    ({"tz_name": ""}, "tz_name", "Choose a time zone from the list."),
    ({"tz_name": "Mars/Olympus"}, "tz_name", "'Mars/Olympus' is not a usable time zone"),
    ({"tz_name": "Etc/GMT+5"}, "tz_name", "fixed offsets are not accepted"),
    ({"website": "javascript:alert(1)"}, "website", "Give a web address starting with https://"),
    ({"description": "x" * 5001}, "description", "The description is longer than 5000"),
]


def test_organisation_refused_beside_its_field_keeping_what_was_typed(
    settings: Settings, clock: FixedClock, admin_id: int
) -> None:
    with browser(settings, clock, admin_id) as b:
        refused = [
            b.post("/admin/organisations", {**GOOD, **changes}) for changes, _, _ in REFUSALS
        ]

    for response, (_, field, message) in zip(refused, REFUSALS, strict=True):
        assert response.status_code == 400, field
        assert message in (field_error(response.text, field) or ""), field
        if field != "name":
            assert 'value="Ville de Montréal"' in response.text  # what was typed stays
    assert organisations(settings) == []


def test_organisation_changed_keeps_its_slug_and_names_are_text(
    settings: Settings, clock: FixedClock, admin_id: int
) -> None:
    with browser(settings, clock, admin_id) as b:
        b.post("/admin/organisations", GOOD)
        changed = b.post(
            "/admin/organisations/ville-de-montreal",
            {**GOOD, "name": XSS, "kind": "association", "tz_name": "America/Vancouver"},
        )
        listed = b.get("/admin/organisations")
        form = b.get("/admin/organisations/ville-de-montreal")

    assert changed.status_code == 303
    assert organisations(settings)[0][:5] == (
        "ville-de-montreal",
        XSS,
        "association",
        "CA",
        "America/Vancouver",
    )
    for page in (listed.text, form.text):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert (
            "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
            in (page)
        )


def test_organisation_pages_refuse_organisers_and_forms_without_csrf(
    settings: Settings, clock: FixedClock, admin_id: int
) -> None:
    organiser = add_account(settings, "organiser@example.org")
    with browser(settings, clock, admin_id) as b:
        b.post("/admin/organisations", GOOD)
        no_token = b.post(
            "/admin/organisations/ville-de-montreal", {**GOOD, "name": "X"}, csrf=False
        )
    with browser(settings, clock, organiser) as b:
        refused = [
            b.get("/admin/organisations").status_code,
            b.get("/admin/organisations/ville-de-montreal").status_code,
            b.post("/admin/organisations", GOOD).status_code,
            b.post("/admin/organisations/ville-de-montreal", {**GOOD, "name": "X"}).status_code,
        ]

    assert no_token.status_code == 403
    assert refused == [403, 403, 403, 403]
    assert [o[1] for o in organisations(settings)] == ["Ville de Montréal"]


def trusted(settings: Settings) -> dict[str, bool]:
    async def load(db: AsyncSession) -> dict[str, bool]:
        return {o.slug: o.trusted for o in (await db.execute(select(Organisation))).scalars()}

    return with_db(settings, load)


def test_organisation_trusted_flag(settings: Settings, clock: FixedClock, admin_id: int) -> None:
    form = {"name": "Lagos Learns", "kind": "city", "country": "NG", "tz_name": "Africa/Lagos"}
    with browser(settings, clock, admin_id) as b:
        b.post("/admin/organisations", {**form, "trusted": "1"})
        made = trusted(settings)
        page = b.get("/admin/organisations/lagos-learns")
        listed = b.get("/admin/organisations")
        b.post("/admin/organisations/lagos-learns", form)

    assert made == {"lagos-learns": True}
    assert 'name="trusted" value="1" checked' in page.text
    assert "<td>itself (trusted)</td>" in listed.text
    assert trusted(settings) == {"lagos-learns": False}
