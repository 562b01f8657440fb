from __future__ import annotations

import pytest

from realtime.errors import ForbiddenError, InvalidError
from realtime.events import Context
from realtime.rooms import reactions, room

from .conftest import ALICE, HOST, Driver


def test_reactions_window_counts_and_resets() -> None:
    window = reactions.ReactionWindow()
    for emoji in ("🎉", "👏", "🎉"):
        window.add(reactions.check({"emoji": emoji}))
    assert window.flush() == {"👏": 1, "🎉": 2}
    assert window.flush() is None


def test_reactions_outside_the_fixed_set_are_refused() -> None:
    for data in ({"emoji": "💩"}, {"emoji": 1}, {}):
        with pytest.raises(InvalidError) as bad:
            reactions.check(data)
        assert bad.value.code == "reaction.unknown"


def test_reactions_merge_ignores_what_is_not_a_count_of_a_known_emoji() -> None:
    window = reactions.ReactionWindow()
    window.merge({"🎉": 2, "💩": 5, "👏": -1, "😮": "3", "❤️": 0})
    assert window.flush() == {"🎉": 2}


def test_reactions_in_a_room_that_ended_are_refused_even_to_moderators() -> None:
    driver = Driver()
    driver.do(HOST, "room.end")
    for who in (ALICE, HOST):
        with pytest.raises(ForbiddenError) as ended:
            room.check_reaction(driver.state, Context(who, driver.now), {"emoji": "🎉"})
        assert ended.value.code == "room.ended"
