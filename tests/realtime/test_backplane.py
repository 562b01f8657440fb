"""The workers' messages: one encode, one decode, the bytes earlier versions wrote, and a clear
error for anything else on the channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from realtime.backplane import (
    BackplaneError,
    Events,
    Head,
    Message,
    Reactions,
    Want,
    decode,
    encode,
)
from realtime.events import MODERATOR, Event

AT = datetime(2027, 1, 24, 12, 0, 1, 250000, tzinfo=UTC)
EVENTS = [
    Event(7, "chat.message", AT, "g:ana", {"id": 3, "text": "é 🎉"}),
    Event(8, "mod.banned", AT, "u:host", {"target": {"id": "g:x", "name": "X"}}, MODERATOR, True),
]


@pytest.mark.parametrize(
    ("message", "wire"),
    [
        (
            Events("lobby-test", EVENTS),
            {
                "room": "lobby-test",
                "events": [
                    {
                        "seq": 7,
                        "kind": "chat.message",
                        "at": "2027-01-24T12:00:01.250000+00:00",
                        "actor": "g:ana",
                        "data": {"id": 3, "text": "é 🎉"},
                        "visibility": "public",
                        "audit": False,
                    },
                    {
                        "seq": 8,
                        "kind": "mod.banned",
                        "at": "2027-01-24T12:00:01.250000+00:00",
                        "actor": "u:host",
                        "data": {"target": {"id": "g:x", "name": "X"}},
                        "visibility": "moderator",
                        "audit": True,
                    },
                ],
            },
        ),
        (
            Reactions("lobby-test", "a1b2", {"🎉": 3, "👏": 1}),
            {"room": "lobby-test", "origin": "a1b2", "reactions": {"🎉": 3, "👏": 1}},
        ),
        (Head("lobby-test", 12), {"room": "lobby-test", "head": 12}),
        (Want("lobby-test", "a1b2"), {"room": "lobby-test", "want": "a1b2"}),
    ],
)
def test_backplane_messages_round_trip_as_earlier_versions_wrote_them(
    message: Message, wire: dict[str, object]
) -> None:
    raw = encode(message)
    assert raw == orjson.dumps(wire)  # byte for byte: old and new workers side by side
    assert decode(raw) == message


def test_backplane_event_times_keep_their_instant() -> None:
    paris = timezone(timedelta(hours=1))
    event = Event(1, "chat.message", AT.astimezone(paris), "g:ana", {"text": "x"})
    message = decode(encode(Events("r", [event])))
    assert isinstance(message, Events)
    (decoded,) = message.events
    assert decoded.at_utc == AT and decoded.at_utc.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'"events"',
        b'{"events": []}',  # no room
        b'{"room": "r"}',  # nothing else
        b'{"room": "r", "hello": 1}',
        b'{"room": "r", "reactions": {"x": 1}}',  # no origin
        b'{"room": "r", "events": [{"seq": 1}]}',
        b'{"room": "r", "events": [{"seq": 1, "kind": "k", "at": "2027-01-24T12:00:00",'
        b' "actor": "", "data": {}, "visibility": "public", "audit": false}]}',  # naive time
    ],
)
def test_backplane_refuses_what_is_no_message(raw: bytes) -> None:
    with pytest.raises(BackplaneError, match="not a backplane message"):
        decode(raw)
