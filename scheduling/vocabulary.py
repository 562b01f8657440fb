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


class AgeGroup(enum.StrEnum):
    """Whom a toolkit is written for, by age (a toolkit may suit several)."""

    EARLY_YEARS = "early_years"  # 0-5
    CHILDREN = "children"  # 6-11
    TEENAGERS = "teenagers"  # 12-17
    YOUNG_ADULTS = "young_adults"  # 18-25
    ADULTS = "adults"
    ALL_AGES = "all_ages"


class Licence(enum.StrEnum):
    """The Creative Commons licences a toolkit may be shared under (version 4.0, and CC0)."""

    CC_BY = "cc-by-4.0"
    CC_BY_SA = "cc-by-sa-4.0"
    CC_BY_NC = "cc-by-nc-4.0"
    CC_BY_NC_SA = "cc-by-nc-sa-4.0"
    CC_BY_ND = "cc-by-nd-4.0"
    CC_BY_NC_ND = "cc-by-nc-nd-4.0"
    CC0 = "cc0-1.0"


class ToolkitStatus(enum.StrEnum):
    """A toolkit is its organisation's draft until published; unpublishing makes it a draft."""

    DRAFT = "draft"
    PUBLISHED = "published"


AGE_GROUPS: tuple[str, ...] = tuple(group.value for group in AgeGroup)
LICENCES: tuple[str, ...] = tuple(licence.value for licence in Licence)
TOOLKIT_STATUSES: tuple[str, ...] = tuple(status.value for status in ToolkitStatus)
