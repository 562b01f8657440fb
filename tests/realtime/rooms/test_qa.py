from __future__ import annotations

import pytest

from realtime.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from realtime.rooms import qa

from .conftest import ALICE, BOB, CAROL, HOST, Driver


def ids(questions: list[dict[str, object]]) -> list[object]:
    return [q["id"] for q in questions]


def test_qa_ask_is_public_and_open_by_default(driver: Driver) -> None:
    outcome = driver.do(ALICE, "qa.ask", text="Why?")
    assert outcome.reply == {"status": "open"}
    assert (driver.last().kind, driver.last().visibility) == ("qa.asked", "public")
    assert driver.last().data == {"author": ALICE.public(), "text": "Why?", "status": "open"}


def test_qa_upvote_once_per_identity_and_removable(driver: Driver) -> None:
    driver.do(ALICE, "qa.ask", text="Q")
    assert driver.do(BOB, "qa.upvote", id=1).reply == {"id": 1, "votes": 1}
    with pytest.raises(ConflictError) as twice:
        driver.do(BOB, "qa.upvote", id=1)
    assert driver.do(BOB, "qa.unvote", id=1).reply == {"id": 1, "votes": 0}
    with pytest.raises(ConflictError) as not_voted:
        driver.do(BOB, "qa.unvote", id=1)
    assert (twice.value.code, not_voted.value.code) == ("qa.already_voted", "qa.not_voted")
    assert [e.visibility for e in driver.events if e.kind == "qa.voted"] == ["private", "private"]


def test_qa_open_questions_sorted_by_votes_then_time(driver: Driver) -> None:
    for text in ("first", "second", "third"):
        driver.do(ALICE, "qa.ask", text=text)
    driver.do(BOB, "qa.upvote", id=3)
    driver.do(CAROL, "qa.upvote", id=3)
    driver.do(BOB, "qa.upvote", id=2)
    assert ids(driver.snapshot(ALICE)["qa"]["open"]) == [3, 2, 1]


def test_qa_pinned_question_comes_first(driver: Driver) -> None:
    driver.do(ALICE, "qa.ask", text="a")
    driver.do(ALICE, "qa.ask", text="b")
    driver.do(BOB, "qa.upvote", id=1)
    driver.do(HOST, "qa.pin", id=2, pinned=True)
    assert ids(driver.snapshot(BOB)["qa"]["open"]) == [2, 1]
    assert driver.last().audit is True


def test_qa_moderation_queue_holds_questions_until_approved(driver: Driver) -> None:
    driver.do(HOST, "room.configure", qa_moderation=True)
    outcome = driver.do(ALICE, "qa.ask", text="held?")
    assert (outcome.reply, driver.last().visibility) == ({"status": "pending"}, "moderator")
    assert driver.snapshot(BOB)["qa"]["pending"] == []
    assert ids(driver.snapshot(ALICE)["qa"]["pending"]) == [2]
    assert ids(driver.snapshot(HOST)["qa"]["pending"]) == [2]
    with pytest.raises(NotFoundError):
        driver.do(BOB, "qa.upvote", id=2)
    driver.do(HOST, "qa.approve", id=2)
    assert driver.last().data["question"]["status"] == "open"
    assert ids(driver.snapshot(BOB)["qa"]["open"]) == [2]


def test_qa_moderators_skip_the_queue(driver: Driver) -> None:
    driver.do(HOST, "room.configure", qa_moderation=True)
    assert driver.do(HOST, "qa.ask", text="host question").reply == {"status": "open"}


def test_qa_answered_questions_move_out_of_open_and_take_no_votes(driver: Driver) -> None:
    driver.do(ALICE, "qa.ask", text="q")
    driver.do(HOST, "qa.answer", id=1)
    snap = driver.snapshot(BOB)["qa"]
    assert (ids(snap["open"]), ids(snap["answered"])) == ([], [1])
    with pytest.raises(ConflictError) as closed:
        driver.do(BOB, "qa.upvote", id=1)
    assert closed.value.code == "qa.not_open"


def test_qa_hidden_questions_only_moderators_see(driver: Driver) -> None:
    driver.do(ALICE, "qa.ask", text="spam")
    driver.do(HOST, "qa.hide", id=1)
    assert driver.snapshot(BOB)["qa"] == {"open": [], "answered": [], "pending": []}
    assert ids(driver.snapshot(HOST)["qa"]["hidden"]) == [1]


def test_qa_moderator_commands_refused_to_participants(driver: Driver) -> None:
    driver.do(ALICE, "qa.ask", text="q")
    for command in ("qa.answer", "qa.pin", "qa.hide", "qa.approve"):
        with pytest.raises(ForbiddenError) as refused:
            driver.do(BOB, command, id=1)
        assert refused.value.code == "auth.forbidden"


def test_qa_vote_counts_report_only_changed_questions(driver: Driver) -> None:
    driver.do(ALICE, "qa.ask", text="a")
    driver.do(ALICE, "qa.ask", text="b")
    driver.do(BOB, "qa.upvote", id=2)
    driver.do(CAROL, "qa.upvote", id=2)
    assert qa.take_vote_counts(driver.state.qa) == {"2": 2}
    assert qa.take_vote_counts(driver.state.qa) == {}


def test_qa_ask_refuses_right_to_left_overrides(driver: Driver) -> None:
    with pytest.raises(InvalidError) as refused:
        driver.do(ALICE, "qa.ask", text="Is it \u2067true\u2069?")
    assert (refused.value.code, driver.state.seq) == ("frame.data_invalid", 0)
