"""Quiz games: the host prepares questions and runs them one by one; answers are timed.

Scoring: a correct answer earns 500 points plus up to 500 more for speed (linear in the time
left); a wrong or missing answer earns nothing. Players are ranked by points (ties share a
rank); the leaderboard shows the top 10 and each player can ask for their own standing.
A question's id is the ``seq`` of its ``quiz.added`` event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from realtime import fields
from realtime.errors import ConflictError, InvalidError, NotFoundError
from realtime.events import MODERATOR, PRIVATE, Context, Draft, Event, Outcome, iso
from realtime.identity import Identity
from realtime.rooms.feature import Changes, Command, Feature, Query, Snapshot, for_everyone
from realtime.rooms.shapes import Ref, Shape, Text, Texts, Whole

MIN_OPTIONS, MAX_OPTIONS = 2, 6
MIN_SECONDS, MAX_SECONDS = 5, 300
MAX_TEXT_CHARS, MAX_OPTION_CHARS = 200, 80
BASE_POINTS, SPEED_POINTS = 500, 500
LEADERBOARD = 10
PODIUM = 3


@dataclass(slots=True)
class QuizQuestion:
    id: int
    text: str
    options: list[str]
    correct: int
    seconds: int
    asked_at: datetime | None = None
    closes_at: datetime | None = None
    revealed: bool = False
    answers: dict[str, int] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "options": self.options,
            "time_limit_seconds": self.seconds,
            "closes_at": self.closes_at,
            "answers": len(self.answers),
        }
        if self.revealed:
            out["correct"] = self.correct
            out["counts"] = self.counts()
        return out

    def counts(self) -> list[int]:
        counts = [0] * len(self.options)
        for choice in self.answers.values():
            counts[choice] += 1
        return counts


@dataclass(slots=True)
class Score:
    id: str
    name: str
    points: int = 0
    correct: int = 0

    def view(self, rank: int) -> dict[str, Any]:
        return {"rank": rank, "id": self.id, "name": self.name, "points": self.points}


@dataclass(slots=True)
class QuizState:
    questions: dict[int, QuizQuestion] = field(default_factory=dict)
    running: int | None = None  # asked and not yet revealed
    last: int | None = None  # the most recently asked question
    scores: dict[str, Score] = field(default_factory=dict)
    finished: bool = False
    dirty: bool = False  # answers arrived since the last ``quiz.progress``


def points_for(correct: bool, elapsed: timedelta, seconds: int) -> int:
    if not correct:
        return 0
    left = max(0.0, 1.0 - elapsed.total_seconds() / seconds)
    return BASE_POINTS + round(SPEED_POINTS * left)


def ranked(state: QuizState) -> list[tuple[int, Score]]:
    """Every player with their competition rank (1, 2, 2, 4), best first."""
    board = sorted(state.scores.values(), key=lambda s: (-s.points, -s.correct, s.name, s.id))
    out: list[tuple[int, Score]] = []
    for index, score in enumerate(board):
        tied = out and out[-1][1].points == score.points
        out.append((out[-1][0] if tied else index + 1, score))
    return out


def leaderboard(state: QuizState, top: int = LEADERBOARD) -> list[dict[str, Any]]:
    return [score.view(rank) for rank, score in ranked(state)[:top]]


def add(state: QuizState, ctx: Context, data: dict[str, Any]) -> Outcome:
    text = fields.text(data, "text", MAX_TEXT_CHARS, "quiz.invalid", "quiz.invalid")
    options = fields.text_list(
        data, "options", MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION_CHARS, "quiz.invalid"
    )
    correct = data.get("correct")
    if not isinstance(correct, int) or isinstance(correct, bool) or not 0 <= correct < len(options):
        raise InvalidError("`correct` is the number of the right option.", "quiz.invalid")
    seconds = data.get("time_limit_seconds", 20)
    if not isinstance(seconds, int) or not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise InvalidError("The time limit is 5 to 300 seconds.", "quiz.invalid")
    payload = {"text": text, "options": options, "correct": correct, "time_limit_seconds": seconds}
    return Outcome([Draft("quiz.added", payload, MODERATOR)])


def ask(state: QuizState, ctx: Context, data: dict[str, Any]) -> Outcome:
    if state.running is not None:
        raise ConflictError("Reveal the running question first.", "quiz.in_progress")
    question_id = fields.optional_integer(data, "id", 1)
    if question_id is None:
        waiting = [q for q in state.questions.values() if q.asked_at is None]
        if not waiting:
            raise NotFoundError("No prepared question is left.", "quiz.not_found")
        question = waiting[0]
    else:
        found = state.questions.get(question_id)
        if found is None:
            raise NotFoundError("There is no such quiz question.", "quiz.not_found")
        question = found
    if question.asked_at is not None:
        raise ConflictError("This question has already been asked.", "quiz.already_asked")
    closes_at = ctx.now + timedelta(seconds=question.seconds)
    payload = {
        "id": question.id,
        "text": question.text,
        "options": question.options,
        "time_limit_seconds": question.seconds,
        "closes_at": iso(closes_at),
    }
    return Outcome([Draft("quiz.asked", payload)])


def _running(state: QuizState, data: dict[str, Any]) -> QuizQuestion:
    question_id = fields.optional_integer(data, "id", 1)
    if state.running is None or question_id not in (None, state.running):
        raise ConflictError("That question is not running.", "quiz.not_running")
    return state.questions[state.running]


def answer(state: QuizState, ctx: Context, data: dict[str, Any]) -> Outcome:
    question = _running(state, data)
    assert question.asked_at is not None and question.closes_at is not None
    if ctx.now > question.closes_at:
        raise ConflictError("Time is up for this question.", "quiz.closed")
    if ctx.actor.id in question.answers:
        raise ConflictError("You have already answered.", "quiz.already_answered")
    choice = data.get("choice")
    if not isinstance(choice, int) or isinstance(choice, bool):
        raise InvalidError("`choice` is an option number.", "quiz.choice_invalid")
    if not 0 <= choice < len(question.options):
        raise InvalidError("`choice` is not one of the options.", "quiz.choice_invalid")
    elapsed = ctx.now - question.asked_at
    payload = {
        "id": question.id,
        "choice": choice,
        "name": ctx.actor.name,
        "elapsed_ms": int(elapsed.total_seconds() * 1000),
        "points": points_for(choice == question.correct, elapsed, question.seconds),
    }
    return Outcome([Draft("quiz.answered", payload, PRIVATE)], {"id": question.id})


def reveal(state: QuizState, ctx: Context, data: dict[str, Any]) -> Outcome:
    question = _running(state, data)
    payload = {
        "id": question.id,
        "correct": question.correct,
        "counts": question.counts(),
        "leaderboard": leaderboard(state),
        "players": len(state.scores),
    }
    return Outcome([Draft("quiz.revealed", payload)])


def finish(state: QuizState, ctx: Context, data: dict[str, Any]) -> Outcome:
    if state.running is not None:
        raise ConflictError("Reveal the running question first.", "quiz.in_progress")
    board = leaderboard(state)
    payload = {"podium": board[:PODIUM], "leaderboard": board, "players": len(state.scores)}
    return Outcome([Draft("quiz.ended", payload)])


def apply(state: QuizState, event: Event) -> None:  # noqa: C901 - one branch per event kind
    data = event.data
    if event.kind == "quiz.added":
        state.questions[event.seq] = QuizQuestion(
            event.seq, data["text"], data["options"], data["correct"], data["time_limit_seconds"]
        )
        state.finished = False
        return
    question = state.questions.get(data.get("id", 0))
    if event.kind == "quiz.ended":
        state.finished = True
    elif question is None:
        return
    elif event.kind == "quiz.asked":
        question.asked_at = event.at_utc
        question.closes_at = datetime.fromisoformat(data["closes_at"])
        state.running = state.last = question.id
        state.finished = False
    elif event.kind == "quiz.answered" and event.actor not in question.answers:
        question.answers[event.actor] = data["choice"]
        score = state.scores.setdefault(event.actor, Score(event.actor, data["name"]))
        score.points += data["points"]
        score.correct += 1 if data["choice"] == question.correct else 0
        state.dirty = True
    elif event.kind == "quiz.revealed":
        question.revealed = True
        if state.running == question.id:
            state.running = None


def standing(state: QuizState, viewer: Identity) -> dict[str, Any]:
    """The viewer's rank (None before their first answer), points and the number of players."""
    for rank, score in ranked(state):
        if score.id == viewer.id:
            return {"rank": rank, "points": score.points, "players": len(state.scores)}
    return {"rank": None, "points": 0, "players": len(state.scores)}


def snapshot(state: QuizState, viewer: Identity) -> dict[str, Any]:
    last = state.questions.get(state.last) if state.last is not None else None
    out: dict[str, Any] = {
        "question": None if last is None else last.public(),
        "running": state.running is not None,
        "my_answer": None if last is None else last.answers.get(viewer.id),
        "leaderboard": leaderboard(state),
        "finished": state.finished,
        "me": standing(state, viewer),
    }
    if viewer.moderator:
        out["prepared"] = [
            {
                "id": q.id,
                "text": q.text,
                "options": q.options,
                "correct": q.correct,
                "time_limit_seconds": q.seconds,
                "asked": q.asked_at is not None,
            }
            for q in state.questions.values()
        ]
    return out


def _moderators(
    handler: Callable[[QuizState, Context, dict[str, Any]], Outcome], doc: str, **shape: Shape
) -> Command:
    """A command of the room's moderators, who run the quiz."""
    return Command(
        lambda room, ctx, data: handler(FEATURE.of(room), ctx, data),
        doc,
        moderator=True,
        shape=shape,
    )


def take_progress(state: QuizState) -> Changes:
    """``quiz.progress`` for everyone once answers to the running question arrived."""
    if not state.dirty or state.running is None:
        return {}
    state.dirty = False
    running = state.questions[state.running]
    return for_everyone("quiz.progress", {"id": running.id, "answers": len(running.answers)})


FEATURE: Feature[QuizState] = Feature(
    "quiz",
    QuizState,
    commands={
        "quiz.add": _moderators(
            add,
            "Moderator: prepare a quiz question (kept from participants).",
            text=Text(MAX_TEXT_CHARS),
            options=Texts(MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION_CHARS),
            correct=Whole(0, MAX_OPTIONS - 1),
            time_limit_seconds=Whole(MIN_SECONDS, MAX_SECONDS, optional=True),
        ),
        "quiz.ask": _moderators(
            ask,
            "Moderator: start a prepared question (or the next one).",
            id=Ref("quiz.added", optional=True),
        ),
        "quiz.answer": Command(
            lambda room, ctx, data: answer(FEATURE.of(room), ctx, data),
            "Answer the running question before its time limit.",
            bucket="vote",
            shape={"id": Ref("quiz.added", optional=True), "choice": Whole(0, MAX_OPTIONS - 1)},
            vote=True,
        ),
        "quiz.reveal": _moderators(
            reveal,
            "Moderator: stop answers, reveal the answer and the leaderboard.",
            id=Ref("quiz.added", optional=True),
        ),
        "quiz.finish": _moderators(finish, "Moderator: end the quiz and publish the podium."),
    },
    queries={
        "quiz.standing": Query(
            lambda room, ctx: standing(FEATURE.of(room), ctx.actor),
            "Your rank and score (reply only).",
        ),
    },
    events={
        "quiz.added": "Moderators only: a prepared question with its `correct` option.",
        "quiz.asked": (
            "A question runs: `id`, `text`, `options`, `time_limit_seconds`, `closes_at`."
        ),
        "quiz.revealed": (
            "Answers closed: `id`, `correct`, `counts`, top-10 `leaderboard`, `players`."
        ),
        "quiz.ended": "The quiz is over: `podium` (top 3), `leaderboard`, `players`.",
        "quiz.answered": "Private (never sent): one identity's answer and its points.",
    },
    errors={
        "quiz.invalid": (
            "A quiz question needs text, 2 to 6 options, one correct, 5 to 300 seconds."
        ),
        "quiz.not_found": "There is no such quiz question.",
        "quiz.in_progress": "A question is running; reveal it first.",
        "quiz.not_running": "No quiz question is running.",
        "quiz.closed": "The time limit has passed or the answer was revealed.",
        "quiz.already_answered": "You have already answered this question.",
        "quiz.already_asked": "This question has already been asked.",
        "quiz.choice_invalid": "The choice is not one of the question's options.",
    },
    changed=take_progress,
    transients={"quiz.progress": "Transient: how many have answered the running question."},
    apply=apply,
    snapshot=Snapshot("quiz", lambda room, viewer, now: snapshot(FEATURE.of(room), viewer)),
    personal=lambda room, viewer: viewer.id in FEATURE.of(room).scores,
    switch="quiz",
)
