from __future__ import annotations

from realtime.identity import Identity
from realtime.rooms.presence import Presence

from .conftest import ALICE, BOB, HOST


def test_presence_counts_people_not_tabs() -> None:
    presence = Presence()
    presence.join(ALICE)
    presence.join(ALICE)
    presence.join(BOB)
    presence.leave(ALICE)
    assert presence.count == 2
    presence.leave(ALICE)
    assert presence.count == 1


def test_presence_who_is_for_moderators_only() -> None:
    presence = Presence()
    presence.join(BOB)
    presence.join(HOST)
    assert presence.view(moderator=False) == {"count": 2}
    assert presence.view(moderator=True) == {
        "count": 2,
        "who": [
            {"id": "g:bob", "name": "Bob", "moderator": False},
            {"id": "u:host", "name": "Host", "moderator": True},
        ],
    }


def test_presence_change_flag_follows_arrivals_departures_and_renames() -> None:
    presence = Presence()
    presence.join(ALICE)
    assert presence.take_change() is True
    presence.join(ALICE)
    assert presence.take_change() is False
    presence.join(Identity(ALICE.id, "Alice B."))
    assert presence.take_change() is True
    assert presence.name_of(ALICE.id) == "Alice B."
    presence.leave(ALICE)
    presence.leave(ALICE)
    assert presence.take_change() is False
    presence.leave(ALICE)
    assert presence.take_change() is True


def test_presence_leave_of_someone_unknown_changes_nothing() -> None:
    presence = Presence()
    presence.join(Identity("g:a", "A"))
    presence.take_change()
    presence.leave(Identity("g:b", "B"))
    assert (presence.count, presence.take_change()) == (1, False)


def test_presence_failed_report_is_sent_again_in_full() -> None:
    presence = Presence()
    presence.join(Identity("g:a", "A"))
    first = presence.report()
    assert presence.report() == ({}, [])  # nothing new
    presence.report_failed()
    assert presence.report() == first == ({"g:a": "0A"}, [])
