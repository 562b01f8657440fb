"""What a room feature is: one descriptor with its commands, queries, events, errors and views.

Each feature module exports ``FEATURE``; :data:`realtime.rooms.room.FEATURES` lists them, and
everything that used to repeat them is derived from that tuple: the room's dispatch and
snapshot, the protocol's client and server types, the error codes, the rate-limit table and
the protocol doc's test. Adding a feature is one module and one line in ``FEATURES``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from realtime.events import Context, Event, Outcome
from realtime.identity import Identity
from realtime.rooms.shapes import Shape

if TYPE_CHECKING:  # the room holds the features: it is defined after them
    from realtime.rooms.room import RoomState

S = TypeVar("S")

#: Who a transient frame is built for: everyone, those who voted in the open poll (they see
#: its results), moderators.
VIEWS = ("public", "voter", "moderator")
#: What changed since the last tick, per view: (transient frame type, its data) pairs.
Changes = dict[str, list[tuple[str, Mapping[str, object]]]]


def for_everyone(frame: str, data: Mapping[str, object]) -> Changes:
    """The same transient frame for every view."""
    return {view: [(frame, data)] for view in VIEWS}


@dataclass(frozen=True, slots=True)
class Command:
    """A client message the room's actor decides: it may produce events (stored, broadcast)."""

    handler: Callable[[RoomState, Context, dict[str, Any]], Outcome]
    doc: str  # one line, for docs/protocol.md
    moderator: bool = False  # moderators only
    speaking: bool = False  # refused while muted
    #: The rate bucket it draws from (a field of :class:`realtime.limits.Limits`); None: only
    #: the per-connection frame bucket.
    bucket: str | None = None
    #: What its ``data`` looks like (the handler checks it; tests generate from it).
    shape: Mapping[str, Shape] = field(default_factory=dict)
    #: A vote (a poll vote, an upvote, a quiz answer): refused to guests in a room whose host
    #: lets only signed-in people vote.
    vote: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A client message answered from the state alone: nothing is stored or broadcast."""

    handler: Callable[[RoomState, Context], dict[str, Any]]
    doc: str
    moderator: bool = False


@dataclass(frozen=True, slots=True)
class Counted:
    """A client message that is counted and shown once a second, never stored (reactions)."""

    check: Callable[[dict[str, Any]], str]  # what is counted, or a RoomError
    doc: str
    bucket: str | None = None
    shape: Mapping[str, Shape] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The feature's part of a participant's snapshot, under ``key``."""

    key: str
    view: Callable[[RoomState, Identity, datetime], object]


@dataclass(frozen=True, slots=True)
class Feature(Generic[S]):
    """One room feature, as the room, the protocol and the docs see it."""

    name: str
    #: Makes the feature's part of a room's state (None: it keeps none in the room's state).
    new_state: Callable[[], S] | None = None
    commands: Mapping[str, Command] = field(default_factory=dict)
    #: Commands the server itself issues to the room's actor (never a client message type).
    internal: Mapping[str, Command] = field(default_factory=dict)
    queries: Mapping[str, Query] = field(default_factory=dict)
    counted: Mapping[str, Counted] = field(default_factory=dict)
    #: Event kinds it produces, each with its description.
    events: Mapping[str, str] = field(default_factory=dict)
    #: Error codes it raises (beyond the core's in :data:`realtime.errors.CORE_CODES`).
    errors: Mapping[str, str] = field(default_factory=dict)
    #: Transient frames (unnumbered, never replayed) it sends, each with its description.
    transients: Mapping[str, str] = field(default_factory=dict)
    #: Takes what changed in its state since the last tick, as transient frames per view (the
    #: once-a-second ticker sends them); features whose counts live outside the room's state
    #: (reactions, presence) are counted by the ticker itself.
    changed: Callable[[S], Changes] | None = None
    #: Folds one of its events into its state.
    apply: Callable[[S, Event], None] | None = None
    snapshot: Snapshot | None = None
    #: Whether a viewer's snapshot of it differs from anybody's (then it is not shared).
    personal: Callable[[RoomState, Identity], bool] | None = None
    #: The host's on/off switch its commands need (one of lifecycle.FEATURES), if any.
    switch: str | None = None
    #: The identities whose connections one of its events ends once committed (a ban's).
    closes: Callable[[Event], list[str]] | None = None

    def client_types(self) -> dict[str, str]:
        """Every client message type it takes, with its one-line doc."""
        docs = {name: command.doc for name, command in self.commands.items()}
        docs |= {name: query.doc for name, query in self.queries.items()}
        return docs | {name: counted.doc for name, counted in self.counted.items()}

    def buckets(self) -> dict[str, str]:
        """The rate bucket of each of its client message types that draws on one."""
        found = {name: c.bucket for name, c in self.commands.items() if c.bucket is not None}
        return found | {name: c.bucket for name, c in self.counted.items() if c.bucket is not None}

    def of(self, room: RoomState) -> S:
        """This feature's part of ``room``'s state."""
        return cast(S, room.parts[self.name])

    def take_changes(self, room: RoomState) -> Changes:
        """What changed in this feature's part of ``room`` since the last call."""
        return {} if self.changed is None else self.changed(self.of(room))

    def fold(self, room: RoomState, event: Event) -> None:
        """Fold one of this feature's events into ``room``'s state."""
        if self.apply is not None:
            self.apply(self.of(room), event)
