from __future__ import annotations

import pytest

from realtime.errors import CODES, InvalidError, RateLimitedError, RoomError


def test_errors_carry_code_message_and_details() -> None:
    exc = InvalidError("Too long.", "chat.too_long", max_chars=500)
    assert exc.as_data() == {"code": "chat.too_long", "message": "Too long.", "max_chars": 500}
    assert isinstance(exc, RoomError)


def test_errors_rate_limited_rounds_the_wait() -> None:
    exc = RateLimitedError("Slow down.", 1.23456)
    assert exc.as_data()["retry_after_seconds"] == 1.235


def test_errors_unregistered_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unregistered"):
        InvalidError("x", "made.up")


def test_errors_codes_are_dotted_and_described() -> None:
    assert all("." in code and text.endswith(".") for code, text in CODES.items())


def test_errors_codes_are_the_cores_and_each_features_once() -> None:
    from realtime.errors import CORE_CODES
    from realtime.rooms.room import FEATURES

    declared = [*CORE_CODES, *(code for feature in FEATURES for code in feature.errors)]
    assert (len(CODES), sorted(CODES)) == (len(declared), sorted(declared))
