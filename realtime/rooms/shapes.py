"""What the ``data`` of each client message looks like, declared next to its handler.

A command's handler reads and checks its fields (:mod:`realtime.fields`); its shape says the
same thing as data, so that tests can generate well-formed commands for every feature (and a
new feature's commands are exercised without a test written for them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    """Text of 1 to ``max_chars`` characters."""

    max_chars: int
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Whole:
    """A whole number from ``low`` to ``high``."""

    low: int
    high: int
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Flag:
    """True or false."""

    optional: bool = False


@dataclass(frozen=True, slots=True)
class OneOf:
    """One of a few fixed strings."""

    values: tuple[str, ...]
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Texts:
    """A list of ``min_items`` to ``max_items`` distinct texts of up to ``max_chars``."""

    min_items: int
    max_items: int
    max_chars: int
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Indexes:
    """A non-empty list of distinct option numbers below ``high``."""

    high: int
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Ref:
    """The id of something in the room: the ``seq`` of the ``kind`` event that made it."""

    kind: str
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Person:
    """The identity id of someone who has been in the room."""

    optional: bool = False


@dataclass(frozen=True, slots=True)
class Switches:
    """Some of the host's on/off switches, each mapped to true or false."""

    names: tuple[str, ...]
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Nonce:
    """The client's idempotency key: 1 to 64 characters."""

    optional: bool = True


Shape = Text | Whole | Flag | OneOf | Texts | Indexes | Ref | Person | Switches | Nonce
