from __future__ import annotations

import pytest

from realtime.channels import RoomKind, channel_for, lobby_room, parse_room_name, session_room
from realtime.errors import NotFoundError


def test_channels_room_names_round_trip() -> None:
    uid = "6f1b6f0e-5a4e-4c39-9d8e-24012027a11e"
    assert parse_room_name(session_room(uid)).key == uid
    assert parse_room_name(lobby_room("learningplanet-2027")).kind == RoomKind.LOBBY
    assert channel_for("lobby-x") == "room:lobby-x"


@pytest.mark.parametrize("name", ["", "session-", "party-1", "lobby-UPPER", "lobby-a/b", "lobby"])
def test_channels_other_names_are_unknown_rooms(name: str) -> None:
    with pytest.raises(NotFoundError) as unknown:
        parse_room_name(name)
    assert unknown.value.code == "room.unknown"
