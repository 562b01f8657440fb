from __future__ import annotations

import pytest

from realtime.errors import InvalidError
from realtime.rooms import reactions


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
