"""Reading typed fields out of a client frame's ``data`` (``frame.data_invalid`` otherwise)."""

from __future__ import annotations

import unicodedata
from typing import Any

from realtime.errors import InvalidError

_CONTROL_OK = {"\n", "\t"}
#: Zero width joiner: allowed inside emoji sequences (👩‍🏫).
ZWJ = "\u200d"
#: Zero width non-joiner: part of the spelling of Persian, Kurdish and many Indic words
#: (می‌خواهم), typed by their keyboards; it cannot reorder or hide text.
ZWNJ = "\u200c"
_JOINERS = {ZWJ, ZWNJ}


def is_hidden_format(char: str) -> bool:
    """Whether ``char`` is an invisible format character that changes how the text around it
    reads (Unicode category Cf: bidi overrides, embeddings, isolates and marks, zero-width
    spaces); the zero width joiner and non-joiner are not (emoji sequences, Persian and Indic
    spelling). The one rule for display names and what people post.
    """
    return char not in _JOINERS and unicodedata.category(char) == "Cf"


def _invalid(key: str, what: str) -> InvalidError:
    return InvalidError(f"`data.{key}` {what}.", "frame.data_invalid", field=key)


def integer(data: dict[str, Any], key: str, low: int = 0, high: int = 2**53) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _invalid(key, f"must be a whole number from {low} to {high}")
    return value


def optional_integer(data: dict[str, Any], key: str, low: int = 0, high: int = 2**53) -> int | None:
    if data.get(key) is None:
        return None
    return integer(data, key, low, high)


def boolean(data: dict[str, Any], key: str, default: bool | None = None) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _invalid(key, "must be true or false")
    return value


def choice(data: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = data.get(key, default)
    if value not in allowed:
        raise _invalid(key, f"must be one of {', '.join(allowed)}")
    return str(value)


def text(
    data: dict[str, Any],
    key: str,
    max_chars: int,
    empty_code: str = "frame.data_invalid",
    long_code: str = "frame.data_invalid",
    invalid_code: str = "frame.data_invalid",
) -> str:
    """Trimmed text without control characters (newlines and tabs allowed, others dropped);
    text holding invisible format characters (:func:`is_hidden_format`) is refused."""
    value = data.get(key)
    if not isinstance(value, str):
        raise _invalid(key, "must be text")
    value = "".join(
        c
        for c in unicodedata.normalize("NFC", value)
        if c in _CONTROL_OK or unicodedata.category(c) != "Cc"
    ).strip()
    if any(is_hidden_format(c) for c in value):
        # A right-to-left override can make a message read differently from what it holds.
        raise InvalidError(
            f"`data.{key}` cannot contain invisible formatting characters "
            "(such as right-to-left overrides).",
            invalid_code,
            field=key,
        )
    if not value:
        raise InvalidError(f"`data.{key}` is empty.", empty_code, field=key)
    if len(value) > max_chars:
        raise InvalidError(
            f"`data.{key}` is limited to {max_chars} characters.",
            long_code,
            field=key,
            max_chars=max_chars,
        )
    return value


def text_list(
    data: dict[str, Any], key: str, min_items: int, max_items: int, max_chars: int, code: str
) -> list[str]:
    """A list of distinct, non-empty short texts."""
    value = data.get(key)
    if not isinstance(value, list) or not min_items <= len(value) <= max_items:
        raise InvalidError(f"`data.{key}` needs {min_items} to {max_items} entries.", code)
    items = [text({"item": v}, "item", max_chars, code, code, code) for v in value]
    if len({i.casefold() for i in items}) != len(items):
        raise InvalidError(f"`data.{key}` entries must differ.", code)
    return items


def int_list(data: dict[str, Any], key: str, high: int, code: str) -> list[int]:
    """A non-empty list of distinct indexes below ``high``, sorted."""
    value = data.get(key)
    if (
        not isinstance(value, list)
        or not value
        or any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < high for v in value)
        or len(set(value)) != len(value)
    ):
        raise InvalidError(f"`data.{key}` must list distinct option numbers.", code)
    return sorted(value)


MAX_NONCE_CHARS = 64


def nonce(data: dict[str, Any]) -> str | None:
    """The client's optional idempotency key: the same key from the same identity is stored once."""
    value = data.get("nonce")
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= MAX_NONCE_CHARS:
        raise _invalid("nonce", f"must be text of 1 to {MAX_NONCE_CHARS} characters")
    return value
