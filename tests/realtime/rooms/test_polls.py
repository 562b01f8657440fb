from __future__ import annotations

import pytest

from realtime.errors import ConflictError, InvalidError, NotFoundError
from realtime.rooms import polls

from .conftest import ALICE, BOB, CAROL, HOST, Driver


def open_poll(driver: Driver, **extra: object) -> int:
    driver.do(HOST, "poll.create", question="Best?", options=["a", "b", "c"], **extra)
    return driver.last().seq


def test_poll_create_requires_two_to_ten_distinct_options(driver: Driver) -> None:
    for options in (["only"], [str(n) for n in range(11)], ["same", "Same"]):
        with pytest.raises(InvalidError) as bad:
            driver.do(HOST, "poll.create", question="q", options=options)
        assert bad.value.code == "poll.invalid"


def test_poll_vote_once_per_identity(driver: Driver) -> None:
    poll_id = open_poll(driver)
    assert driver.do(ALICE, "poll.vote", choices=[1]).reply == {
        "id": poll_id,
        "total": 1,
        "counts": [0, 1, 0],
    }
    with pytest.raises(ConflictError) as twice:
        driver.do(ALICE, "poll.vote", id=poll_id, choices=[0])
    assert twice.value.code == "poll.already_voted"
    assert driver.last().visibility == "private"


def test_poll_single_choice_refuses_several_choices(driver: Driver) -> None:
    open_poll(driver)
    with pytest.raises(InvalidError) as several:
        driver.do(ALICE, "poll.vote", choices=[0, 1])
    with pytest.raises(InvalidError) as outside:
        driver.do(ALICE, "poll.vote", choices=[3])
    assert (several.value.code, outside.value.code) == ("poll.choice_invalid",) * 2


def test_poll_multiple_choice_counts_each_choice(driver: Driver) -> None:
    open_poll(driver, multiple=True)
    driver.do(ALICE, "poll.vote", choices=[2, 0])
    driver.do(BOB, "poll.vote", choices=[0])
    assert driver.snapshot(CAROL)["poll"]["counts"] == [2, 0, 1]


def test_poll_closed_refuses_votes_and_publishes_final_counts(driver: Driver) -> None:
    poll_id = open_poll(driver)
    driver.do(ALICE, "poll.vote", choices=[0])
    driver.do(HOST, "poll.close")
    assert driver.last().data == {"id": poll_id, "counts": [1, 0, 0], "total": 1}
    with pytest.raises(ConflictError) as closed:
        driver.do(BOB, "poll.vote", choices=[1])
    assert closed.value.code == "poll.closed"


def test_poll_only_one_open_at_a_time(driver: Driver) -> None:
    open_poll(driver)
    with pytest.raises(ConflictError) as second:
        open_poll(driver)
    assert second.value.code == "poll.already_open"
    driver.do(HOST, "poll.close")
    assert open_poll(driver) == 3


def test_poll_after_vote_results_hidden_until_voting(driver: Driver) -> None:
    open_poll(driver, results="after_vote")
    driver.do(ALICE, "poll.vote", choices=[1])
    assert "counts" not in driver.snapshot(BOB)["poll"]
    assert driver.snapshot(BOB)["poll"]["total"] == 1
    assert driver.snapshot(ALICE)["poll"]["counts"] == [0, 1, 0]
    assert driver.snapshot(HOST)["poll"]["counts"] == [0, 1, 0]
    driver.do(HOST, "poll.close")
    assert driver.snapshot(BOB)["poll"]["counts"] == [0, 1, 0]


def test_poll_live_results_visible_to_everyone(driver: Driver) -> None:
    open_poll(driver)
    driver.do(ALICE, "poll.vote", choices=[2])
    assert driver.snapshot(BOB)["poll"]["counts"] == [0, 0, 1]
    assert driver.snapshot(ALICE)["poll"]["my_choices"] == [2]


def test_poll_vote_without_a_poll_is_not_found(driver: Driver) -> None:
    with pytest.raises(NotFoundError) as missing:
        driver.do(ALICE, "poll.vote", choices=[0])
    assert missing.value.code == "poll.not_found"


def test_poll_tally_marks_changes(driver: Driver) -> None:
    open_poll(driver)
    assert driver.state.polls.dirty is False
    driver.do(ALICE, "poll.vote", choices=[0])
    active = driver.state.polls.active()
    assert driver.state.polls.dirty is True and active is not None
    assert active.tally(False) == {"id": 1, "total": 1}
    assert polls.snapshot(driver.state.polls, BOB) is not None
