from __future__ import annotations

import pytest

from realtime import protocol
from realtime.errors import ForbiddenError, NotFoundError, ProtocolError
from realtime.events import Event
from realtime.identity import Identity
from realtime.rooms import room

from .conftest import ALICE, BOB, CAROL, HOST, SERVER, SIGNED_IN, Driver


def test_moderation_mute_blocks_speaking_for_n_minutes(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="noise")
    driver.do(HOST, "mod.mute", id=ALICE.id, minutes=5)
    assert driver.last().visibility == "moderator"
    with pytest.raises(ForbiddenError) as muted:
        driver.do(ALICE, "chat.send", text="more noise")
    assert (muted.value.code, muted.value.details) == (
        "user.muted",
        {"until": "2027-01-24T12:05:00Z"},
    )
    driver.advance(300)
    driver.do(ALICE, "chat.send", text="back")


def test_moderation_unmute_lifts_a_mute(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="x")
    driver.do(HOST, "mod.mute", id=ALICE.id, minutes=60)
    driver.do(HOST, "mod.unmute", id=ALICE.id)
    driver.do(ALICE, "chat.send", text="y")
    assert room.you(driver.state, ALICE, driver.now)["muted_until"] is None


def test_moderation_ban_refuses_everything(driver: Driver) -> None:
    driver.do(BOB, "chat.send", text="troll")
    driver.do(HOST, "mod.ban", id=BOB.id)
    for command, data in (("chat.send", {"text": "x"}), ("qa.ask", {"text": "y"})):
        with pytest.raises(ForbiddenError) as banned:
            driver.do(BOB, command, **data)
        assert banned.value.code == "user.banned"
    driver.do(HOST, "mod.unban", id=BOB.id)
    driver.do(BOB, "chat.send", text="sorry")


def test_moderation_target_must_be_known(driver: Driver) -> None:
    with pytest.raises(NotFoundError) as unknown:
        driver.do(HOST, "mod.ban", id="g:nobody")
    assert unknown.value.code == "user.unknown"


def test_moderation_actions_are_for_moderators(driver: Driver) -> None:
    driver.do(BOB, "chat.send", text="hi")
    with pytest.raises(ForbiddenError) as refused:
        driver.do(ALICE, "mod.ban", id=BOB.id)
    with pytest.raises(ForbiddenError):
        driver.ask(ALICE, "mod.audit")
    assert refused.value.code == "auth.forbidden"


def test_moderation_audit_trail_lists_every_moderator_action(driver: Driver) -> None:
    driver.do(BOB, "chat.send", text="hi")
    driver.do(BOB, "qa.ask", text="q")
    driver.do(HOST, "mod.mute", id=BOB.id, minutes=1)
    driver.do(HOST, "room.configure", slow_mode_seconds=5)
    driver.do(HOST, "qa.hide", id=2)
    driver.do(HOST, "chat.delete", id=1)
    driver.do(HOST, "mod.ban", id=BOB.id)
    entries = driver.ask(HOST, "mod.audit")["entries"]
    assert [(e["action"], e["moderator"]) for e in entries] == [
        ("mod.muted", "u:host"),
        ("room.configured", "u:host"),
        ("qa.hidden", "u:host"),
        ("chat.deleted", "u:host"),
        ("mod.banned", "u:host"),
    ]
    assert entries[-1]["data"] == {"target": {"id": "g:bob", "name": "Bob"}}


def test_moderation_a_committed_ban_closes_the_targets_connections(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="hi")
    driver.do(HOST, "mod.mute", id=ALICE.id, minutes=1)
    driver.do(HOST, "mod.ban", id=ALICE.id)
    driver.do(HOST, "mod.unban", id=ALICE.id)
    closing = [(e.kind, room.connections_to_close(e)) for e in driver.events]
    assert closing == [
        ("chat.message", []),
        ("mod.muted", []),
        ("mod.banned", [ALICE.id]),
        ("mod.unbanned", []),
    ]


# -- a ban covers the banned guest's network addresses (issue #14) ----------------------------


def covered(driver: Driver, target: Identity, addresses: list[str]) -> list[Event]:
    """The server's follow-up to a ban, as the runtime issues it; the events it made."""
    before = len(driver.events)
    driver.do(SERVER, "mod.ban_addresses", id=target.id, addresses=addresses)
    return driver.events[before:]


def joins(driver: Driver, who: Identity, address: str) -> str:
    try:
        room.check_join(driver.state, who, address)
    except ForbiddenError as exc:
        return exc.code
    return "ok"


def test_moderation_ban_covers_the_addresses_the_server_adds(driver: Driver) -> None:
    driver.do(BOB, "chat.send", text="troll")
    driver.do(HOST, "mod.ban", id=BOB.id)
    made = covered(driver, BOB, ["addr-a", "addr-b", "addr-a"])
    new_guest = Identity("g:fresh-cookie", "Bob again")
    assert [(e.kind, e.visibility, e.actor, e.data) for e in made] == [
        (
            "mod.addresses_banned",
            "moderator",
            "",
            {"target": {"id": BOB.id, "name": "Bob"}, "addresses": ["addr-a", "addr-b"]},
        )
    ]
    assert joins(driver, new_guest, "addr-a") == "user.banned"
    assert joins(driver, new_guest, "addr-c") == "ok"
    assert joins(driver, SIGNED_IN, "addr-a") == "ok"  # accountable: not refused by address
    assert joins(driver, HOST, "addr-a") == "ok"


def test_moderation_unban_lifts_the_address_ban_too(driver: Driver) -> None:
    driver.do(BOB, "chat.send", text="troll")
    driver.do(CAROL, "chat.send", text="troll too")
    driver.do(HOST, "mod.ban", id=BOB.id)
    driver.do(HOST, "mod.ban", id=CAROL.id)
    covered(driver, BOB, ["addr-a"])
    covered(driver, CAROL, ["addr-c"])
    driver.do(HOST, "mod.unban", id=BOB.id)
    guest = Identity("g:other", "Other")
    assert (joins(driver, guest, "addr-a"), joins(driver, guest, "addr-c")) == (
        "ok",
        "user.banned",
    )


def test_moderation_address_ban_needs_a_standing_ban_and_new_addresses(driver: Driver) -> None:
    driver.do(BOB, "chat.send", text="hi")
    assert covered(driver, BOB, ["addr-a"]) == []  # not banned (or unbanned meanwhile)
    driver.do(HOST, "mod.ban", id=BOB.id)
    assert len(covered(driver, BOB, ["addr-a"])) == 1
    assert covered(driver, BOB, ["addr-a", ""]) == []  # nothing new


def test_moderation_only_the_server_and_moderators_cover_addresses(driver: Driver) -> None:
    driver.do(BOB, "chat.send", text="hi")
    driver.do(HOST, "mod.ban", id=BOB.id)
    with pytest.raises(ForbiddenError) as refused:
        driver.do(ALICE, "mod.ban_addresses", id=BOB.id, addresses=["addr-alice-dislikes"])
    assert refused.value.code == "auth.forbidden"


def test_moderation_address_ban_is_no_client_message() -> None:
    assert "mod.ban_addresses" not in protocol.CLIENT_TYPES
    with pytest.raises(ProtocolError) as refused:
        protocol.parse('{"type": "mod.ban_addresses", "data": {"id": "g:x", "addresses": ["a"]}}')
    assert refused.value.code == "frame.type_unknown"


def test_moderation_addresses_to_ban_follow_a_committed_ban_only(driver: Driver) -> None:
    driver.do(BOB, "chat.send", text="troll")
    driver.do(HOST, "mod.ban", id=BOB.id)
    ban, chat = driver.last(), driver.events[0]
    assert room.addresses_to_ban(driver.state, ban, ["addr-b", "", "addr-a", "addr-b"]) == {
        "id": BOB.id,
        "addresses": ["addr-a", "addr-b"],
    }
    assert room.addresses_to_ban(driver.state, chat, ["addr-a"]) is None
    assert room.addresses_to_ban(driver.state, ban, [""]) is None  # address unknown
    covered(driver, BOB, ["addr-a"])
    assert room.addresses_to_ban(driver.state, ban, ["addr-a"]) is None  # covered already
