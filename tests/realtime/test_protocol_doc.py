"""docs/protocol.md documents every message type, event, error code and close code in the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from realtime import protocol
from realtime.errors import CODES
from realtime.rooms.feature import Feature
from realtime.rooms.room import EVENT_KINDS, FEATURES

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def table_names(doc: str) -> set[str]:
    """Every `name` that opens a row of a table in the doc."""
    return set(re.findall(r"^\| `([a-z0-9_.]+)` \|", doc, flags=re.MULTILINE))


@pytest.mark.parametrize(
    "names",
    [
        pytest.param(set(protocol.CLIENT_TYPES), id="client types"),
        pytest.param(
            set(protocol.SERVER_TYPES) - {"ok", "error", "snapshot", "batch"}, id="transients"
        ),
        pytest.param(set(EVENT_KINDS), id="room events"),
        pytest.param(set(CODES), id="error codes"),
        pytest.param({str(code) for code in protocol.CLOSE_CODES}, id="close codes"),
        pytest.param({str(code) for code in protocol.SERVER_CLOSE_CODES}, id="server closes"),
    ],
)
def test_protocol_doc_has_a_row_for_every_name_in_the_code(doc: str, names: set[str]) -> None:
    assert sorted(names - table_names(doc)) == []


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_protocol_doc_has_a_row_for_everything_each_feature_declares(
    doc: str, feature: Feature[object]
) -> None:
    names = {*feature.client_types(), *feature.events, *feature.errors, *feature.transients}
    assert sorted(names - table_names(doc)) == []


def command_rows(doc: str) -> dict[str, str]:
    """The data column of each row of the client message table, by message type."""
    return dict(re.findall(r"^\| `([a-z_.]+)` \| ([^|]+) \| [^|]+ \|$", doc, flags=re.MULTILINE))


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_protocol_doc_names_every_field_of_each_command(doc: str, feature: Feature[object]) -> None:
    rows = command_rows(doc)
    shapes = {name: c.shape for name, c in feature.commands.items()}
    shapes |= {name: c.shape for name, c in feature.counted.items()}
    missing = [
        f"{name}.{key}"
        for name, shape in shapes.items()
        for key in shape
        if f"`{key}`" not in rows.get(name, "")
    ]
    assert missing == []


def test_protocol_doc_lists_nothing_the_code_does_not_have(doc: str) -> None:
    known = (
        set(protocol.CLIENT_TYPES)
        | set(protocol.SERVER_TYPES)
        | set(EVENT_KINDS)
        | set(CODES)
        | {str(code) for code in protocol.CLOSE_CODES}
        | {str(code) for code in protocol.SERVER_CLOSE_CODES}  # uvicorn's own closes
    )
    assert sorted(table_names(doc) - known) == []


def test_protocol_doc_mentions_every_server_frame_shape(doc: str) -> None:
    for name in ("ok", "error", "snapshot", "batch"):
        assert f'"type": "{name}"' in doc


def test_protocol_doc_states_the_limits_of_the_code(doc: str) -> None:
    assert f"{protocol.MAX_FRAME_BYTES // 1024} KiB" in doc
    assert f"{protocol.IDLE_TIMEOUT_SECONDS} s" in doc
    assert f"every {protocol.PING_INTERVAL_SECONDS} s" in doc
