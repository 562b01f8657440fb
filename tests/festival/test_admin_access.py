"""Every admin route, read from the route table, refuses whoever is not an admin, and every form
they take refuses a missing CSRF token, before anything is read or written."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import Route

from festival import routes
from festival.models import Edition, FestivalSession, Organisation
from festival.models.accounts import Account, Membership, SessionHost
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import add_account
from tests.festival.admin_browser import browser
from tests.festival.programme_seed import add_edition, add_organisation, add_session

#: Modules whose every route is admin-only (the sign-in pages are not: signin.py).
ADMIN_MODULE = re.compile(r"festival\.routes\.admin(_[a-z]+)?$")


def admin_routes(settings: Settings) -> Iterator[tuple[str, str, object]]:
    """(method, path template, endpoint) of every route of the admin modules."""
    for route in routes.table(settings):
        if isinstance(route, Route) and ADMIN_MODULE.match(route.endpoint.__module__):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield method, route.path, route.endpoint


def concrete(path: str, values: dict[str, str]) -> str:
    """The path with each ``{param}`` filled in (``{slug}`` by the section it is in)."""
    section = path.split("/")[2] if path.count("/") > 1 else ""
    return re.sub(
        r"\{(\w+)\}", lambda m: values.get(f"{section}.{m[1]}", values.get(m[1], "x")), path
    )


def counts(settings: Settings) -> tuple[int, ...]:
    async def load(db: AsyncSession) -> tuple[int, ...]:
        tables = (Edition, Organisation, FestivalSession, Account, Membership, SessionHost)
        found = [
            int((await db.execute(select(func.count()).select_from(t))).scalar_one())
            for t in tables
        ]
        return tuple(found)

    return with_db(settings, load)


@pytest.fixture
def arranged(settings: Settings) -> tuple[dict[str, str], int, int]:
    add_edition(settings)
    org = add_organisation(settings, "kathmandu", "Asia/Kathmandu")
    uid = add_session(settings, "kathmandu", "Morning circle", "2027-01-24 09:00")
    admin = add_account(settings, "admin@example.org", is_admin=True)
    organiser = add_account(settings, "org@example.org", organisations=[org])
    values = {
        "editions.slug": "learningplanet-2027",
        "organisations.slug": "kathmandu",
        "uid": uid,
        "account_id": str(organiser),
        "organisation_id": str(org),
        "token": "no-such-import",
    }
    return values, admin, organiser


def test_every_admin_route_is_wrapped_in_the_admin_guard(settings: Settings) -> None:
    found = list(admin_routes(settings))

    assert {path for _, path, _ in found} >= {
        "/admin",
        "/admin/editions",
        "/admin/editions/{slug}",
        "/admin/organisations/{slug}",
        "/admin/people",
        "/admin/sessions.csv",
        "/admin/sessions/{uid}/hosts",
        "/admin/tz-check",
        "/admin/import/{token}/confirm",
    }
    assert [path for _, path, endpoint in found if not hasattr(endpoint, "__wrapped__")] == []


def test_admin_routes_refuse_organisers_and_nobody(
    settings: Settings, clock: FixedClock, arranged: tuple[dict[str, str], int, int]
) -> None:
    values, _, organiser = arranged
    before = counts(settings)
    answers: dict[tuple[str, str], tuple[int, int, str]] = {}
    with browser(settings, clock, organiser) as as_organiser:
        with browser(settings, clock) as as_nobody:
            for method, template, _ in admin_routes(settings):
                path = concrete(template, values)
                if method == "GET":
                    a, b = as_organiser.get(path), as_nobody.get(path)
                    answers[method, template] = (
                        a.status_code,
                        b.status_code,
                        b.headers.get("location", ""),
                    )
                else:
                    a = as_organiser.post(path, {"admin": "1", "email": "x@example.org"})
                    b = as_nobody.post(path, {"admin": "1"})
                    answers[method, template] = (a.status_code, b.status_code, "")

    assert {
        key: answer
        for key, answer in answers.items()
        if answer
        != (
            (403, 303, f"/admin/login?next={concrete(key[1], values)}")
            if key[0] == "GET"
            else (403, 403, "")
        )
    } == {}
    assert counts(settings) == before


def test_admin_forms_refuse_a_missing_csrf_token(
    settings: Settings, clock: FixedClock, arranged: tuple[dict[str, str], int, int]
) -> None:
    values, admin, _ = arranged
    before = counts(settings)
    with browser(settings, clock, admin) as b:
        refused = {
            template: b.post(concrete(template, values), {"admin": "1"}, csrf=False)
            for method, template, _ in admin_routes(settings)
            if method == "POST"
        }

    assert len(refused) >= 8
    assert {t: r.status_code for t, r in refused.items() if r.status_code != 403} == {}
    assert [t for t, r in refused.items() if "auth.csrf" not in r.text] == []
    assert counts(settings) == before
