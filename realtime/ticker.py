"""The once-a-second transient frames of a room: reactions, presence, tallies, status.

Transient frames carry no sequence number and are never replayed: each one states the current
value (a joiner gets the same values in its snapshot or join reply). They are built once per
view: ``public``, ``voter`` (has voted in the open poll) and ``moderator``.
"""

from __future__ import annotations

from datetime import datetime

from realtime import protocol
from realtime.rooms import qa, reactions
from realtime.rooms.presence import Presence
from realtime.rooms.room import RoomState

VIEWS = ("public", "voter", "moderator")


def transient_views(
    state: RoomState,
    presence: Presence,
    window: reactions.ReactionWindow,
    status_changed: bool,
    now: datetime,
    presence_due: bool = True,
    with_who: bool = True,
) -> dict[str, str] | None:
    """One frame per view with everything that changed, or None when nothing did.

    ``presence_due``: whether presence may be sent this time (big rooms send it less often);
    ``with_who``: whether a moderator is there to receive the list of names.
    """
    frames: dict[str, list[str]] = {view: [] for view in VIEWS}

    def everyone(frame: str) -> None:
        for view in VIEWS:
            frames[view].append(frame)

    counts = window.flush()
    if counts is not None:
        everyone(protocol.transient("reactions", {"counts": counts}))
    if presence_due and presence.take_change():
        public = protocol.transient("presence", presence.view(moderator=False))
        frames["public"].append(public)
        frames["voter"].append(public)
        moderator = presence.view(moderator=True) if with_who else presence.view(False)
        frames["moderator"].append(protocol.transient("presence", moderator))
    poll = state.polls.active()
    if state.polls.dirty and poll is not None:
        state.polls.dirty = False
        full = protocol.transient("poll.tally", poll.tally(with_counts=True))
        live = poll.results == "live"
        frames["public"].append(
            full if live else protocol.transient("poll.tally", poll.tally(False))
        )
        frames["voter"].append(full)
        frames["moderator"].append(full)
    votes = qa.take_vote_counts(state.qa)
    if votes:
        everyone(protocol.transient("qa.votes", {"counts": votes}))
    if state.quiz.dirty and state.quiz.running is not None:
        state.quiz.dirty = False
        running = state.quiz.questions[state.quiz.running]
        everyone(
            protocol.transient("quiz.progress", {"id": running.id, "answers": len(running.answers)})
        )
    if status_changed:
        everyone(protocol.transient("room.status", {"status": state.status(now).value}))
    if not frames["moderator"]:
        return None
    return {view: protocol.batch(found) for view, found in frames.items()}
