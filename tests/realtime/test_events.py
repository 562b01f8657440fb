from __future__ import annotations

from datetime import UTC, datetime

import pytest

from realtime.events import MODERATOR, PRIVATE, PUBLIC, Context, Event, iso
from realtime.identity import Identity

AT = datetime(2027, 1, 24, 12, 0, 5, 120000, tzinfo=UTC)


def test_events_times_must_be_aware() -> None:
    naive = AT.replace(tzinfo=None)
    with pytest.raises(ValueError, match="timezone-aware"):
        Event(1, "room.opened", naive, "u:host", {})
    with pytest.raises(ValueError, match="timezone-aware"):
        Context(Identity("g:a", "A"), naive)


def test_events_visibility_decides_who_sees_an_event() -> None:
    seen = {
        visibility: (
            Event(1, "x.y", AT, "", {}, visibility).visible_to(False),
            Event(1, "x.y", AT, "", {}, visibility).visible_to(True),
        )
        for visibility in (PUBLIC, MODERATOR, PRIVATE)
    }
    assert seen == {PUBLIC: (True, True), MODERATOR: (False, True), PRIVATE: (False, False)}


def test_events_frame_and_iso_time() -> None:
    event = Event(7, "chat.deleted", AT, "g:a", {"id": 3, "by": "author"})
    assert event.frame() == {"type": "chat.deleted", "seq": 7, "at": AT, "data": event.data}
    assert iso(AT) == "2027-01-24T12:00:05.120000Z"
