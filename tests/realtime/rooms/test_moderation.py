from __future__ import annotations

import pytest

from realtime.errors import ForbiddenError, NotFoundError
from realtime.rooms import room

from .conftest import ALICE, BOB, HOST, Driver


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
