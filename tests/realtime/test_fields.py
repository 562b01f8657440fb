from __future__ import annotations

import sys
import unicodedata

import pytest

from realtime import fields
from realtime.errors import InvalidError, RoomError
from realtime.identity import validate_display_name

#: Every format character (Unicode category Cf) this Python knows.
FORMAT_CHARACTERS = [
    chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
]


@pytest.mark.parametrize(
    "char",
    [
        "\u202e",  # right-to-left override
        "\u202d",  # left-to-right override
        "\u202b",  # right-to-left embedding
        "\u2067",  # right-to-left isolate
        "\u2069",  # pop directional isolate
        "\u200f",  # right-to-left mark
        "\u061c",  # Arabic letter mark
        "\u200b",  # zero width space
        "\ufeff",  # zero width no-break space
    ],
)
def test_fields_text_refuses_invisible_format_characters(char: str) -> None:
    with pytest.raises(InvalidError) as refused:
        fields.text({"text": f"pay {char}gnp.exe"}, "text", 100)
    assert (refused.value.code, refused.value.details) == ("frame.data_invalid", {"field": "text"})


def test_fields_text_keeps_emoji_sequences_newlines_and_marks() -> None:
    text = "👩\u200d🏫 a\nb\t❤️ Zoe\u0308"
    assert fields.text({"text": text}, "text", 100) == "👩\u200d🏫 a\nb\t❤️ Zoë"


def test_fields_text_refusal_uses_the_callers_code() -> None:
    with pytest.raises(InvalidError) as refused:
        fields.text_list({"options": ["a", "b\u202e"]}, "options", 2, 4, 10, "poll.invalid")
    assert refused.value.code == "poll.invalid"


def _refused(check: object, value: str) -> bool:
    try:
        check(value)  # type: ignore[operator]
    except RoomError:
        return True
    return False


def test_fields_posts_and_display_names_refuse_the_same_format_characters() -> None:
    assert len(FORMAT_CHARACTERS) > 150 and "\u200d" in FORMAT_CHARACTERS
    posts = {
        c for c in FORMAT_CHARACTERS if _refused(lambda v: fields.text({"t": v}, "t", 9), f"a{c}b")
    }
    names = {c for c in FORMAT_CHARACTERS if _refused(validate_display_name, f"a{c}b")}
    assert posts == names == set(FORMAT_CHARACTERS) - {"\u200d", "\u200c"}


def test_fields_posts_and_display_names_keep_the_zero_width_non_joiner() -> None:
    persian = "می\u200cخواهم"  # "I want": the non-joiner is part of the spelling
    malayalam = "ന്\u200c"
    assert fields.text({"text": persian}, "text", 100) == persian
    assert validate_display_name(f"{malayalam} {persian}") == f"{malayalam} {persian}"


def test_fields_choice_and_nonce_refuse_what_is_not_allowed() -> None:
    assert fields.choice({}, "results", ("live", "after_vote"), "live") == "live"
    for bad in ({"results": "never"}, {"results": 1}):
        with pytest.raises(InvalidError) as refused:
            fields.choice(bad, "results", ("live", "after_vote"), "live")
        assert refused.value.details == {"field": "results"}
    assert (fields.nonce({}), fields.nonce({"nonce": "k1"})) == (None, "k1")
    for bad_nonce in ("", "n" * 65, 7):
        with pytest.raises(InvalidError) as refused:
            fields.nonce({"nonce": bad_nonce})
        assert refused.value.details == {"field": "nonce"}


def test_fields_boolean_takes_only_true_or_false() -> None:
    assert (fields.boolean({}, "pinned", True), fields.boolean({"pinned": False}, "pinned")) == (
        True,
        False,
    )
    for bad in ({"pinned": 1}, {"pinned": "true"}, {}):
        with pytest.raises(InvalidError) as refused:
            fields.boolean(bad, "pinned")
        assert refused.value.details == {"field": "pinned"}
