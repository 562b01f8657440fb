"""Q&A: ask, upvote once (removable), moderation queue, approve, answer, pin, hide.

A question's id is the ``seq`` of its ``qa.asked`` event. Upvotes are stored one by one as
private events (one per identity, for the state) and shown as counts once per second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from realtime import fields
from realtime.errors import ConflictError, NotFoundError
from realtime.events import MODERATOR, PRIVATE, PUBLIC, Context, Draft, Event, Outcome, iso
from realtime.identity import Identity
from realtime.rooms import lifecycle
from realtime.rooms.feature import Changes, Command, Feature, Snapshot, for_everyone
from realtime.rooms.shapes import Flag, Nonce, Ref, Shape, Text

MAX_CHARS = 300
OPEN, PENDING, ANSWERED, HIDDEN = "open", "pending", "answered", "hidden"


@dataclass(slots=True)
class Question:
    id: int
    author: dict[str, str]
    text: str
    status: str
    at_utc: datetime
    pinned: bool = False
    voters: set[str] = field(default_factory=set)

    def view(self, viewer: Identity | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "author": self.author,
            "text": self.text,
            "status": self.status,
            "pinned": self.pinned,
            "votes": len(self.voters),
            # A string, not the datetime: this view is also the data of ``qa.approved``, which
            # the event store keeps as JSON.
            "at": iso(self.at_utc),
        }
        if viewer is not None:
            out["voted"] = viewer.id in self.voters
        return out


@dataclass(slots=True)
class QaState:
    questions: dict[int, Question] = field(default_factory=dict)
    #: (author id, nonce) → id of recent questions, for retried asks.
    nonces: dict[tuple[str, str], int] = field(default_factory=dict)
    #: Questions whose vote count changed since the last ``qa.votes`` update.
    dirty: set[int] = field(default_factory=set)


def _visible(state: QaState, ctx: Context, question_id: int) -> Question:
    question = state.questions.get(question_id)
    if question is None or (
        question.status in (PENDING, HIDDEN)
        and not ctx.actor.moderator
        and question.author["id"] != ctx.actor.id
    ):
        raise NotFoundError("There is no such question.", "qa.not_found")
    return question


def ask(state: QaState, ctx: Context, data: dict[str, Any], moderated: bool) -> Outcome:
    text = fields.text(data, "text", MAX_CHARS, "qa.empty", "qa.too_long")
    key = fields.nonce(data)
    known = state.nonces.get((ctx.actor.id, key)) if key is not None else None
    if known is not None:
        return Outcome(
            [], {"seq": known, "status": state.questions[known].status, "duplicate": True}
        )
    pending = moderated and not ctx.actor.moderator
    status = PENDING if pending else OPEN
    payload: dict[str, Any] = {"author": ctx.actor.public(), "text": text, "status": status}
    if key is not None:
        payload["nonce"] = key
    draft = Draft("qa.asked", payload, MODERATOR if pending else PUBLIC)
    return Outcome([draft], {"status": status})


def vote(state: QaState, ctx: Context, data: dict[str, Any], up: bool) -> Outcome:
    question = _visible(state, ctx, fields.integer(data, "id", 1))
    if question.status != OPEN:
        raise ConflictError("Only open questions take votes.", "qa.not_open")
    voted = ctx.actor.id in question.voters
    if up and voted:
        raise ConflictError("You have already upvoted this question.", "qa.already_voted")
    if not up and not voted:
        raise ConflictError("You have not upvoted this question.", "qa.not_voted")
    votes = len(question.voters) + (1 if up else -1)
    draft = Draft("qa.voted", {"id": question.id, "up": up}, PRIVATE)
    return Outcome([draft], {"id": question.id, "votes": votes})


def approve(state: QaState, ctx: Context, data: dict[str, Any]) -> Outcome:
    question = _visible(state, ctx, fields.integer(data, "id", 1))
    if question.status != PENDING:
        raise ConflictError("Only questions waiting in the queue can be approved.", "qa.not_open")
    published = question.view() | {"status": OPEN}
    return Outcome([Draft("qa.approved", {"question": published}, audit=True)])


def _moderate(state: QaState, ctx: Context, data: dict[str, Any], kind: str) -> Outcome:
    question = _visible(state, ctx, fields.integer(data, "id", 1))
    payload: dict[str, Any] = {"id": question.id}
    if kind == "qa.pinned":
        payload["pinned"] = fields.boolean(data, "pinned", True)
    return Outcome([Draft(kind, payload, audit=True)])


def answer(state: QaState, ctx: Context, data: dict[str, Any]) -> Outcome:
    return _moderate(state, ctx, data, "qa.answered")


def pin(state: QaState, ctx: Context, data: dict[str, Any]) -> Outcome:
    return _moderate(state, ctx, data, "qa.pinned")


def hide(state: QaState, ctx: Context, data: dict[str, Any]) -> Outcome:
    return _moderate(state, ctx, data, "qa.hidden")


def apply(state: QaState, event: Event) -> None:
    data = event.data
    if event.kind == "qa.asked":
        state.questions[event.seq] = Question(
            event.seq, data["author"], data["text"], data["status"], event.at_utc
        )
        if "nonce" in data:
            state.nonces[(data["author"]["id"], data["nonce"])] = event.seq
        return
    key = data["question"]["id"] if event.kind == "qa.approved" else data["id"]
    question = state.questions.get(key)
    if question is None:
        return
    if event.kind == "qa.voted":
        if data["up"]:
            question.voters.add(event.actor)
        else:
            question.voters.discard(event.actor)
        state.dirty.add(question.id)
    elif event.kind == "qa.approved":
        question.status = OPEN
    elif event.kind == "qa.answered":
        question.status = ANSWERED
        question.pinned = False
    elif event.kind == "qa.pinned":
        question.pinned = data["pinned"]
    elif event.kind == "qa.hidden":
        question.status = HIDDEN
        question.pinned = False


def order_key(question: Question) -> tuple[bool, int, int]:
    """Pinned first, then most votes, then oldest."""
    return (not question.pinned, -len(question.voters), question.id)


def snapshot(state: QaState, viewer: Identity) -> dict[str, list[dict[str, Any]]]:
    """Open questions by votes, answered ones, and the queue (moderators, or your own)."""
    ordered = sorted(state.questions.values(), key=order_key)
    out: dict[str, list[dict[str, Any]]] = {"open": [], "answered": [], "pending": []}
    if viewer.moderator:
        out["hidden"] = []
    for question in ordered:
        mine = question.author["id"] == viewer.id
        if question.status in (OPEN, ANSWERED):
            out[question.status].append(question.view(viewer))
        elif question.status == PENDING and (viewer.moderator or mine):
            out["pending"].append(question.view(viewer))
        elif question.status == HIDDEN and viewer.moderator:
            out["hidden"].append(question.view(viewer))
    return out


def take_vote_counts(state: QaState) -> dict[str, int]:
    """Counts of questions whose votes changed since the last call (for ``qa.votes``)."""
    counts = {
        str(qid): len(state.questions[qid].voters)
        for qid in sorted(state.dirty)
        if qid in state.questions and state.questions[qid].status == OPEN
    }
    state.dirty.clear()
    return counts


def take_votes(state: QaState) -> Changes:
    """``qa.votes`` for everyone when upvotes changed since the last call."""
    votes = take_vote_counts(state)
    return for_everyone("qa.votes", {"counts": votes}) if votes else {}


def is_personal(state: QaState, viewer: Identity) -> bool:
    """Whether the viewer has upvoted a question or has one waiting in the queue."""
    return any(
        viewer.id in q.voters or (q.status == PENDING and q.author["id"] == viewer.id)
        for q in state.questions.values()
    )


def _moderators(
    handler: Callable[[QaState, Context, dict[str, Any]], Outcome], doc: str, **shape: Shape
) -> Command:
    """A command of the room's moderators over one question (``id``)."""
    return Command(
        lambda room, ctx, data: handler(FEATURE.of(room), ctx, data),
        doc,
        moderator=True,
        shape={"id": Ref("qa.asked"), **shape},
    )


FEATURE: Feature[QaState] = Feature(
    "qa",
    QaState,
    commands={
        "qa.ask": Command(
            lambda room, ctx, data: ask(
                FEATURE.of(room), ctx, data, lifecycle.FEATURE.of(room).qa_moderation
            ),
            "Ask a question.",
            speaking=True,
            bucket="ask",
            shape={"text": Text(MAX_CHARS), "nonce": Nonce()},
        ),
        "qa.upvote": Command(
            lambda room, ctx, data: vote(FEATURE.of(room), ctx, data, True),
            "Upvote a question (once per identity).",
            bucket="vote",
            shape={"id": Ref("qa.asked")},
            vote=True,
        ),
        "qa.unvote": Command(
            lambda room, ctx, data: vote(FEATURE.of(room), ctx, data, False),
            "Take back your upvote.",
            bucket="vote",
            shape={"id": Ref("qa.asked")},
        ),
        "qa.approve": _moderators(
            approve, "Moderator: publish a question from the moderation queue."
        ),
        "qa.answer": _moderators(answer, "Moderator: mark a question answered."),
        "qa.pin": _moderators(
            pin, "Moderator: pin or unpin a question.", pinned=Flag(optional=True)
        ),
        "qa.hide": _moderators(hide, "Moderator: hide a question."),
    },
    events={
        "qa.asked": (
            "A question: `author`, `text`, `status` (open, or pending for moderators only)."
        ),
        "qa.approved": "A pending question was published: `question` (full, as in the snapshot).",
        "qa.answered": "A question was marked answered: `id`.",
        "qa.pinned": "A question was pinned or unpinned: `id`, `pinned`.",
        "qa.hidden": "A question was hidden: `id`.",
        "qa.voted": "Private (never sent): one identity's upvote or its removal.",
    },
    errors={
        "qa.empty": "The question is empty.",
        "qa.too_long": "The question is longer than the limit.",
        "qa.not_found": "There is no such question.",
        "qa.already_voted": "You have already upvoted this question.",
        "qa.not_voted": "You have not upvoted this question.",
        "qa.not_open": "The question is not open for votes.",
    },
    changed=take_votes,
    transients={"qa.votes": "Transient: upvote counts of questions that changed."},
    apply=apply,
    snapshot=Snapshot("qa", lambda room, viewer, now: snapshot(FEATURE.of(room), viewer)),
    personal=lambda room, viewer: is_personal(FEATURE.of(room), viewer),
    switch="qa",
)
