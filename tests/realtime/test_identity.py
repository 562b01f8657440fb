from __future__ import annotations

import pytest

from realtime.errors import InvalidError
from realtime.identity import Identity, default_name, guest_id, validate_display_name


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Ada   Lovelace ", "Ada Lovelace"),
        ("Zoë", "Zoë"),
        ("Zoe\u0308", "Zoë"),  # NFC
        ("👩\u200d🏫 Ms K", "👩\u200d🏫 Ms K"),  # ZWJ inside an emoji sequence
        ("x" * 40, "x" * 40),
        ("line\u2028sep\ttab", "line sep tab"),  # separators are whitespace: collapsed
    ],
)
def test_identity_display_name_is_cleaned(raw: str, clean: str) -> None:
    assert validate_display_name(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "x" * 41,
        "bad\x00name",
        "rtl\u202eevil",
        "zero\u200bwidth",
        "private\ue000use",
        42,
    ],
)
def test_identity_display_name_refuses_invisible_or_odd_input(raw: object) -> None:
    with pytest.raises(InvalidError) as refused:
        validate_display_name(raw)
    assert refused.value.code == "name.invalid"


def test_identity_guests_have_prefixed_ids_and_default_names() -> None:
    who = Identity(guest_id("abcd1234"), default_name(guest_id("abcd1234")))
    assert (who.id, who.name, who.is_guest) == ("g:abcd1234", "Guest 1234", True)
    assert who.public() == {"id": "g:abcd1234", "name": "Guest 1234"}
