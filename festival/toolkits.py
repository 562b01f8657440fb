"""The toolkit library's rules: what a toolkit form takes, the library's filters and sorting.

Pure functions over values (no database): ``read_form`` checks what an organiser typed (every
problem beside its field, nothing saved until all is right), ``parse_filters`` reads the
library's and the API's query (``filter.invalid`` with the reason, never a silently empty
list), ``choose`` filters and sorts :class:`Entry` values read by festival/stores/toolkits.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from festival.forms import MAX_TEXT, Fields
from festival.i18n import gettext as _
from festival.links import safe_url
from festival.models import Organisation
from festival.models.toolkits import Toolkit, ToolkitResource
from scheduling import vocabulary
from scheduling.errors import FilterError

#: How the library can be sorted: newest published first, or most used (downloads, sessions).
SORTS = ("newest", "most-used")
MAX_QUERY = 200
MAX_TOPICS = 10
MAX_TOPIC_LENGTH = 40
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_TOPIC = re.compile(r"[\w][\w \-']{0,39}")
_SPLIT = re.compile(r"[,;\n]+")


@dataclass(frozen=True)
class ToolkitInput:
    """A toolkit's fields, checked."""

    title: str
    summary: str
    languages: tuple[str, ...]
    age_groups: tuple[str, ...]
    sdgs: tuple[int, ...]
    topics: tuple[str, ...]
    licence: str


def _listed(value: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(value) if part.strip()]


def read_form(fields: Fields, chosen: Mapping[str, Sequence[str]]) -> ToolkitInput | None:
    """The toolkit typed in ``fields`` (``chosen``: the checkbox lists, by name), or None with
    each problem noted beside its field."""
    title = fields.text("title", required=_("Give the toolkit a title."), max_length=200)
    summary = fields.text("summary", max_length=MAX_TEXT, label=_("The summary"))
    languages = tuple(
        dict.fromkeys(p.lower() for p in re.split(r"[\s,;]+", fields.values.get("languages", "")))
    )
    languages = tuple(code for code in languages if code)
    if not languages:
        fields.fail("languages", _("Say which languages the toolkit is in, such as en, fr."))
    elif any(_LANGUAGE.fullmatch(code) is None for code in languages):
        fields.fail("languages", _("Give languages as 2 or 3 letter codes, such as en, fr, sw."))
    age_groups = tuple(chosen.get("age_groups", ()))
    if any(group not in vocabulary.AGE_GROUPS for group in age_groups):
        fields.fail("age_groups", _("Choose age groups from the list."))
    elif not age_groups:
        fields.fail("age_groups", _("Choose at least one age group."))
    sdgs: list[int] = []
    for value in chosen.get("sdgs", ()):
        if not value.isascii() or not value.isdigit() or int(value) not in vocabulary.SDGS:
            fields.fail("sdgs", _("Choose Sustainable Development Goals from the list."))
            break
        sdgs.append(int(value))
    topics = tuple(dict.fromkeys(t.lower() for t in _listed(fields.values.get("topics", ""))))
    if len(topics) > MAX_TOPICS:
        fields.fail("topics", _("Give at most %(num)s topics.", num=MAX_TOPICS))
    elif any(_TOPIC.fullmatch(t) is None for t in topics):
        fields.fail(
            "topics",
            _(
                "Give topics as words separated by commas, each at most %(num)s "
                "characters (letters, digits, spaces, - and ').",
                num=MAX_TOPIC_LENGTH,
            ),
        )
    licence = fields.choice("licence", vocabulary.LICENCES, _("Choose a Creative Commons licence."))
    if not fields.ok or licence is None:
        return None
    return ToolkitInput(
        title, summary, languages, age_groups, tuple(sorted(set(sdgs))), topics, licence
    )


def read_link(fields: Fields) -> tuple[str, str] | None:
    """A link resource: (title, http(s) address), or None with the problems noted."""
    url = fields.text("url", required=_("Give the link's address."), max_length=2000)
    if url and not safe_url(url):
        fields.fail("url", _("Give a web address starting with https:// or http://."))
    title = fields.text("link_title", max_length=200, label=_("The title")) or url
    return (title, url) if fields.ok else None


# -- the library ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    text: str = ""
    languages: frozenset[str] = frozenset()
    age_groups: frozenset[str] = frozenset()
    sdgs: frozenset[int] = frozenset()
    topics: frozenset[str] = frozenset()
    sort: str = "newest"

    def to_query(self) -> list[tuple[str, str]]:
        """The filters as query parameters (links keep them; the API echoes them)."""
        pairs = [("q", self.text)] if self.text else []
        pairs += [("lang", v) for v in sorted(self.languages)]
        pairs += [("audience", v) for v in sorted(self.age_groups)]
        pairs += [("sdg", str(v)) for v in sorted(self.sdgs)]
        pairs += [("topic", v) for v in sorted(self.topics)]
        return [*pairs, ("sort", self.sort)]


def _values(params: Mapping[str, Sequence[str]], name: str) -> list[str]:
    return [p.strip() for v in params.get(name, ()) for p in v.split(",") if p.strip()]


def _single(params: Mapping[str, Sequence[str]], name: str) -> str:
    values = [v for v in params.get(name, ()) if v.strip()]
    if len(values) > 1:
        raise FilterError(
            _(
                "Parameter %(name)s is given %(count)s times; give it once.",
                name=repr(name),
                count=len(values),
            )
        )
    return values[0].strip() if values else ""


def parse_filters(params: Mapping[str, Sequence[str]]) -> Filters:
    """The library's filters from query parameters (repeated or comma-separated values)."""
    text = " ".join(_single(params, "q").split())
    if len(text) > MAX_QUERY:
        raise FilterError(
            _(
                "Parameter 'q' is %(length)s characters long; at most %(max)s.",
                length=len(text),
                max=MAX_QUERY,
            )
        )
    languages = frozenset(v.lower() for v in _values(params, "lang"))
    bad = sorted(v for v in languages if _LANGUAGE.fullmatch(v) is None)
    if bad:
        raise FilterError(
            _(
                "Invalid lang %(values)s; expected a 2 or 3 letter language code such as 'fr'.",
                values=", ".join(map(repr, bad)),
            )
        )
    groups = frozenset(_values(params, "audience"))
    bad = sorted(groups - set(vocabulary.AGE_GROUPS))
    if bad:
        raise FilterError(
            _(
                "Invalid audience %(values)s; allowed values: %(allowed)s.",
                values=", ".join(map(repr, bad)),
                allowed=", ".join(vocabulary.AGE_GROUPS),
            )
        )
    sdgs: set[int] = set()
    for value in _values(params, "sdg"):
        if not value.isascii() or not value.isdigit() or int(value) not in vocabulary.SDGS:
            raise FilterError(
                _(
                    "Invalid sdg %(value)s; allowed values: the Sustainable Development Goals"
                    " 1 to 17.",
                    value=repr(value),
                )
            )
        sdgs.add(int(value))
    topics = frozenset(v.lower() for v in _values(params, "topic"))
    if any(len(t) > MAX_TOPIC_LENGTH for t in topics):
        raise FilterError(_("A topic is at most %(max)s characters long.", max=MAX_TOPIC_LENGTH))
    sort = _single(params, "sort") or "newest"
    if sort not in SORTS:
        raise FilterError(
            _(
                "Invalid sort %(sort)s; allowed values: %(allowed)s.",
                sort=repr(sort),
                allowed=", ".join(SORTS),
            )
        )
    return Filters(text, languages, groups, frozenset(sdgs), topics, sort)


@dataclass(frozen=True)
class Entry:
    """A toolkit as the library shows it: with its organisation, resources and sessions."""

    toolkit: Toolkit
    organisation: Organisation
    resources: tuple[ToolkitResource, ...] = ()
    session_count: int = 0

    @property
    def uses(self) -> int:
        """How much it is used: its downloads and the sessions it is material for."""
        return self.toolkit.download_count + self.session_count


def _haystack(entry: Entry) -> str:
    t = entry.toolkit
    return "\n".join([t.title, t.summary, entry.organisation.name, entry.organisation.slug])


def matches(entry: Entry, f: Filters) -> bool:
    t = entry.toolkit
    if f.languages and not f.languages & set(t.languages):
        return False
    if f.age_groups and not f.age_groups & set(t.age_groups):
        return False
    if f.sdgs and not f.sdgs & set(t.sdgs):
        return False
    if f.topics and not f.topics & set(t.topics):
        return False
    haystack = _haystack(entry).casefold()
    return all(word in haystack for word in f.text.casefold().split())


def choose(entries: Iterable[Entry], f: Filters) -> list[Entry]:
    """The entries that match, featured first, then by the chosen order (title breaks ties)."""

    def newest(e: Entry) -> float:
        at: datetime = e.toolkit.published_at_utc or e.toolkit.created_at_utc
        return -at.timestamp()

    def most_used(e: Entry) -> float:
        return -float(e.uses)

    order = most_used if f.sort == "most-used" else newest
    chosen = [e for e in entries if matches(e, f)]
    return sorted(chosen, key=lambda e: (not e.toolkit.featured, order(e), e.toolkit.title))
