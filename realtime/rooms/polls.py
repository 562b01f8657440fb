"""Polls: single or multiple choice, one open at a time, one vote per identity, live results.

The host chooses whether results show to everyone while the poll runs (``live``) or only to
those who have voted (``after_vote``); moderators always see them, everyone once it closes.
A poll's id is the ``seq`` of its ``poll.opened`` event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from realtime import fields
from realtime.errors import ConflictError, InvalidError, NotFoundError
from realtime.events import PRIVATE, Context, Draft, Event, Outcome
from realtime.identity import Identity
from realtime.rooms.feature import Changes, Command, Feature, Snapshot
from realtime.rooms.shapes import Flag, Indexes, OneOf, Ref, Text, Texts

MAX_QUESTION_CHARS = 200
MAX_OPTION_CHARS = 80
MIN_OPTIONS, MAX_OPTIONS = 2, 10
RESULTS = ("live", "after_vote")


class Tally(TypedDict):
    """A poll's running count: voters, and the counts where the viewer may see them."""

    id: int
    total: int
    counts: NotRequired[list[int]]


@dataclass(slots=True)
class Poll:
    id: int
    question: str
    options: list[str]
    multiple: bool
    results: str
    open: bool = True
    counts: list[int] = field(default_factory=list)
    voters: dict[str, list[int]] = field(default_factory=dict)

    def results_visible_to(self, viewer: Identity) -> bool:
        return (
            not self.open or self.results == "live" or viewer.moderator or viewer.id in self.voters
        )

    def tally(self, with_counts: bool) -> Tally:
        out: Tally = {"id": self.id, "total": len(self.voters)}
        if with_counts:
            out["counts"] = list(self.counts)
        return out

    def view(self, viewer: Identity) -> dict[str, Any]:
        out = {
            "id": self.id,
            "question": self.question,
            "options": self.options,
            "multiple": self.multiple,
            "results": self.results,
            "open": self.open,
            "my_choices": self.voters.get(viewer.id),
        }
        return {**out, **self.tally(self.results_visible_to(viewer))}


@dataclass(slots=True)
class PollState:
    polls: dict[int, Poll] = field(default_factory=dict)
    #: The open poll, or the last one (closed) so late joiners see its results.
    current: int | None = None
    #: Votes arrived since the last ``poll.tally`` update.
    dirty: bool = False

    def active(self) -> Poll | None:
        return self.polls.get(self.current) if self.current is not None else None


def create(state: PollState, ctx: Context, data: dict[str, Any]) -> Outcome:
    active = state.active()
    if active is not None and active.open:
        raise ConflictError("Close the open poll before starting another.", "poll.already_open")
    question = fields.text(data, "question", MAX_QUESTION_CHARS, "poll.invalid", "poll.invalid")
    options = fields.text_list(
        data, "options", MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION_CHARS, "poll.invalid"
    )
    payload = {
        "question": question,
        "options": options,
        "multiple": fields.boolean(data, "multiple", False),
        "results": fields.choice(data, "results", RESULTS, "live"),
    }
    return Outcome([Draft("poll.opened", payload)])


def _poll(state: PollState, data: dict[str, Any]) -> Poll:
    poll_id = fields.optional_integer(data, "id", 1)
    poll = state.active() if poll_id is None else state.polls.get(poll_id)
    if poll is None:
        raise NotFoundError("There is no such poll.", "poll.not_found")
    return poll


def vote(state: PollState, ctx: Context, data: dict[str, Any]) -> Outcome:
    poll = _poll(state, data)
    if not poll.open:
        raise ConflictError("The poll is closed.", "poll.closed")
    if ctx.actor.id in poll.voters:
        raise ConflictError("You have already voted in this poll.", "poll.already_voted")
    choices = fields.int_list(data, "choices", len(poll.options), "poll.choice_invalid")
    if len(choices) > 1 and not poll.multiple:
        raise InvalidError("This poll takes one choice.", "poll.choice_invalid")
    counts = list(poll.counts)
    for index in choices:
        counts[index] += 1
    reply = {"id": poll.id, "total": len(poll.voters) + 1, "counts": counts}
    return Outcome([Draft("poll.voted", {"id": poll.id, "choices": choices}, PRIVATE)], reply)


def close(state: PollState, ctx: Context, data: dict[str, Any]) -> Outcome:
    poll = _poll(state, data)
    if not poll.open:
        raise ConflictError("The poll is already closed.", "poll.closed")
    payload = {"id": poll.id, "counts": list(poll.counts), "total": len(poll.voters)}
    return Outcome([Draft("poll.closed", payload)])


def apply(state: PollState, event: Event) -> None:
    data = event.data
    if event.kind == "poll.opened":
        options = list(data["options"])
        state.polls[event.seq] = Poll(
            event.seq,
            data["question"],
            options,
            data["multiple"],
            data["results"],
            counts=[0] * len(options),
        )
        state.current = event.seq
        state.dirty = False
        return
    poll = state.polls.get(data["id"])
    if poll is None:
        return
    if event.kind == "poll.voted" and poll.open and event.actor not in poll.voters:
        poll.voters[event.actor] = list(data["choices"])
        for index in data["choices"]:
            poll.counts[index] += 1
        state.dirty = True
    elif event.kind == "poll.closed":
        poll.open = False
        state.dirty = False


def snapshot(state: PollState, viewer: Identity) -> dict[str, Any] | None:
    poll = state.active()
    return None if poll is None else poll.view(viewer)


def is_personal(state: PollState, viewer: Identity) -> bool:
    """Whether the viewer has voted in the current poll."""
    poll = state.active()
    return poll is not None and viewer.id in poll.voters


def take_tally(state: PollState) -> Changes:
    """The open poll's tally once votes changed: with counts for voters and moderators, and
    for everyone while its results are live."""
    poll = state.active()
    if not state.dirty or poll is None:
        return {}
    state.dirty = False
    full = ("poll.tally", poll.tally(with_counts=True))
    public = full if poll.results == "live" else ("poll.tally", poll.tally(False))
    return {"public": [public], "voter": [full], "moderator": [full]}


FEATURE: Feature[PollState] = Feature(
    "polls",
    PollState,
    commands={
        "poll.create": Command(
            lambda room, ctx, data: create(FEATURE.of(room), ctx, data),
            "Moderator: open a poll.",
            moderator=True,
            shape={
                "question": Text(MAX_QUESTION_CHARS),
                "options": Texts(MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION_CHARS),
                "multiple": Flag(optional=True),
                "results": OneOf(RESULTS, optional=True),
            },
        ),
        "poll.vote": Command(
            lambda room, ctx, data: vote(FEATURE.of(room), ctx, data),
            "Vote in the open poll (once per identity).",
            bucket="vote",
            shape={"id": Ref("poll.opened", optional=True), "choices": Indexes(MAX_OPTIONS)},
            vote=True,
        ),
        "poll.close": Command(
            lambda room, ctx, data: close(FEATURE.of(room), ctx, data),
            "Moderator: close the poll and publish final results.",
            moderator=True,
            shape={"id": Ref("poll.opened", optional=True)},
        ),
    },
    events={
        "poll.opened": "A poll opened: `question`, `options`, `multiple`, `results`.",
        "poll.closed": "The poll closed: `id`, final `counts` and `total`.",
        "poll.voted": "Private (never sent): one identity's choices.",
    },
    errors={
        "poll.invalid": "The poll needs a question and 2 to 10 distinct options.",
        "poll.not_found": "There is no such poll.",
        "poll.already_open": "Another poll is open; close it first.",
        "poll.closed": "The poll is closed.",
        "poll.already_voted": "You have already voted in this poll.",
        "poll.choice_invalid": "The choice is not one of the poll's options.",
    },
    changed=take_tally,
    transients={
        "poll.tally": "Transient: live counts of the open poll (counts only where visible)."
    },
    apply=apply,
    snapshot=Snapshot("poll", lambda room, viewer, now: snapshot(FEATURE.of(room), viewer)),
    personal=lambda room, viewer: is_personal(FEATURE.of(room), viewer),
    switch="polls",
)
