"""Well-formed commands for every feature, generated from the shapes in their descriptors.

Values are drawn through a :class:`Chooser`, so the same generator serves hypothesis (which
shrinks what fails) and a seeded ``random.Random`` (for deterministic runs through real
stores). Ids refer to things the room holds, people to people it knows: most commands are
accepted, and the refusals that remain are the rules (already voted, not running, ...).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from hypothesis import strategies as st

from realtime.errors import RoomError
from realtime.events import Event
from realtime.identity import Identity
from realtime.rooms import room
from realtime.rooms.shapes import (
    Flag,
    Indexes,
    Nonce,
    OneOf,
    Person,
    Ref,
    Shape,
    Switches,
    Text,
    Texts,
    Whole,
)

from .conftest import ALICE, BOB, CAROL, HOST, SERVER, Driver

T = TypeVar("T")

WORDS = ("Hello", "Why?", "Été 2027", "🎉 yes", "a\nb", "Kia ora", "42", "Ça va")
PEOPLE = (ALICE, BOB, CAROL, HOST)


class Chooser(Protocol):
    def choice(self, options: Sequence[T]) -> T: ...

    def integer(self, low: int, high: int) -> int: ...


@dataclass(frozen=True, slots=True)
class RandomChooser:
    rng: random.Random

    def choice(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


@dataclass(frozen=True, slots=True)
class DrawChooser:
    data: st.DataObject

    def choice(self, options: Sequence[T]) -> T:
        return self.data.draw(st.sampled_from(options))

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))


def _texts(pick: Chooser, count: int) -> list[str]:
    found: list[str] = []
    while len(found) < count:
        word = pick.choice(WORDS)
        found.append(word if word not in found else f"{word} {len(found)}")
    return found


def value(shape: Shape, state: room.RoomState, events: Sequence[Event], pick: Chooser) -> object:
    """A well-formed value of ``shape`` for this room (ids and people it knows)."""
    if isinstance(shape, Text):
        return pick.choice(WORDS)[: shape.max_chars]
    if isinstance(shape, Whole):
        return pick.integer(shape.low, min(shape.high, shape.low + 5))
    if isinstance(shape, Flag):
        return pick.choice((True, False))
    if isinstance(shape, OneOf):
        return pick.choice(shape.values)
    if isinstance(shape, Texts):
        return _texts(
            pick, pick.integer(shape.min_items, min(shape.max_items, shape.min_items + 2))
        )
    if isinstance(shape, Indexes):
        first = pick.integer(0, min(shape.high, 3) - 1)
        return [first] if pick.integer(0, 3) else sorted({first, pick.integer(0, 2)})
    if isinstance(shape, Ref):
        made = [e.seq for e in events if e.kind == shape.kind]
        return pick.choice(made[-4:]) if made else pick.integer(1, 3)
    if isinstance(shape, Person):
        return pick.choice(sorted(state.names) or [ALICE.id])
    if isinstance(shape, Switches):
        names = [n for n in shape.names if pick.integer(0, 1)] or [shape.names[0]]
        # Mostly on: a room with everything switched off accepts little.
        return {n: bool(pick.integer(0, 3)) for n in names}
    if isinstance(shape, Nonce):
        return f"n{pick.integer(0, 3)}"
    raise AssertionError(f"no generator for {shape!r}")


def data_for(
    shape: Mapping[str, Shape], state: room.RoomState, events: Sequence[Event], pick: Chooser
) -> dict[str, object]:
    """Data for a command of this shape: required fields always, optional ones half the time."""
    return {
        key: value(field_shape, state, events, pick)
        for key, field_shape in shape.items()
        if not field_shape.optional or pick.integer(0, 1)
    }


#: Participants' commands come up three times as often as moderators': a host who ends the
#: room, bans and mutes at every other step leaves little for the participants to do. The
#: server's own commands come up as often as a moderator's.
DECIDED = room.COMMANDS | room.INTERNAL
CHOICES = tuple(
    name for name in sorted(DECIDED) for _ in range(1 if DECIDED[name].moderator else 3)
)


def step(driver: Driver, pick: Chooser) -> tuple[str, Identity, dict[str, object]]:
    """A command of any feature, from someone in the room, with well-formed data."""
    message_type = pick.choice(CHOICES)
    command = DECIDED[message_type]
    # Moderators' commands mostly from the host (else they are all refused), others from all;
    # the server's from the server.
    if message_type in room.INTERNAL:
        who = SERVER
    else:
        who = HOST if command.moderator and pick.integer(0, 4) else pick.choice(PEOPLE)
    return message_type, who, data_for(command.shape, driver.state, driver.events, pick)


@dataclass(slots=True)
class Run:
    """What a generated run did: its room, and which commands were accepted or refused."""

    driver: Driver = field(default_factory=Driver)
    accepted: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)

    def do(self, pick: Chooser) -> None:
        message_type, who, data = step(self.driver, pick)
        try:
            self.driver.do(who, message_type, **data)
        except RoomError as exc:
            self.refused[f"{message_type} {exc.code}"] += 1
        else:
            self.accepted[message_type] += 1
        self.driver.advance(1)

    def kinds(self) -> set[str]:
        return {event.kind for event in self.driver.events}


def seeded_run(seed: int, steps: int, until_kinds: set[str] | None = None) -> Run:
    """A deterministic run of ``steps`` commands (stopping early once ``until_kinds`` occurred)."""
    run = Run()
    pick = RandomChooser(random.Random(seed))
    for _ in range(steps):
        run.do(pick)
        if until_kinds is not None and until_kinds <= run.kinds():
            break
    return run
