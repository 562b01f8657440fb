"""The toolkit library end to end through the app, on SQLite and PostgreSQL: an organiser makes,
fills and publishes a toolkit and attaches it to a session; people find it by language and SDG,
download it (counted) and reach the session; uploads that are too large or disguised are
refused with their reason and leave nothing behind; drafts stay with their organisation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import Route

from festival.models.toolkits import Toolkit, ToolkitResource
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.test_authz_matrix import (
    ADMIN,
    ANON,
    ORG_A_ROLE,
    ORG_B_ROLE,
    Matrix,
    open_matrix,
)
from tests.festival.toolkits_seed import PDF

LIMIT = 64 * 1024  # the upload limit of these tests (MEDIA_MAX_UPLOAD_MB is in whole MiB)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
KIT_FORM = {
    "title": "Climate kit",
    "summary": "Games about the climate for a class.",
    "languages": "fr, en",
    "age_groups": ["teenagers", "children"],
    "sdgs": ["13", "4"],
    "topics": "climate, games",
    "licence": "cc-by-sa-4.0",
}


@pytest.fixture
def m(database_url: str, clock: FixedClock) -> Iterator[Matrix]:
    with open_matrix(database_url, clock, media_max_upload_bytes=LIMIT) as matrix:
        yield matrix


def post(m: Matrix, role: str, url: str, data: dict[str, Any], **more: Any) -> Any:
    return m.request(role, "POST", url, data={**data, "csrf_token": m.csrf(role)}, **more)


def counts(m: Matrix) -> tuple[int, int]:
    """(toolkits, resources) in the database."""

    async def read(db: AsyncSession) -> tuple[int, int]:
        toolkits = (await db.execute(select(func.count()).select_from(Toolkit))).scalar_one()
        resources = (
            await db.execute(select(func.count()).select_from(ToolkitResource))
        ).scalar_one()
        return toolkits, resources

    return with_db(m.settings, read)


def media_files(m: Matrix) -> list[str]:
    return sorted(p.name for p in m.settings.media_dir.iterdir())


def test_toolkit_published_attached_found_downloaded_and_leads_to_the_session(m: Matrix) -> None:
    live = m.names["a_live"]
    refused = post(
        m,
        ORG_A_ROLE,
        "/organiser/toolkits/new",
        {
            **KIT_FORM,
            "organisation": "org-a",
            "title": "",
            "languages": "French",
        },
    )
    assert refused.status_code == 400
    assert "Give the toolkit a title." in refused.text
    assert "Give languages as 2 or 3 letter codes" in refused.text
    assert "Games about the climate for a class." in refused.text  # kept as typed
    assert counts(m) == (2, 2)

    made = post(m, ORG_A_ROLE, "/organiser/toolkits/new", {**KIT_FORM, "organisation": "org-a"})
    assert (made.status_code, made.headers["location"]) == (
        303,
        "/organiser/toolkits/climate-kit?done=created",
    )
    early = post(m, ORG_A_ROLE, "/organiser/toolkits/climate-kit/status", {"status": "published"})
    assert early.status_code == 400
    assert "Add a link or a file before publishing the toolkit." in early.text
    bad_link = post(
        m,
        ORG_A_ROLE,
        "/organiser/toolkits/climate-kit/links",
        {
            "url": "javascript:alert(1)",
            "link_title": "Bad",
        },
    )
    assert bad_link.status_code == 400
    assert "Give a web address starting with https:// or http://." in bad_link.text
    assert counts(m) == (3, 2)
    link = post(
        m,
        ORG_A_ROLE,
        "/organiser/toolkits/climate-kit/links",
        {
            "url": "https://example.org/climate",
            "link_title": "Climate games online",
        },
    )
    assert link.status_code == 303
    upload = post(
        m,
        ORG_A_ROLE,
        "/organiser/toolkits/climate-kit/files",
        {"file_title": "Teacher guide"},
        files={"file": ("guide.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 303
    published = post(
        m, ORG_A_ROLE, "/organiser/toolkits/climate-kit/status", {"status": "published"}
    )
    assert published.headers["location"] == "/organiser/toolkits/climate-kit?done=published"
    attached = post(
        m, ORG_A_ROLE, f"/organiser/sessions/{live}/toolkits", {"toolkit": "climate-kit"}
    )
    assert attached.headers["location"] == f"/organiser/sessions/{live}?done=materials#materials"

    found = m.request(ANON, "GET", "/toolkits?lang=fr&sdg=13")
    other = m.request(ANON, "GET", "/toolkits?lang=de")
    assert 'href="/toolkits/climate-kit"' in found.text
    assert 'href="/toolkits/climate-kit"' not in other.text
    page = m.request(ANON, "GET", "/toolkits/climate-kit")
    guide = re.search(
        r'href="(/toolkits/climate-kit/resources/\d+)" download>Teacher guide<', page.text
    )
    assert guide is not None
    assert f'href="/sessions/{live}"' in page.text
    assert 'href="/toolkits/climate-kit"' in m.request(ANON, "GET", f"/sessions/{live}").text

    m.request(ANON, "HEAD", guide.group(1))  # not a download: not counted
    downloaded = m.request(ANON, "GET", guide.group(1))
    assert downloaded.content == PDF
    api = m.request(ANON, "GET", "/api/toolkits?lang=fr&sdg=13").json()
    assert [t["slug"] for t in api["toolkits"]] == ["climate-kit"]
    assert api["toolkits"][0]["downloads"] == 1
    assert api["toolkits"][0]["session_count"] == 1
    assert api["filters"] == {"lang": ["fr"], "sdg": ["13"], "sort": ["newest"]}
    detail = m.request(ANON, "GET", "/api/toolkits/climate-kit").json()
    assert [s["uid"] for s in detail["sessions"]] == [live]
    assert [(r["kind"], r["title"]) for r in detail["resources"]] == [
        ("link", "Climate games online"),
        ("file", "Teacher guide"),
    ]


def test_toolkit_file_is_served_inert(m: Matrix) -> None:
    url = "/toolkits/{toolkit}/resources/{toolkit_file}".format(**m.names)
    response = m.request(ANON, "GET", url)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"guide.pdf\"; filename*=UTF-8''guide.pdf"
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_toolkit_images_are_inline_and_text_is_plain(m: Matrix) -> None:
    slug = m.names["toolkit_draft"]
    for name, body, claimed in (("p.png", PNG, "image/png"), ("n.txt", b"Notes\n", "text/html")):
        response = post(
            m,
            ORG_A_ROLE,
            f"/organiser/toolkits/{slug}/files",
            {"file_title": name},
            files={"file": (name, body, claimed)},
        )
        assert response.status_code == 303
    page = m.request(ORG_A_ROLE, "GET", f"/toolkits/{slug}")
    urls = re.findall(rf'href="(/toolkits/{slug}/resources/\d+)"', page.text)
    served = [m.request(ORG_A_ROLE, "GET", u) for u in urls]

    assert [
        (r.headers["content-type"], r.headers["content-disposition"].split(";")[0]) for r in served
    ] == [
        ("image/png", "inline"),
        ("text/plain; charset=utf-8", "attachment"),
    ]


@pytest.mark.parametrize(
    ("name", "body", "claimed", "code"),
    [
        ("guide.pdf", b"<html><script>alert(1)</script></html>", "application/pdf", "markup"),
        (
            "pic.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "image/png",
            "markup",
        ),
        ("notes.txt", b"  <!DOCTYPE html><p>hi", "text/plain", "markup"),
        ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf", "type"),
        ("empty.pdf", b"", "application/pdf", "empty"),
    ],
    ids=["html as pdf", "svg as png", "html as text", "exe as pdf", "empty"],
)
def test_toolkit_disguised_upload_is_refused_and_leaves_nothing(
    m: Matrix, name: str, body: bytes, claimed: str, code: str
) -> None:
    slug = m.names["toolkit_draft"]
    before = (counts(m), media_files(m))
    response = post(
        m,
        ORG_A_ROLE,
        f"/organiser/toolkits/{slug}/files",
        {"file_title": "Kept title"},
        files={"file": (name, body, claimed)},
    )
    reasons = {
        "markup": "This file holds web markup (HTML, SVG or XML), which could run script",
        "type": "This file is application/x-msdownload, which toolkits do not take",
        "empty": "The file is empty.",
    }

    assert response.status_code == 400
    assert re.search(
        r'<p class="field-error" id="file-error">' + re.escape(reasons[code]), response.text
    )
    assert 'value="Kept title"' in response.text
    assert (counts(m), media_files(m)) == before


def test_toolkit_oversized_upload_is_refused_and_leaves_nothing(m: Matrix) -> None:
    slug = m.names["toolkit_draft"]
    before = (counts(m), media_files(m))
    big = PDF + b"0" * LIMIT
    response = post(
        m,
        ORG_A_ROLE,
        f"/organiser/toolkits/{slug}/files",
        {"file_title": "Big"},
        files={"file": ("big.pdf", big, "application/pdf")},
    )

    assert response.status_code == 413
    assert "The file is larger than 0.0625 MB, the most a toolkit file may be" in response.text
    assert (counts(m), media_files(m)) == before


def test_toolkit_upload_of_exactly_the_limit_is_taken(m: Matrix) -> None:
    slug = m.names["toolkit_draft"]
    exact = PDF + b"0" * (LIMIT - len(PDF))
    response = post(
        m,
        ORG_A_ROLE,
        f"/organiser/toolkits/{slug}/files",
        {"file_title": "Exact"},
        files={"file": ("exact.pdf", exact, "application/pdf")},
    )

    assert response.status_code == 303
    assert len(media_files(m)) == 2


def test_toolkit_drafts_stay_with_their_organisation(m: Matrix) -> None:
    draft = m.names["toolkit_draft"]
    listed = m.request(ANON, "GET", "/api/toolkits").json()

    assert [t["slug"] for t in listed["toolkits"]] == [m.names["toolkit"]]
    assert draft not in m.request(ANON, "GET", "/toolkits").text
    assert [
        m.request(r, "GET", f"/toolkits/{draft}").status_code
        for r in (ANON, ORG_B_ROLE, ORG_A_ROLE, ADMIN)
    ] == [404, 404, 200, 200]


def test_toolkit_admin_features_and_unpublishes(m: Matrix) -> None:
    slug = m.names["toolkit"]
    featured = post(m, ADMIN, f"/admin/toolkits/{slug}/feature", {"featured": "1"})
    refused = post(m, ORG_A_ROLE, f"/admin/toolkits/{slug}/feature", {"featured": "0"})
    shown = m.request(ANON, "GET", f"/api/toolkits/{slug}").json()["featured"]
    unpublished = post(m, ADMIN, f"/organiser/toolkits/{slug}/status", {"status": "draft"})
    after = m.request(ANON, "GET", f"/api/toolkits/{slug}")
    not_again = post(m, ADMIN, f"/admin/toolkits/{slug}/feature", {"featured": "1"})

    assert (featured.status_code, refused.status_code, shown) == (303, 403, True)
    assert unpublished.status_code == 303
    assert after.json()["error"]["code"] == "toolkit.not_found"
    assert (
        not_again.status_code,
        "Only a published toolkit can be featured." in not_again.text,
    ) == (400, True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sdg=18", "Invalid sdg '18'; allowed values: the Sustainable Development Goals 1 to 17."),
        (
            "audience=elders",
            "Invalid audience 'elders'; allowed values: early_years, children, "
            "teenagers, young_adults, adults, all_ages.",
        ),
        (
            "lang=French",
            "Invalid lang 'french'; expected a 2 or 3 letter language code such as 'fr'.",
        ),
        ("sort=oldest", "Invalid sort 'oldest'; allowed values: newest, most-used."),
    ],
)
def test_toolkit_api_refuses_filters_it_cannot_read(m: Matrix, query: str, message: str) -> None:
    response = m.request(ANON, "GET", f"/api/toolkits?{query}")

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "filter.invalid", "message": message}}


def test_toolkit_session_materials_only_public_toolkits(m: Matrix) -> None:
    live = m.names["a_live"]
    post(
        m, ORG_A_ROLE, f"/organiser/sessions/{live}/toolkits", {"toolkit": m.names["toolkit_draft"]}
    )
    public = m.request(ANON, "GET", f"/sessions/{live}").text
    organiser = m.request(ORG_A_ROLE, "GET", f"/organiser/sessions/{live}").text

    assert f'href="/toolkits/{m.names["toolkit_draft"]}"' not in public
    assert f'href="/toolkits/{m.names["toolkit"]}"' in public
    assert f'href="/toolkits/{m.names["toolkit_draft"]}"' in organiser


def test_toolkit_of_another_organisation_cannot_be_attached_as_a_draft(m: Matrix) -> None:
    """B's organiser may attach A's published toolkit to B's session, not A's draft."""
    b = m.names["b_later"]
    draft = post(
        m, ORG_B_ROLE, f"/organiser/sessions/{b}/toolkits", {"toolkit": m.names["toolkit_draft"]}
    )
    published = post(
        m, ORG_B_ROLE, f"/organiser/sessions/{b}/toolkits", {"toolkit": m.names["toolkit"]}
    )

    assert (draft.status_code, published.status_code) == (400, 303)


def test_every_api_route_is_documented_in_docs_api_md() -> None:
    from festival import routes
    from tests.conftest import make_settings

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text("utf-8")
    table = routes.table(make_settings("sqlite+aiosqlite:///unused.db"))
    paths = [r.path for r in table if isinstance(r, Route) and r.path.startswith("/api/")]

    assert "/api/toolkits" in paths
    assert [p for p in paths if f"### `GET {p}`" not in text] == []


def test_toolkit_removing_a_file_removes_it_from_the_media_storage(m: Matrix) -> None:
    slug, file_id = m.names["toolkit"], m.names["toolkit_file"]
    refused = post(m, ORG_B_ROLE, f"/organiser/toolkits/{slug}/resources/{file_id}/remove", {})
    kept = media_files(m)
    removed = post(m, ORG_A_ROLE, f"/organiser/toolkits/{slug}/resources/{file_id}/remove", {})
    gone = m.request(ANON, "GET", f"/toolkits/{slug}/resources/{file_id}")

    assert (refused.status_code, len(kept)) == (403, 1)
    assert removed.headers["location"] == f"/organiser/toolkits/{slug}?done=removed#resources"
    assert (media_files(m), counts(m)) == ([], (2, 1))
    assert gone.status_code == 404
