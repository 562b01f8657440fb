"""The session editor's form: what was typed, what it means, and what is wrong with it, by field.

Every answer keeps what was typed. A check never writes: a session is saved only when nothing
is wrong and the organiser has seen what the time means and any conflicts -- on the preview
step (the form sent back with ``confirm`` set to what was shown), or, with JavaScript, in the
live preview while typing (``seen``: the time it explained, when no conflict needs a look).
The time is the organiser's wall time and zone; ``scheduling.meaning`` (over
``scheduling.tz``) says what it means, refuses a time that does not exist and asks which
occurrence of a time that happens twice. Conflicts are warnings, never refusals.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from festival import sessions, times, zonenames
from festival.auth.account import Account
from festival.i18n import current_locale
from festival.i18n import gettext as _
from festival.models import Edition, FestivalSession, Organisation
from festival.stores import accounts as accounts_store
from festival.stores import organisers as store
from scheduling import conflicts, meaning, tz, vocabulary, zonesearch
from scheduling.clock import Clock
from scheduling.errors import AmbiguousTimeError, NonexistentTimeError
from scheduling.meaning import Meaning, Occurrence
from scheduling.slots import Slot
from scheduling.vocabulary import SessionStatus
from scheduling.zonesearch import ZoneMatch

#: The form's single-line fields (trimmed) and its text areas (kept as typed).
LINES: tuple[str, ...] = (
    "title",
    "kind",
    "languages",
    "audience",
    "stream",
    "join_url",
    "capacity",
    "edition",
    "date",
    "start",
    "duration",
    "zone",
    "fold",
    "fold_for",
    "revision",
    "confirm",
    "seen",
)
AREAS: tuple[str, ...] = ("summary", "hosts")
#: festival.sessions' names for fields the form names otherwise.
FORM_NAMES: dict[str, str] = {"duration_minutes": "duration"}
_TIME = re.compile(r"([01]?\d|2[0-3])[:.h]([0-5]\d)")
_HOST_SPLIT = re.compile(r"[\n,;]+")
#: What organisers type for a fixed offset: UTC, GMT+3, UTC-05:00, Etc/GMT-5, +0545.
_FIXED = re.compile(r"(?i)(etc/)?(utc|gmt|z|zulu)?\s*([+-−]\s*\d{1,2}(:?\d\d)?)?")
MAX_HOST_NAME = 120


@dataclass
class Typed:
    """The form as typed: strings only, so a refused form comes back exactly as it was."""

    values: dict[str, str] = field(default_factory=dict)
    sdgs: tuple[str, ...] = ()

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @classmethod
    def from_form(cls, form: Any) -> Typed:
        """Read a submitted form (or query). A suggested start or zone, picked with its own
        button or radio, replaces what was typed."""
        values: dict[str, str] = {}
        for name in (*LINES, *AREAS):
            value = form.get(name)
            text = value if isinstance(value, str) else ""
            values[name] = text.replace("\r\n", "\n") if name in AREAS else text.strip()
        for pick, name in (("use_start", "start"), ("zone_pick", "zone")):
            chosen = form.get(pick)
            if isinstance(chosen, str) and chosen.strip():
                values[name] = chosen.strip()
        getlist = getattr(form, "getlist", None)
        sdgs = tuple(s for s in (getlist("sdgs") if getlist else []) if isinstance(s, str))
        return cls(values, sdgs)

    @classmethod
    def for_new(cls, organisation: Organisation, edition: Edition | None) -> Typed:
        """A new session: the organisation's zone, the edition's first day, an hour."""
        return cls(
            {
                "kind": vocabulary.SessionKind.OTHER.value,
                "audience": vocabulary.Audience.EVERYONE.value,
                "languages": "en",
                "edition": edition.slug if edition else "",
                "date": edition.first_day.isoformat() if edition else "",
                "duration": "60",
                "zone": organisation.tz_name,
            }
        )

    @classmethod
    def of_session(cls, row: FestivalSession, edition: Edition, hosts: list[str]) -> Typed:
        """An existing session, as its organiser entered it."""
        return cls(
            {
                "title": row.title,
                "summary": row.summary,
                "kind": row.kind,
                "languages": ", ".join(row.languages),
                "audience": row.audience,
                "hosts": "\n".join(hosts),
                "stream": row.stream,
                "join_url": row.join_url,
                "capacity": "" if row.capacity is None else str(row.capacity),
                "edition": edition.slug,
                "date": row.local_start.date().isoformat(),
                "start": row.local_start.strftime("%H:%M"),
                "duration": str(row.duration_minutes),
                "zone": row.tz_name,
                "fold": str(row.fold),
                "fold_for": fold_key(row.local_start, row.tz_name),
                "revision": str(row.revision),
            },
            tuple(str(n) for n in row.sdgs),
        )


def host_lines(row: FestivalSession, accounts: Sequence[Any]) -> list[str]:
    """The hosts field of a session: its host accounts by email, then the hosts it names
    without an account (from an import or the demo), as they are written."""
    names = {account.display_name for account in accounts}
    return [account.email for account in accounts] + [h for h in row.hosts if h not in names]


# -- time -------------------------------------------------------------------------------------


def fold_key(wall: datetime, zone_name: str) -> str:
    """What a chosen occurrence belongs to: it counts only for this wall time in this zone, so
    a choice made for one time never picks silently for another."""
    return f"{wall:%Y-%m-%dT%H:%M} {zone_name}"


@dataclass
class TimeCheck:
    """What the typed date, start, length and zone mean, or what is wrong with them."""

    errors: dict[str, str] = field(default_factory=dict)
    meaning: Meaning | None = None
    occurrences: tuple[Occurrence, ...] = ()
    gap: tuple[str, str] | None = None  # the nearest times that exist ("01:59", "03:00")
    zone_matches: list[ZoneMatch] = field(default_factory=list)
    zone: str = ""  # canonical, once understood
    wall: datetime | None = None
    duration: int | None = None
    festival_text: str = ""

    @property
    def fold_key(self) -> str:
        return fold_key(self.wall, self.zone) if self.wall is not None else ""

    @property
    def sentence(self) -> str:
        """What the time means, in the page's language ("" until understood)."""
        return sentence(self.meaning) if self.meaning is not None else ""

    @property
    def seen(self) -> str:
        """What the live preview showed, as a token: the same time gives the same token."""
        if self.meaning is None or self.wall is None:
            return ""
        return _digest("time", self.wall.isoformat(), self.zone, self.meaning.fold, self.duration)


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _parse_date(value: str, check: TimeCheck) -> date | None:
    if not value:
        check.errors["date"] = _("Give the date of the session, in your own zone: 2027-01-24.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        check.errors["date"] = _(
            "“%(value)s” is not a date: write it as year-month-day, for example 2027-01-24.",
            value=value,
        )
        return None


def _parse_start(value: str, check: TimeCheck) -> time | None:
    match = _TIME.fullmatch(value)
    if match is None:
        check.errors["start"] = (
            _(
                "“%(value)s” is not a time: write hours:minutes on a 24-hour clock, "
                "for example 09:00 or 14:30.",
                value=value,
            )
            if value
            else _("Give the time the session starts, for example 09:00.")
        )
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _parse_duration(value: str, check: TimeCheck) -> int | None:
    if not value.isdigit():
        check.errors["duration"] = (
            _(
                "“%(value)s” is not a number of minutes: give a whole number, for example 90 "
                "for an hour and a half.",
                value=value,
            )
            if value
            else _("Give the length in minutes, for example 60.")
        )
        return None
    minutes = int(value)
    if not sessions.MIN_DURATION_MINUTES <= minutes <= sessions.MAX_DURATION_MINUTES:
        check.errors["duration"] = _(
            "A session lasts from 5 minutes to 24 hours (1440 minutes): "
            "%(minutes)s minutes is not possible.",
            minutes=minutes,
        )
        return None
    return minutes


def zone_places() -> tuple[zonesearch.Place, ...]:
    """The places of the zone list, named in the page's language (CLDR's city and country
    names: "Katmandou, Népal")."""
    if current_locale() == "en":
        return tuple(zonesearch.places())
    return zonenames.local_places(current_locale())


def search_zones(query: str, at: datetime) -> list[ZoneMatch]:
    """The zones ``query`` names, best first: among the names of the page's language, then the
    English ones (so "Katmandou" and "Kathmandu" both find Asia/Kathmandu)."""
    if current_locale() != "en":
        local = zonesearch.search(query, at, among=zone_places())
        if local:
            return local
    return zonesearch.search(query, at)


def _resolve_zone(value: str, check: TimeCheck, at: datetime) -> str:
    """The canonical zone ``value`` names: a zone name, or the only place a search finds."""
    if not value:
        check.errors["zone"] = _(
            "Give the time zone of the session: type a city or a country and choose from the list."
        )
        return ""
    if tz.is_valid_zone(value):
        return tz.canonical_name(value)
    matches = search_zones(value, at)
    if len(matches) == 1:
        return matches[0].zone
    check.zone_matches = matches
    if matches:
        check.errors["zone"] = _(
            "“%(value)s” matches several time zones: choose yours below.", value=value
        )
    elif _FIXED.fullmatch(value):
        check.errors["zone"] = _(
            "“%(value)s” is a fixed offset: it does not follow the clock changes of a place. "
            "Type the city or the country whose clocks you follow, and choose from the list.",
            value=value,
        )
    else:
        check.errors["zone"] = _(
            "“%(value)s” is not a time zone we know. Type a city or a country, for example "
            "Kathmandu or India, and choose from the list.",
            value=value,
        )
    return ""


def _day(day: date) -> str:
    """``Sun 24 Jan 2027`` (``dim. 24 janv. 2027``): a date in the page's language."""
    if current_locale() == "en":
        return f"{day:%a %d %b %Y}"
    return format_date(day, "EEE d MMM y", locale=current_locale())


def long_date(day: date) -> str:
    """``24 January 2027`` (``24 janvier 2027``): a date in the page's language."""
    if current_locale() == "en":
        return f"{day.day} {day:%B %Y}"
    return format_date(day, "d MMMM y", locale=current_locale())


def _elsewhere(instant: datetime, zone_name: str, own_day: date) -> str:
    """``22:15 (sam. 23), heure de New York``: the day is said only when it is not the
    organiser's."""
    local = tz.localize(instant, zone_name)
    clock = local.strftime("%H:%M")
    if local.date() != own_day:
        clock += f" ({format_date(local.date(), 'EEE d', locale=current_locale())})"
    if zone_name == tz.VIEWER_UTC:
        return f"{clock} UTC" if local.date() == own_day else clock.replace(" (", " UTC (", 1)
    return _("%(time)s in %(city)s", time=clock, city=times.city_name(zone_name))


def sentence(found: Meaning) -> str:
    """The meaning's one line in the page's language: ``dim. 24 janv. 2027, 09:00, heure de
    Katmandou (UTC+05:45) = 03:15 UTC = 22:15 (sam. 23), heure de New York = …`` (English: as
    ``scheduling.meaning`` says it; times.organiser_time names the zones)."""
    if current_locale() == "en":
        return found.sentence
    own_day = tz.localize(found.starts_at_utc, found.tz_name).date()
    parts = [
        times.organiser_time(
            found.starts_at_utc, found.tz_name, meaning.OWN_PATTERN, zone="offset"
        ),
        _elsewhere(found.starts_at_utc, tz.VIEWER_UTC, own_day),
    ]
    for reference in meaning.REFERENCE_ZONES:
        if tz.canonical_name(reference) != found.tz_name:
            parts.append(_elsewhere(found.starts_at_utc, reference, own_day))
    return " = ".join(parts)


def occurrence_label(occurrence: Occurrence, zone_name: str) -> str:
    """``01:30, heure de Saint-Jean de Terre-Neuve (UTC−02:30) = 04:00 UTC`` (English: as
    ``scheduling.meaning`` says it)."""
    if current_locale() == "en":
        return occurrence.label
    own = times.organiser_time(occurrence.starts_at_utc, zone_name, "%H:%M", zone="offset")
    return f"{own} = {occurrence.starts_at_utc:%H:%M} UTC"


def _festival_text(edition: Edition, found: Meaning) -> str:
    place = times.city_name(found.tz_name)
    day = _day(found.local_day)
    if found.within_festival:
        return _(
            "On a festival date: %(day)s in %(city)s is a day of %(edition)s.",
            day=day,
            city=place,
            edition=edition.name,
        )
    dates = ", ".join(_day(d) for d in edition.days)
    return _(
        "%(edition)s takes place on %(dates)s, in each organiser's own zone; this session "
        "would start on %(day)s in %(city)s. Choose one of the festival's dates.",
        edition=edition.name,
        dates=dates,
        day=day,
        city=place,
    )


def gap_message(wall: datetime, zone_name: str, gap: NonexistentTimeError) -> str:
    """Why ``wall`` does not exist in the zone, and what to choose instead, in the page's
    language, the zone named by its city."""
    before, after = meaning.gap_choices(gap)
    jump = before + timedelta(minutes=1)
    return _(
        "%(time)s does not exist in %(city)s on %(day)s: that night the clocks "
        "go forward from %(jump)s to %(after)s. Choose %(before)s or earlier, or %(after)s "
        "or later.",
        time=wall.strftime("%H:%M"),
        city=times.city_name(zone_name),
        day=_day(wall.date()),
        jump=jump.strftime("%H:%M"),
        after=after.strftime("%H:%M"),
        before=before.strftime("%H:%M"),
    )


def check_time(typed: Typed, edition: Edition | None, at: datetime) -> TimeCheck:
    """Understand the typed time (``at``: the instant zone offsets are given for)."""
    check = TimeCheck()
    day = _parse_date(typed.get("date"), check)
    start = _parse_start(typed.get("start"), check)
    check.duration = _parse_duration(typed.get("duration"), check)
    check.zone = _resolve_zone(typed.get("zone"), check, at)
    if day is None or start is None or check.duration is None or not check.zone:
        return check
    check.wall = datetime.combine(day, start)
    fold = {"0": 0, "1": 1}.get(typed.get("fold"))
    if typed.get("fold_for") != check.fold_key:
        fold = None  # chosen for another time (or never): ask again if it happens twice
    days = edition.days if edition is not None else []
    try:
        check.meaning = meaning.explain(check.wall, check.zone, check.duration, fold, days)
    except NonexistentTimeError as gap:
        before, after = meaning.gap_choices(gap)
        check.gap = (f"{before:%H:%M}", f"{after:%H:%M}")
        check.errors["start"] = gap_message(check.wall, check.zone, gap)
        return check
    except AmbiguousTimeError as fold_error:
        check.occurrences = meaning.occurrences(fold_error)
        check.errors["fold"] = _(
            "%(time)s happens twice in %(city)s on %(day)s, when the clocks go back. "
            "Choose which one you mean.",
            time=check.wall.strftime("%H:%M"),
            city=times.city_name(check.zone),
            day=_day(check.wall.date()),
        )
        return check
    if edition is not None:
        check.festival_text = _festival_text(edition, check.meaning)
        if not check.meaning.within_festival:
            check.errors["date"] = check.festival_text
    return check


# -- the whole form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictNote:
    """A double booking, said for the organiser (a warning: saving stays possible)."""

    kind: str  # "organisation" | "host" | "stream"
    other_uid: str
    text: str


@dataclass
class Checked:
    """The form, checked: its errors by field, or the session it would save."""

    typed: Typed
    time: TimeCheck
    errors: dict[str, str]
    edition: Edition | None = None
    data: sessions.SessionInput | None = None
    host_ids: tuple[int, ...] = ()
    conflicts: list[ConflictNote] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.data is not None

    @property
    def confirm(self) -> str:
        """What the preview showed, as a token: saving needs the form to send it back."""
        if self.data is None or self.edition is None:
            return ""
        shown = dataclasses.asdict(self.data)
        return _digest(
            "all",
            shown,
            self.edition.id,
            self.host_ids,
            self.typed.get("revision"),
            [(c.kind, c.other_uid, c.text) for c in self.conflicts],
        )

    @property
    def ready(self) -> bool:
        """Nothing wrong, and the organiser has seen it: save without another preview."""
        if not self.ok:
            return False
        if self.typed.get("confirm") == self.confirm:
            return True
        return (
            not self.conflicts
            and bool(self.time.seen)
            and self.typed.get("seen") == (self.time.seen)
        )


def _edition(typed: Typed, editions: Sequence[Edition], errors: dict[str, str]) -> Edition | None:
    found = next((e for e in editions if e.slug == typed.get("edition")), None)
    if found is None:
        errors["edition"] = _("Choose the festival edition this session belongs to.")
    return found


def _number(value: str, name: str, errors: dict[str, str]) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        errors[name] = _(
            "“%(value)s” is not a whole number: give the number of places, or nothing.",
            value=value,
        )
        return None
    return int(value)


def _languages(value: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in re.split(r"[\s,;]+", value) if part.strip())


def _sdgs(typed: Typed, errors: dict[str, str]) -> tuple[int, ...]:
    chosen = sorted({int(s) for s in typed.sdgs if s.isdigit()})
    if len(chosen) != len(set(typed.sdgs)):
        errors["sdgs"] = _("Choose Sustainable Development Goals from the list.")
    return tuple(chosen)


async def _hosts(
    db: AsyncSession,
    typed: Typed,
    organisation: Organisation,
    errors: dict[str, str],
    session: FestivalSession | None = None,
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """(names shown, host account ids): an email names an organiser of the organisation (who
    then moderates the session's room), or someone who already hosts the session (an admin
    may have made them host from the session's admin page: keeping them is no new grant);
    anything else is a name shown as it is."""
    entries = [e.strip() for e in _HOST_SPLIT.split(typed.get("hosts")) if e.strip()]
    emails = [e for e in entries if "@" in e]
    assert organisation.id is not None
    members = await store.members_by_email(db, organisation.id, emails)
    if session is not None and session.id is not None:
        for host in await store.host_accounts(db, session.id):
            members.setdefault(host.email_key, host)
    names: list[str] = []
    ids: list[int] = []
    problems: list[str] = []
    for entry in entries:
        if "@" not in entry:
            if len(entry) > MAX_HOST_NAME:
                problems.append(
                    _("a host's name has at most %(count)s characters", count=MAX_HOST_NAME)
                )
            names.append(entry)
            continue
        account = members.get(accounts_store.email_key(entry))
        if account is None or account.id is None:
            problems.append(
                _(
                    "%(email)s is not an organiser of %(organisation)s: invite them first, "
                    "or write their name without an email address",
                    email=entry,
                    organisation=organisation.name,
                )
            )
            continue
        names.append(account.display_name)
        ids.append(account.id)
    if problems:
        text = _("; ").join(dict.fromkeys(problems))
        errors["hosts"] = text[0].upper() + text[1:] + "."
    return tuple(dict.fromkeys(names)), tuple(dict.fromkeys(ids))


async def check(
    db: AsyncSession,
    typed: Typed,
    organisation: Organisation,
    editions: Sequence[Edition],
    at: datetime,
    session: FestivalSession | None = None,
) -> Checked:
    """Check the whole form against the rules and the database; nothing is written."""
    errors: dict[str, str] = {}
    edition = _edition(typed, editions, errors)
    time_check = check_time(typed, edition, at)
    errors.update(time_check.errors)
    capacity = _number(typed.get("capacity"), "capacity", errors)
    sdgs = _sdgs(typed, errors)
    hosts, host_ids = await _hosts(db, typed, organisation, errors, session)
    status = session.status if session is not None else SessionStatus.DRAFT.value
    data = sessions.SessionInput(
        title=typed.get("title"),
        local_start=time_check.wall or datetime(2000, 1, 1),  # noqa: DTZ001 - a wall time
        tz_name=time_check.zone or organisation.tz_name,
        duration_minutes=time_check.duration or sessions.MIN_DURATION_MINUTES,
        kind=typed.get("kind"),
        summary=typed.get("summary"),
        languages=_languages(typed.get("languages")),
        audience=typed.get("audience"),
        sdgs=sdgs,
        hosts=hosts,
        stream=typed.get("stream"),
        join_url=typed.get("join_url"),
        capacity=capacity,
        status=status,
        fold=time_check.meaning.fold if time_check.meaning else None,
    )
    for name, problem in sessions.field_problems(data).items():
        sentence_of = problem[0].upper() + problem[1:] + "."
        # festival.sessions says its rules in the reader's language (a phrase: made a sentence)
        errors.setdefault(FORM_NAMES.get(name, name), sentence_of)
    found = Checked(typed, time_check, errors, edition, host_ids=host_ids)
    if errors or time_check.meaning is None:
        return found
    found.data = data
    found.conflicts = await _conflicts(db, data, time_check.meaning, organisation, session)
    return found


async def live_conflicts(
    db: AsyncSession,
    typed: Typed,
    understood: Meaning,
    organisation: Organisation,
    session: FestivalSession | None,
) -> list[ConflictNote]:
    """The conflicts of a time while it is typed (hosts and stream as typed so far; problems of
    other fields do not hide them)."""
    hosts, _host_ids = await _hosts(db, typed, organisation, {})
    data = sessions.SessionInput(
        title=typed.get("title") or _("This session"),
        local_start=understood.starts_at_utc.replace(tzinfo=None),  # unused by the sweep
        tz_name=understood.tz_name,
        duration_minutes=int((understood.ends_at_utc - understood.starts_at_utc).total_seconds())
        // 60,
        hosts=hosts,
        stream=typed.get("stream"),
    )
    return await _conflicts(db, data, understood, organisation, session)


async def _conflicts(
    db: AsyncSession,
    data: sessions.SessionInput,
    understood: Meaning,
    organisation: Organisation,
    session: FestivalSession | None,
) -> list[ConflictNote]:
    assert organisation.id is not None
    uid = session.uid if session is not None else "(this session)"
    candidate = Slot(
        uid=uid,
        title=data.title,
        kind=data.kind,
        tz_name=understood.tz_name,
        local_start=data.local_start,
        duration_minutes=data.duration_minutes,
        starts_at_utc=understood.starts_at_utc,
        ends_at_utc=understood.ends_at_utc,
        organisation_slug=organisation.slug,
        organisation_name=organisation.name,
        country=organisation.country,
        hosts=data.hosts,
        stream=data.stream,
        status=SessionStatus.DRAFT.value,
    )
    others = await store.overlapping_slots(
        db, understood.starts_at_utc, understood.ends_at_utc, organisation.id
    )
    notes: list[ConflictNote] = []
    for found in conflicts.find_conflicts([candidate, *others]):
        if uid not in (found.first.uid, found.second.uid):
            continue
        other = found.second if found.first.uid == uid else found.first
        notes.append(ConflictNote(found.kind, other.uid, _conflict_text(found, other, data)))
    return notes


def _conflict_text(found: conflicts.Conflict, other: Slot, data: sessions.SessionInput) -> str:
    when = tz.organiser_time(other.starts_at_utc, other.tz_name, "%a %d %b, %H:%M", zone="offset")
    at = _(
        "“%(title)s” (%(when)s, %(length)s)",
        title=other.title,
        when=when,
        length=times.duration_text(other.duration_minutes),
    )
    if found.kind == "organisation":
        return _(
            "%(organisation)s already has %(session)s at the same time.",
            organisation=other.organisation_name,
            session=at,
        )
    if found.kind == "host":
        host = next(h for h in data.hosts if conflicts.normalise_name(h) == found.key)
        return _("%(host)s also hosts %(session)s at the same time.", host=host, session=at)
    return _(
        "The stream “%(stream)s” is also used by %(session)s at the same time.",
        stream=data.stream,
        session=at,
    )


# -- saving -----------------------------------------------------------------------------------


async def save(
    db: AsyncSession,
    checked: Checked,
    organisation: Organisation,
    account: Account,
    clock: Clock,
    session: FestivalSession | None = None,
) -> FestivalSession:
    """Create (as a draft) or change the session the checked form describes, and its hosts."""
    data, edition = checked.data, checked.edition
    assert data is not None and edition is not None and edition.id is not None
    actor = sessions.Actor.of(account)
    if session is None:
        session = await sessions.create_session(db, edition, organisation, data, clock, actor=actor)
    else:
        revision = checked.typed.get("revision")
        await sessions.update_session(
            db,
            session,
            clock,
            actor,
            expected_revision=int(revision) if revision.isdigit() else None,
            **_changes(data, edition.id),
        )
    assert session.id is not None
    await store.set_host_accounts(db, session.id, checked.host_ids, clock.now())
    return session


def _changes(data: sessions.SessionInput, edition_id: int) -> dict[str, Any]:
    return {
        "edition_id": edition_id,
        "title": data.title.strip(),
        "summary": data.summary,
        "kind": data.kind,
        "languages": data.languages,
        "audience": data.audience,
        "sdgs": data.sdgs,
        "hosts": data.hosts,
        "local_start": data.local_start,
        "tz_name": data.tz_name,
        "fold": data.fold or 0,
        "duration_minutes": data.duration_minutes,
        "stream": data.stream,
        "join_url": data.join_url,
        "capacity": data.capacity,
    }
