from __future__ import annotations

from datetime import timedelta

import pytest

from realtime.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from realtime.identity import Identity
from realtime.rooms import quiz

from .conftest import ALICE, BOB, CAROL, HOST, Driver


def prepare(driver: Driver, correct: int = 1, seconds: int = 20) -> int:
    driver.do(
        HOST,
        "quiz.add",
        text="2+2?",
        options=["3", "4", "5"],
        correct=correct,
        time_limit_seconds=seconds,
    )
    return driver.last().seq


def test_quiz_prepared_question_is_for_moderators_only(driver: Driver) -> None:
    prepare(driver)
    assert driver.last().visibility == "moderator"
    assert "prepared" not in driver.snapshot(ALICE)["quiz"]
    assert driver.snapshot(HOST)["quiz"]["prepared"][0]["correct"] == 1


def test_quiz_add_validates_options_correct_and_limit(driver: Driver) -> None:
    cases = [
        {"options": ["a"], "correct": 0},
        {"options": list("abcdefg"), "correct": 0},
        {"options": ["a", "b"], "correct": 2},
        {"options": ["a", "b"], "correct": 0, "time_limit_seconds": 4},
    ]
    for case in cases:
        with pytest.raises(InvalidError) as bad:
            driver.do(HOST, "quiz.add", text="q", **case)
        assert bad.value.code == "quiz.invalid"


def test_quiz_ask_publishes_question_without_the_answer(driver: Driver) -> None:
    qid = prepare(driver)
    driver.do(HOST, "quiz.ask")
    event = driver.last()
    assert event.kind == "quiz.asked" and "correct" not in event.data
    assert event.data["closes_at"] == "2027-01-24T12:00:20Z"
    assert event.data["id"] == qid


def test_quiz_answers_after_the_limit_are_refused(driver: Driver) -> None:
    prepare(driver, seconds=10)
    driver.do(HOST, "quiz.ask")
    driver.advance(10)
    driver.do(ALICE, "quiz.answer", choice=1)
    driver.advance(0.001)
    with pytest.raises(ConflictError) as late:
        driver.do(BOB, "quiz.answer", choice=1)
    assert late.value.code == "quiz.closed"


def test_quiz_one_answer_per_identity(driver: Driver) -> None:
    prepare(driver)
    driver.do(HOST, "quiz.ask")
    driver.do(ALICE, "quiz.answer", choice=0)
    with pytest.raises(ConflictError) as twice:
        driver.do(ALICE, "quiz.answer", choice=1)
    assert twice.value.code == "quiz.already_answered"


@pytest.mark.parametrize("choice", [3, -1, 6, True, "1", 1.0, None])
def test_quiz_answer_outside_the_options_is_refused(driver: Driver, choice: object) -> None:
    prepare(driver)  # three options: 0, 1 and 2
    driver.do(HOST, "quiz.ask")
    before = len(driver.events)
    with pytest.raises(InvalidError) as bad:
        driver.do(ALICE, "quiz.answer", choice=choice)
    assert (bad.value.code, len(driver.events)) == ("quiz.choice_invalid", before)
    driver.do(ALICE, "quiz.answer", choice=2)  # the last option is one
    assert driver.last().data["choice"] == 2


def test_quiz_scoring_rewards_correctness_and_speed(driver: Driver) -> None:
    assert quiz.points_for(True, timedelta(0), 20) == 1000
    assert quiz.points_for(True, timedelta(seconds=10), 20) == 750
    assert quiz.points_for(True, timedelta(seconds=20), 20) == 500
    assert quiz.points_for(False, timedelta(0), 20) == 0


def test_quiz_reveal_shows_correct_counts_and_leaderboard(driver: Driver) -> None:
    qid = prepare(driver)
    driver.do(HOST, "quiz.ask")
    driver.do(ALICE, "quiz.answer", choice=1)
    driver.advance(10)
    driver.do(BOB, "quiz.answer", choice=1)
    driver.do(CAROL, "quiz.answer", choice=2)
    driver.do(HOST, "quiz.reveal")
    data = driver.last().data
    assert (data["id"], data["correct"], data["counts"], data["players"]) == (qid, 1, [0, 2, 1], 3)
    assert [(r["rank"], r["name"], r["points"]) for r in data["leaderboard"]] == [
        (1, "Alice", 1000),
        (2, "Bob", 750),
        (3, "Carol", 0),
    ]
    with pytest.raises(ConflictError) as after:
        driver.do(CAROL, "quiz.answer", choice=1)
    assert after.value.code == "quiz.not_running"


def test_quiz_ties_share_a_rank(driver: Driver) -> None:
    prepare(driver)
    driver.do(HOST, "quiz.ask")
    for who in (ALICE, BOB):
        driver.do(who, "quiz.answer", choice=1)
    driver.do(CAROL, "quiz.answer", choice=0)
    driver.do(HOST, "quiz.reveal")
    assert [r["rank"] for r in driver.last().data["leaderboard"]] == [1, 1, 3]


def test_quiz_leaderboard_is_top_ten_and_standing_gives_own_rank(driver: Driver) -> None:
    prepare(driver)
    driver.do(HOST, "quiz.ask")
    players = [Identity(f"g:p{n:02}", f"P{n:02}") for n in range(12)]
    for n, player in enumerate(players):
        driver.advance(1)
        driver.do(player, "quiz.answer", choice=1 if n < 11 else 0)
    driver.do(HOST, "quiz.reveal")
    assert len(driver.last().data["leaderboard"]) == quiz.LEADERBOARD
    assert driver.ask(players[11], "quiz.standing") == {"rank": 12, "points": 0, "players": 12}
    assert driver.ask(ALICE, "quiz.standing") == {"rank": None, "points": 0, "players": 12}


def test_quiz_runs_questions_one_by_one_and_ends_with_a_podium(driver: Driver) -> None:
    first = prepare(driver)
    second = prepare(driver, correct=0)
    driver.do(HOST, "quiz.ask")
    with pytest.raises(ConflictError) as busy:
        driver.do(HOST, "quiz.ask")
    driver.do(ALICE, "quiz.answer", choice=1)
    driver.do(HOST, "quiz.reveal", id=first)
    driver.do(HOST, "quiz.ask")
    assert driver.last().data["id"] == second
    driver.do(BOB, "quiz.answer", choice=0)
    driver.do(HOST, "quiz.reveal")
    with pytest.raises(NotFoundError):
        driver.do(HOST, "quiz.ask")
    driver.do(HOST, "quiz.finish")
    assert busy.value.code == "quiz.in_progress"
    assert [p["name"] for p in driver.last().data["podium"]] == ["Alice", "Bob"]
    assert driver.snapshot(ALICE)["quiz"]["finished"] is True


def test_quiz_host_commands_are_for_moderators(driver: Driver) -> None:
    with pytest.raises(ForbiddenError):
        driver.do(ALICE, "quiz.add", text="q", options=["a", "b"], correct=0)


def test_quiz_snapshot_shows_running_question_and_my_answer(driver: Driver) -> None:
    prepare(driver)
    driver.do(HOST, "quiz.ask")
    driver.do(ALICE, "quiz.answer", choice=2)
    snap = driver.snapshot(ALICE)["quiz"]
    assert (snap["running"], snap["my_answer"]) == (True, 2)
    assert "correct" not in snap["question"]


def test_quiz_a_reveal_of_an_earlier_question_leaves_the_running_one(driver: Driver) -> None:
    first, second = prepare(driver), prepare(driver)
    driver.do(HOST, "quiz.ask", id=first)
    driver.do(HOST, "quiz.reveal")
    stale = driver.last()
    driver.do(HOST, "quiz.ask", id=second)
    quiz.apply(driver.state.quiz, stale)  # the first reveal, delivered once more
    assert (driver.state.quiz.running, driver.state.quiz.questions[first].revealed) == (
        second,
        True,
    )
