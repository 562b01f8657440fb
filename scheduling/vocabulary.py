"""The programme's words, defined once: session kinds, audiences, statuses and SDG numbers.

Everything that stores, checks, filters, imports, exports or shows one of these imports it from
here; ``festival.labels`` names each value for people, and tests/festival/test_labels.py ties
the names to these values (every value named, no name without a value).
"""

from __future__ import annotations

import enum


class SessionKind(enum.StrEnum):
    """What happens in a session."""

    LECTURE = "lecture"
    DEBATE = "debate"
    WORKSHOP = "workshop"
    GAME = "game"
    READING = "reading"
    QA = "qa"
    PERFORMANCE = "performance"
    OTHER = "other"


class Audience(enum.StrEnum):
    """Who a session is for."""

    EVERYONE = "everyone"
    CHILDREN = "children"
    YOUTH = "youth"
    ADULTS = "adults"
    EDUCATORS = "educators"


class SessionStatus(enum.StrEnum):
    """Where a session is in its life: only published sessions are live, soon or counted."""

    DRAFT = "draft"  # the organiser's own: never shown, never in a feed
    SUBMITTED = "submitted"  # waiting for an admin's review: still not public
    PUBLISHED = "published"
    CANCELLED = "cancelled"  # still shown, struck through, kept in feeds until the festival ends


KINDS: tuple[str, ...] = tuple(kind.value for kind in SessionKind)
AUDIENCES: tuple[str, ...] = tuple(audience.value for audience in Audience)
STATUSES: tuple[str, ...] = tuple(status.value for status in SessionStatus)
#: What the public sees (pages, API lists, feeds): drafts stay with their organiser.
PUBLIC_STATUSES: tuple[str, ...] = (SessionStatus.PUBLISHED.value, SessionStatus.CANCELLED.value)
#: The United Nations' Sustainable Development Goals, by number.
SDGS: tuple[int, ...] = tuple(range(1, 18))
