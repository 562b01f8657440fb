"""The demo programme as plain values: organisations, sessions, stages (pure: no database).

Built from compact per-organisation plans (``festival.demo.data``) and topic lists
(``festival.demo.topics``) with no randomness and no dependence on today's date. Session UIDs
are ``session_uid("<edition>/<organisation>/<n>")``, the same on every host.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any

from festival.demo.data import (
    ADJUSTMENTS,
    CELEBRATION_SESSIONS,
    EDITIONS,
    FLAGSHIP_DAY,
    FLAGSHIP_SLUG,
    ORGANISATIONS,
)
from festival.demo.topics import TOPICS
from festival.models import OrganisationKind
from festival.sessions import SessionInput, session_uid
from scheduling import tz
from scheduling.vocabulary import Audience, SessionKind, SessionStatus

JOIN_URL_BASE = "https://live.example.org"
MAIN_STAGE = "main-stage"
BREAK_BETWEEN_SESSIONS = timedelta(minutes=30)

SESSION_KINDS: dict[str, SessionKind] = {
    "L": SessionKind.LECTURE,
    "D": SessionKind.DEBATE,
    "W": SessionKind.WORKSHOP,
    "G": SessionKind.GAME,
    "R": SessionKind.READING,
    "Q": SessionKind.QA,
    "P": SessionKind.PERFORMANCE,
    "O": SessionKind.OTHER,
}
ORGANISATION_KINDS: dict[str, OrganisationKind] = {
    "c": OrganisationKind.CITY,
    "a": OrganisationKind.ASSOCIATION,
    "s": OrganisationKind.SCHOOL_NETWORK,
    "y": OrganisationKind.YOUTH_GROUP,
    "o": OrganisationKind.OTHER,
}
ORGANISATION_KIND_PHRASES: dict[OrganisationKind, str] = {
    OrganisationKind.CITY: "a learning city",
    OrganisationKind.ASSOCIATION: "an association",
    OrganisationKind.SCHOOL_NETWORK: "a school network",
    OrganisationKind.YOUTH_GROUP: "a youth group",
    OrganisationKind.OTHER: "an organisation",
}
DURATION_MINUTES: dict[str, int] = {
    "L": 60, "D": 75, "W": 90, "G": 45, "R": 60, "Q": 45, "P": 60, "O": 60,
}  # fmt: skip
#: Seats (or open connections) per kind; None means an open stream with no cap.
CAPACITY: dict[str, int | None] = {
    "L": 500, "D": 300, "W": 40, "G": 150, "R": 100, "Q": 300, "P": None, "O": None,
}  # fmt: skip
#: Main-stage candidates: kinds that work for a world-wide audience.
MAIN_STAGE_KINDS = frozenset({"L", "D", "P", "O"})


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: OrganisationKind
    country: str
    tz_name: str
    city: str
    languages: tuple[str, ...]
    hosts: tuple[str, ...]
    first_start: time
    plan: str

    @property
    def stream(self) -> str:
        return f"{self.slug}-live"

    @property
    def description(self) -> str:
        phrase = ORGANISATION_KIND_PHRASES[self.kind]
        return (
            f"{self.name} is {phrase} in {self.city} taking part in the #LearningPlanet Festival."
        )


@dataclass(frozen=True)
class Topic:
    title: str
    summary: str
    audience: str
    sdgs: tuple[int, ...]


@dataclass(frozen=True)
class DemoSession:
    edition_slug: str
    organisation_slug: str
    number: int  # 1-based, per organisation within an edition
    data: SessionInput

    @property
    def uid(self) -> str:
        return session_uid(f"{self.edition_slug}/{self.organisation_slug}/{self.number}")

    @functools.cached_property
    def starts_at_utc(self) -> datetime:
        return tz.to_utc(self.data.local_start, self.data.tz_name, self.data.fold)

    @functools.cached_property
    def ends_at_utc(self) -> datetime:
        return self.starts_at_utc + timedelta(minutes=self.data.duration_minutes)


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _fields(line: str, count: int) -> list[str]:
    parts = [part.strip() for part in line.split("|")]
    if len(parts) != count:
        raise ValueError(f"expected {count} fields separated by '|': {line!r}")
    return parts


def parse_organisations(text: str) -> list[DemoOrganisation]:
    """Parse the two-line organisation rows of ``festival.demo.data.ORGANISATIONS``."""
    lines = [line for line in text.splitlines() if line.strip()]
    organisations = []
    for head, tail in zip(lines[::2], lines[1::2], strict=True):
        slug, name, where = _fields(head, 3)
        city, languages, schedule, hosts = _fields(tail, 4)
        kind, country, zone_name = where.split()
        first_start, plan = schedule.split()
        organisations.append(
            DemoOrganisation(
                slug=slug,
                name=name,
                kind=ORGANISATION_KINDS[kind],
                country=country,
                tz_name=tz.canonical_name(zone_name),
                city=city,
                languages=tuple(languages.split()),
                hosts=tuple(host.strip() for host in hosts.split(";")),
                first_start=_hhmm(first_start),
                plan=plan,
            )
        )
    return organisations


def parse_topics(text: str) -> dict[str, list[Topic]]:
    """Parse a topic block of ``festival.demo.topics`` into topics per kind letter."""
    topics: dict[str, list[Topic]] = {}
    kind = ""
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("["):
            kind = line.strip("[] ")
            topics.setdefault(kind, [])
        elif line.startswith(" "):
            last = topics[kind][-1]
            summary = f"{last.summary} {line.strip()}".strip()
            topics[kind][-1] = replace(last, summary=summary)
        else:
            meta, title = _fields(line, 2)
            audience, *sdgs = meta.split()
            topics[kind].append(Topic(title, "", audience, tuple(int(s) for s in sdgs)))
    return topics


@dataclass
class TopicPicker:
    """Deals topics round-robin per language and kind, never repeating a finished title."""

    topics: dict[str, dict[str, list[Topic]]]
    used_titles: set[str] = field(default_factory=set)
    next_index: dict[tuple[str, str], int] = field(default_factory=dict)

    def pick(self, language: str, kind: str, city: str) -> Topic:
        for lang in dict.fromkeys((language, "en")):
            found = self._next_unused(lang, kind, city)
            if found is not None:
                return found
        # Every English title for this kind is taken: repeat the next one rather than fail.
        entries = self.topics["en"][kind]
        index = self.next_index.get(("en", kind), 0) % len(entries)
        self.next_index["en", kind] = index + 1
        return self._fill(entries[index], city)

    def _next_unused(self, lang: str, kind: str, city: str) -> Topic | None:
        entries = self.topics.get(lang, {}).get(kind, [])
        start = self.next_index.get((lang, kind), 0)
        for step in range(len(entries)):
            index = (start + step) % len(entries)
            topic = self._fill(entries[index], city)
            if topic.title not in self.used_titles:
                self.used_titles.add(topic.title)
                self.next_index[lang, kind] = index + 1
                return topic
        return None

    @staticmethod
    def _fill(topic: Topic, city: str) -> Topic:
        return replace(
            topic, title=topic.title.format(city=city), summary=topic.summary.format(city=city)
        )


def _session_input(
    org: DemoOrganisation,
    edition_slug: str,
    number: int,
    letter: str,
    local_start: datetime,
    topic: Topic,
    duration_minutes: int | None = None,
) -> SessionInput:
    kind = SESSION_KINDS[letter]
    # Debates and Q&A have two moderators; other sessions alternate the organisation's hosts.
    if kind in (SessionKind.DEBATE, SessionKind.QA):
        hosts = org.hosts
    else:
        hosts = (org.hosts[(number - 1) % len(org.hosts)],)
    return SessionInput(
        title=topic.title,
        summary=topic.summary,
        local_start=local_start,
        tz_name=org.tz_name,
        duration_minutes=duration_minutes or DURATION_MINUTES[letter],
        kind=kind.value,
        languages=org.languages,
        audience=topic.audience,
        sdgs=topic.sdgs,
        hosts=hosts,
        stream=org.stream,
        join_url=f"{JOIN_URL_BASE}/{edition_slug}/{org.slug}/{number}",
        capacity=CAPACITY[letter],
        status=SessionStatus.PUBLISHED.value,
    )


def _adjusted(data: SessionInput, adjustment: dict[str, str]) -> SessionInput:
    changes: dict[str, Any] = {}
    if "hosts" in adjustment:
        changes["hosts"] = data.hosts + tuple(h.strip() for h in adjustment["hosts"].split(";"))
    for key in ("stream", "status"):
        if key in adjustment:
            changes[key] = adjustment[key]
    return replace(data, **changes)


def flagship_sessions(
    organisations: Sequence[DemoOrganisation], picker: TopicPicker
) -> list[DemoSession]:
    """Each organisation's plan, back to back from its first start, on the festival day."""
    sessions = []
    for org in organisations:
        cursor = datetime.combine(FLAGSHIP_DAY, org.first_start)
        for number, letter in enumerate(org.plan, start=1):
            adjustment = ADJUSTMENTS.get((org.slug, number), {})
            start = cursor
            if "start" in adjustment:
                start = datetime.combine(FLAGSHIP_DAY, _hhmm(adjustment["start"]))
                if start < cursor:
                    raise ValueError(f"{org.slug} session {number} would overlap the one before")
            if start.date() != FLAGSHIP_DAY:
                raise ValueError(f"{org.slug} session {number} starts after local midnight")
            if "title" in adjustment:
                topic = Topic(
                    adjustment["title"], adjustment["summary"], Audience.EVERYONE.value, (4, 17)
                )
            else:
                topic = picker.pick(org.languages[0], letter, org.city)
            data = _session_input(org, FLAGSHIP_SLUG, number, letter, start, topic)
            sessions.append(
                DemoSession(FLAGSHIP_SLUG, org.slug, number, _adjusted(data, adjustment))
            )
            cursor = start + timedelta(minutes=data.duration_minutes) + BREAK_BETWEEN_SESSIONS
    return sessions


def assign_main_stage(
    sessions: Sequence[DemoSession], organisations: Sequence[DemoOrganisation]
) -> list[DemoSession]:
    """Put one lecture, debate or performance per organisation on the shared main stage.

    Greedy in UTC order, skipping any session that would overlap one already on stage, so the
    main stage follows the sun without ever being double-booked.
    """
    own_stream = {org.slug: org.stream for org in organisations}
    on_stage = [s for s in sessions if s.data.stream == MAIN_STAGE]
    staged_orgs = {s.organisation_slug for s in on_stage}
    by_letter = {kind.value: letter for letter, kind in SESSION_KINDS.items()}
    chosen: set[str] = set()
    for candidate in sorted(sessions, key=lambda s: (s.starts_at_utc, s.uid)):
        if (
            by_letter[candidate.data.kind] not in MAIN_STAGE_KINDS
            or candidate.data.status != SessionStatus.PUBLISHED.value
            or candidate.data.stream != own_stream[candidate.organisation_slug]
            or candidate.organisation_slug in staged_orgs
        ):
            continue
        start, end = candidate.starts_at_utc, candidate.ends_at_utc
        if any(s.starts_at_utc < end and start < s.ends_at_utc for s in on_stage):
            continue
        on_stage.append(candidate)
        staged_orgs.add(candidate.organisation_slug)
        chosen.add(candidate.uid)
    return [
        replace(s, data=replace(s.data, stream=MAIN_STAGE)) if s.uid in chosen else s
        for s in sessions
    ]


def celebration_sessions(
    organisations: Sequence[DemoOrganisation],
) -> list[DemoSession]:
    by_slug = {org.slug: org for org in organisations}
    numbers: dict[tuple[str, str], int] = {}
    days = {slug: first for slug, _name, _kind, first, _last, _text in EDITIONS}
    sessions = []
    for (
        edition_slug,
        org_slug,
        letter,
        start,
        minutes,
        audience,
        sdgs,
        title,
        summary,
    ) in CELEBRATION_SESSIONS:
        org = by_slug[org_slug]
        number = numbers[edition_slug, org_slug] = numbers.get((edition_slug, org_slug), 0) + 1
        local_start = datetime.combine(days[edition_slug], _hhmm(start))
        topic = Topic(title, summary, audience, tuple(int(s) for s in sdgs.split()))
        data = _session_input(org, edition_slug, number, letter, local_start, topic, minutes)
        sessions.append(DemoSession(edition_slug, org_slug, number, data))
    return sessions


@dataclass(frozen=True)
class Programme:
    organisations: tuple[DemoOrganisation, ...]
    sessions: tuple[DemoSession, ...]


@functools.cache
def build_programme() -> Programme:
    """The whole demo programme as plain values (pure: no database)."""
    organisations = parse_organisations(ORGANISATIONS)
    picker = TopicPicker({lang: parse_topics(text) for lang, text in TOPICS.items()})
    flagship = assign_main_stage(flagship_sessions(organisations, picker), organisations)
    return Programme(tuple(organisations), tuple(flagship + celebration_sessions(organisations)))
