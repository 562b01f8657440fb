"""festival/toolkits.py: the toolkit form, the library's filters and its order (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from festival.forms import Fields
from festival.models import Organisation
from festival.models.toolkits import Toolkit
from festival.toolkits import Entry, Filters, choose, parse_filters, read_form
from scheduling.errors import FilterError

ORG = Organisation(slug="org", name="Bibliothèque de Dakar", country="SN", tz_name="Africa/Dakar")


def _entry(slug: str, day: int, downloads: int = 0, sessions: int = 0, **more: object) -> Entry:
    toolkit = Toolkit(
        slug=slug,
        organisation_id=1,
        title=more.pop("title", slug),  # type: ignore[arg-type]
        published_at_utc=datetime(2027, 1, day, tzinfo=UTC),
        download_count=downloads,
        **more,  # type: ignore[arg-type]
    )
    return Entry(toolkit, ORG, (), sessions)


ENTRIES = [
    _entry("old-popular", 1, downloads=9, languages=["fr"], sdgs=[4], age_groups=["children"]),
    _entry("new", 20, languages=["en"], sdgs=[13], age_groups=["teenagers"], topics=["climate"]),
    _entry("middle", 10, sessions=3, languages=["en", "fr"], sdgs=[4, 13], summary="Games"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["new", "middle", "old-popular"]),
        ({"sort": ["most-used"]}, ["old-popular", "middle", "new"]),
        ({"lang": ["fr"]}, ["middle", "old-popular"]),
        ({"lang": ["fr"], "sdg": ["13"]}, ["middle"]),
        ({"audience": ["teenagers,children"]}, ["new", "old-popular"]),
        ({"topic": ["Climate"]}, ["new"]),
        ({"q": ["games"]}, ["middle"]),
        ({"q": ["dakar"]}, ["new", "middle", "old-popular"]),  # the organisation's name
        ({"q": ["nothing"]}, []),
    ],
)
def test_choose_filters_and_sorts(query: dict[str, list[str]], expected: list[str]) -> None:
    assert [e.toolkit.slug for e in choose(ENTRIES, parse_filters(query))] == expected


def test_choose_puts_featured_toolkits_first() -> None:
    featured = _entry("featured", 2, featured=True)

    assert [e.toolkit.slug for e in choose([*ENTRIES, featured], Filters())][:2] == [
        "featured",
        "new",
    ]


def test_parse_filters_refuses_a_repeated_query() -> None:
    with pytest.raises(FilterError, match="Parameter 'q' is given 2 times"):
        parse_filters({"q": ["a", "b"]})


def test_read_form_notes_every_problem_beside_its_field() -> None:
    fields = Fields({"title": "", "languages": "en, français", "topics": "<b>", "licence": "gpl"})

    assert read_form(fields, {"age_groups": ["elders"], "sdgs": ["18"]}) is None
    assert sorted(fields.errors) == [
        "age_groups",
        "languages",
        "licence",
        "sdgs",
        "title",
        "topics",
    ]


def test_read_form_reads_a_toolkit() -> None:
    fields = Fields(
        {
            "title": " Kit ",
            "languages": "FR en fr",
            "topics": "Reading, games",
            "licence": "cc0-1.0",
        }
    )
    data = read_form(fields, {"age_groups": ["adults"], "sdgs": ["13", "4"]})

    assert data is not None
    assert (data.title, data.languages, data.sdgs, data.topics) == (
        "Kit",
        ("fr", "en"),
        (4, 13),
        ("reading", "games"),
    )
