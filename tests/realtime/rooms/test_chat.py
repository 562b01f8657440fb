from __future__ import annotations

import pytest

from realtime.errors import ForbiddenError, InvalidError, NotFoundError, RateLimitedError
from realtime.rooms import chat

from .conftest import ALICE, BOB, HOST, Driver


def test_chat_send_broadcasts_message_with_author(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="  hello  ")
    event = driver.last()
    assert (event.seq, event.kind, event.visibility) == (1, "chat.message", "public")
    assert event.data == {"author": {"id": "g:alice", "name": "Alice"}, "text": "hello"}


def test_chat_send_refuses_empty_and_too_long(driver: Driver) -> None:
    with pytest.raises(InvalidError) as empty:
        driver.do(ALICE, "chat.send", text=" \n ")
    with pytest.raises(InvalidError) as long:
        driver.do(ALICE, "chat.send", text="x" * (chat.MAX_CHARS + 1))
    assert (empty.value.code, long.value.code) == ("chat.empty", "chat.too_long")
    assert driver.state.seq == 0


def test_chat_send_strips_control_characters_but_keeps_newlines(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="a\x00b\nc\x1b")
    assert driver.last().data["text"] == "ab\nc"


def test_chat_delete_own_message(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="oops")
    driver.do(ALICE, "chat.delete", id=1)
    assert driver.last().data == {"id": 1, "by": "author"}
    assert driver.last().audit is False
    assert chat.snapshot(driver.state.chat) == []


def test_chat_delete_someone_elses_message_is_refused(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="mine")
    with pytest.raises(ForbiddenError) as refused:
        driver.do(BOB, "chat.delete", id=1)
    assert refused.value.code == "chat.not_yours"


def test_chat_moderator_delete_is_audited(driver: Driver) -> None:
    driver.do(ALICE, "chat.send", text="rude")
    driver.do(HOST, "chat.delete", id=1)
    assert (driver.last().data, driver.last().audit) == ({"id": 1, "by": "moderator"}, True)
    assert [e["action"] for e in driver.ask(HOST, "mod.audit")["entries"]] == ["chat.deleted"]


def test_chat_delete_unknown_message_is_not_found(driver: Driver) -> None:
    with pytest.raises(NotFoundError) as missing:
        driver.do(HOST, "chat.delete", id=99)
    assert missing.value.code == "chat.not_found"


def test_chat_slow_mode_spaces_messages_per_identity(driver: Driver) -> None:
    driver.do(HOST, "room.configure", slow_mode_seconds=10)
    driver.do(ALICE, "chat.send", text="one")
    driver.advance(4)
    with pytest.raises(RateLimitedError) as slow:
        driver.do(ALICE, "chat.send", text="two")
    driver.do(BOB, "chat.send", text="bob is fine")
    driver.advance(6)
    driver.do(ALICE, "chat.send", text="two")
    assert (slow.value.code, slow.value.retry_after_seconds) == ("rate.slow_mode", 6.0)
    assert [e.data["text"] for e in driver.events if e.kind == "chat.message"] == [
        "one",
        "bob is fine",
        "two",
    ]


def test_chat_slow_mode_does_not_apply_to_moderators(driver: Driver) -> None:
    driver.do(HOST, "room.configure", slow_mode_seconds=60)
    driver.do(HOST, "chat.send", text="a")
    driver.do(HOST, "chat.send", text="b")
    assert driver.state.seq == 3


def test_chat_snapshot_keeps_the_most_recent_messages_oldest_first(driver: Driver) -> None:
    for n in range(chat.SNAPSHOT + 5):
        driver.do(ALICE, "chat.send", text=f"m{n}")
    texts = [m["text"] for m in chat.snapshot(driver.state.chat)]
    assert texts == [f"m{n}" for n in range(5, chat.SNAPSHOT + 5)]


def test_chat_memory_is_bounded(driver: Driver) -> None:
    for n in range(chat.KEEP + 3):
        driver.do(ALICE, "chat.send", text=f"m{n}")
    assert len(driver.state.chat.messages) == chat.KEEP
    assert next(iter(driver.state.chat.messages)) == 4


def test_chat_send_refuses_right_to_left_overrides(driver: Driver) -> None:
    with pytest.raises(InvalidError) as refused:
        driver.do(ALICE, "chat.send", text="see \u202etxt.exe")
    assert (refused.value.code, driver.state.seq) == ("frame.data_invalid", 0)


def test_chat_retry_keys_are_bounded_and_the_oldest_go_first(driver: Driver) -> None:
    for n in range(chat.KEEP + 2):
        driver.do(ALICE, "chat.send", text=f"m{n}", nonce=f"k{n}")
    keys = driver.state.chat.nonces
    assert (len(keys), (ALICE.id, "k0") in keys, keys[(ALICE.id, "k2")]) == (chat.KEEP, False, 3)
    again = driver.do(ALICE, "chat.send", text="m0", nonce="k0")  # forgotten: stored again
    assert (again.reply, driver.last().seq) == ({}, chat.KEEP + 3)
