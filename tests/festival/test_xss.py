"""Hostile text in every field people type, rendered inert on every page that shows it.

Each field gets its own payload (so a failure names the field): the page must show the escaped
text where the field is shown, the raw markup nowhere, no ``javascript:`` link, and every HTML
page carries the Content-Security-Policy. The pages are every HTML page of the authorization
matrix's table, seen by someone signed out and by people signed in.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from markupsafe import escape
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

from festival.models.identities import Identity
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.organisers_seed import Texts
from tests.festival.test_authz_matrix import ADMIN, ANON, ORG_A_ROLE, ROWS, Matrix, open_matrix

PAYLOADS = Texts(
    org_a_name="<script>alert('organisation')</script>",
    session_title="<script>alert('title')</script>",
    session_summary='"><img src=x onerror=alert("summary")>',
    join_url="javascript:alert('join')",
    person_name='"><img src=x onerror=alert("name")>',
    toolkit_title="<script>alert('toolkit')</script>",
    toolkit_summary='"><img src=x onerror=alert("toolkit summary")>',
    toolkit_topic="<b onmouseover=alert('topic')>t</b>",
    resource_title="<svg onload=alert('resource')>",
)
#: The fields whose text is shown as text (the join URL is only ever a link).
TEXT_FIELDS = (
    "org_a_name",
    "session_title",
    "session_summary",
    "person_name",
    "toolkit_title",
    "toolkit_summary",
    "toolkit_topic",
    "resource_title",
)

#: Where each field must be seen, escaped (pages as anyone sees them).
SHOWN = {
    "/": {"org_a_name", "session_title"},
    "/programme": {"org_a_name", "session_title"},
    "/editions/{edition}": {"org_a_name", "session_title"},
    "/editions/{edition}/programme": {"org_a_name", "session_title"},
    "/sessions/{a_live}": {"org_a_name", "session_title", "session_summary", "toolkit_title"},
    "/organisations": {"org_a_name"},
    "/organisations/{org_a}": {"org_a_name", "session_title"},
    "/rooms/{a_room}": {"session_title"},
    "/editions/{edition}/calendar": {"org_a_name"},
    "/toolkits": {"org_a_name", "toolkit_title", "toolkit_summary", "toolkit_topic"},
    "/toolkits/{toolkit}": {
        "org_a_name",
        "toolkit_title",
        "toolkit_summary",
        "toolkit_topic",
        "resource_title",
        "session_title",
    },
}
#: A link whose address runs script.
SCRIPT_LINK = re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
VIEWERS = (ANON, ORG_A_ROLE, ADMIN)


@pytest.fixture
def hostile(database_url: str, clock: FixedClock) -> Iterator[Matrix]:
    with open_matrix(database_url, clock, PAYLOADS) as m:
        yield m


def html_pages() -> list[str]:
    """Every address of the matrix that someone may GET."""
    found: list[str] = []
    for r in ROWS:
        if r.method == "GET" and any(o.status == 200 for o in r.outcomes) and r.url not in found:
            found.append(r.url)
    return found


def problems_on(m: Matrix, role: str, url: str) -> list[str]:
    address = url.format(**m.names)
    response = m.request(role, "GET", address)
    if not response.headers.get("content-type", "").startswith("text/html"):
        return []
    page = response.text
    problems = []
    if "content-security-policy" not in response.headers:
        problems.append("no Content-Security-Policy")
    for name in TEXT_FIELDS:
        if getattr(PAYLOADS, name) in page:
            problems.append(f"{name} unescaped")
    if SCRIPT_LINK.search(page):
        problems.append("a javascript: link")
    for name in SHOWN.get(url, set()):
        if str(escape(getattr(PAYLOADS, name))) not in page:
            problems.append(f"{name} not shown (escaped)")
    return [f"{address} as {role}: {p}" for p in problems]


def test_xss_payloads_are_inert_on_every_page(hostile: Matrix) -> None:
    pages = html_pages()
    problems = [p for url in pages for role in VIEWERS for p in problems_on(hostile, role, url)]

    assert set(SHOWN) <= set(pages)
    assert problems == [], "\n".join(problems)


def test_xss_payloads_are_text_in_the_exports(hostile: Matrix) -> None:
    """The frab XML carries the title as text (escaped by the XML writer, read back intact)."""
    response = hostile.request(
        ANON, "GET", "/editions/{edition}/schedule.xml".format(**hostile.names)
    )
    titles = [e.text for e in ET.fromstring(response.content).iter("title")]

    assert PAYLOADS.session_title in titles


#: What an OpenID Connect provider says about someone (festival/models/identities.py): typed by
#: that person at the provider, shown on the admin's people page and the person's account page.
IDENTITY_PAYLOADS = {
    "subject": "<script>alert('subject')</script>",
    "email": '"><img src=x onerror=alert("email")>@example.org',
    "name": "<svg onload=alert('identity name')>",
}


def test_xss_identity_fields_are_inert(hostile: Matrix) -> None:
    attendee = hostile.world.account_ids["attendee"]

    async def add(db: AsyncSession) -> None:
        now = datetime(2027, 1, 24, tzinfo=UTC)
        db.add(
            Identity(
                account_id=attendee,
                issuer="https://id.example",
                subject=IDENTITY_PAYLOADS["subject"],
                provider="test",
                email=IDENTITY_PAYLOADS["email"],
                name=IDENTITY_PAYLOADS["name"],
                created_at_utc=now,
                last_signin_at_utc=now,
            )
        )

    with_db(hostile.settings, add)
    admin_page = hostile.request(ADMIN, "GET", "/admin/people").text
    own_page = hostile.request("attendee", "GET", "/account").text

    assert [k for k, v in IDENTITY_PAYLOADS.items() if v in admin_page + own_page] == []
    assert [k for k, v in IDENTITY_PAYLOADS.items() if str(escape(v)) in admin_page] == [
        "subject",
        "email",
    ]
    assert str(escape(IDENTITY_PAYLOADS["email"])) in own_page


#: Typed into the zone bar (``?tz=``): shown back in the box and in the page's message.
ZONE_PAYLOADS = ("\"><script>alert('tz')</script>", "<img src=x onerror=alert(1)> Argentina")


def test_xss_zone_bar_text_is_inert(demo_client: TestClient) -> None:
    for payload, shown in zip(
        ZONE_PAYLOADS, ("&lt;script&gt;alert(", "&lt;img src=x"), strict=True
    ):
        response = demo_client.get("/programme", params={"tz": payload})
        page = response.text

        assert response.status_code == 400  # no zone is named so: refused, and said why
        assert "<script>alert" not in page and "<img src=x" not in page
        assert shown in page
