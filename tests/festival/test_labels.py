"""festival.labels: every value of the vocabulary has a name people read, and no name is stray."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from festival import labels
from festival.models import EditionKind, OrganisationKind
from scheduling import vocabulary

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    ("names", "values"),
    [
        pytest.param(labels.KIND_LABELS, vocabulary.KINDS, id="kinds"),
        pytest.param(labels.AUDIENCE_LABELS, vocabulary.AUDIENCES, id="audiences"),
        pytest.param(labels.STATUS_LABELS, vocabulary.STATUSES, id="statuses"),
        pytest.param(labels.SDG_NAMES, vocabulary.SDGS, id="sdgs"),
        pytest.param(labels.AGE_GROUP_LABELS, vocabulary.AGE_GROUPS, id="age groups"),
        pytest.param(labels.LICENCE_LABELS, vocabulary.LICENCES, id="licences"),
        pytest.param(labels.LICENCE_URLS, vocabulary.LICENCES, id="licence deeds"),
        pytest.param(
            labels.TOOLKIT_STATUS_LABELS, vocabulary.TOOLKIT_STATUSES, id="toolkit statuses"
        ),
        pytest.param(
            labels.ORGANISATION_KIND_LABELS,
            tuple(kind.value for kind in OrganisationKind),
            id="organisation kinds",
        ),
        pytest.param(
            labels.EDITION_KIND_LABELS,
            tuple(kind.value for kind in EditionKind),
            id="edition kinds",
        ),
    ],
)
def test_labels_name_every_vocabulary_value_and_nothing_else(
    names: Mapping[object, str], values: tuple[object, ...]
) -> None:
    assert sorted(map(str, names)) == sorted(map(str, values))
    assert all(name.strip() for name in names.values())
    assert len(set(names.values())) == len(names)


def test_label_filters_read_the_tables() -> None:
    assert [labels.kind_label(kind) for kind in vocabulary.KINDS] == list(
        labels.KIND_LABELS.values()
    )
    assert [labels.audience_label(a) for a in vocabulary.AUDIENCES] == list(
        labels.AUDIENCE_LABELS.values()
    )
    assert [labels.status_label(s) for s in vocabulary.STATUSES] == list(
        labels.STATUS_LABELS.values()
    )
    assert labels.kind_label("qa") == "Q&A"
    assert labels.organisation_kind_label("school_network") == "School network"
    assert labels.sdg_label(4) == "SDG 4: Quality education"


def test_labels_keep_a_readable_fallback_for_values_from_older_data() -> None:
    assert labels.kind_label("panel_talk") == "Panel talk"
    assert labels.sdg_label(18) == "SDG 18"
    assert labels.language_name("xx") == "xx"
    assert labels.country_name("ZZ") == "ZZ"


def test_templates_name_vocabulary_values_through_the_labels() -> None:
    """No template compares a status with a literal or makes a label out of a code itself."""
    literal_status = re.compile(r"status\s*[!=]=\s*[\"']")
    home_made_label = re.compile(r"kind\s*\|\s*(replace|capitalize|title)")
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if literal_status.search(line) or home_made_label.search(line)
    ]

    assert found == []


@pytest.mark.parametrize(
    ("count", "form"), [(0, "time zones"), (1, "time zone"), (2, "time zones")]
)
def test_plural_picks_the_form_that_goes_with_the_count(count: int, form: str) -> None:
    assert labels.plural(count, "time zone", "time zones") == form
