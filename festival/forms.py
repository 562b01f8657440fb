"""Reading a submitted form: what was typed (kept, to show again) and what is wrong, by field.

Every form of the admin pages and the call for sessions reads its fields through a
:class:`Fields`: each reader returns the parsed value, or ``None`` after noting, beside the
field's name, what to fix in words a volunteer understands. The page is then shown again with
``fields.values`` (what was typed) and ``fields.errors`` (one sentence per field), and nothing is
saved until ``fields.ok``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from festival.i18n import gettext as _
from festival.i18n import ngettext
from festival.scheduling_text import say
from scheduling import tz
from scheduling.errors import UnknownZoneError

#: Longest text any single-line field takes (anything longer is a mistake or an attack).
MAX_LINE = 300
#: Longest text of a free-text area (descriptions, messages).
MAX_TEXT = 5000
#: 9:30, 09:30 (what a browser's time input sends), 0930.
_CLOCK = re.compile(r"([0-9]{1,2}):?([0-9]{2})")


class Fields:
    """The text fields of one submitted form, and the problems found while reading them."""

    def __init__(self, form: Mapping[str, Any]) -> None:
        self.values: dict[str, str] = {
            key: value.strip() for key, value in form.items() if isinstance(value, str)
        }
        self.errors: dict[str, str] = {}

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, name: str, message: str) -> None:
        """Note what is wrong with ``name`` (the first problem of a field is the one shown)."""
        self.errors.setdefault(name, message)

    def text(
        self, name: str, *, required: str = "", max_length: int = MAX_LINE, label: str = ""
    ) -> str:
        """The field's text, trimmed; ``required`` is the message when it is empty."""
        value = self.values.get(name, "")
        if not value and required:
            self.fail(name, required)
        elif len(value) > max_length:
            self.fail(name, too_long(max_length, label))
        return value

    def choice(self, name: str, choices: Iterable[str], message: str) -> str | None:
        """One of ``choices``, or None (with ``message``)."""
        value = self.values.get(name, "")
        if value not in set(choices):
            self.fail(name, message)
            return None
        return value

    def flag(self, name: str) -> bool:
        """A checkbox: ticked or not."""
        return self.values.get(name, "") in {"1", "on", "yes", "true"}

    def date(self, name: str, message: str | None = None) -> date | None:
        """A calendar date, YYYY-MM-DD (what a browser's date input sends)."""
        value = self.values.get(name, "")
        try:
            parsed = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail(name, message or _("Give a date such as 2027-01-24."))
        return parsed

    def clock(self, name: str, message: str | None = None) -> time | None:
        """A wall-clock time, hours and minutes."""
        found = _CLOCK.fullmatch(self.values.get(name, ""))
        if found is None or int(found[1]) > 23 or int(found[2]) > 59:
            self.fail(name, message or _("Give a time such as 09:30."))
            return None
        return time(int(found[1]), int(found[2]))

    def integer(self, name: str, low: int, high: int, message: str) -> int | None:
        """A whole number from ``low`` to ``high``, or None (with ``message``)."""
        value = self.values.get(name, "")
        if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            self.fail(name, message)
            return None
        return int(value)

    def optional_integer(self, name: str, low: int, high: int, message: str) -> int | None:
        """As :meth:`integer`, but an empty field is None without a problem."""
        if not self.values.get(name, ""):
            return None
        return self.integer(name, low, high, message)

    def zone(self, name: str) -> str | None:
        """A geographic IANA zone, canonical, or None (with the tz core's reason)."""
        value = self.values.get(name, "")
        try:
            return tz.canonical_name(value)
        except UnknownZoneError as exc:
            self.fail(name, _("Choose a time zone from the list.") if not value else say(exc))
            return None


def too_long(max_length: int, label: str = "") -> str:
    """The problem of a text longer than ``max_length`` characters (``label``: what it is,
    "The name"; translated by the caller)."""
    if label:
        return ngettext(
            "%(label)s is longer than %(num)s character.",
            "%(label)s is longer than %(num)s characters.",
            max_length,
            label=label,
            num=max_length,
        )
    return ngettext(
        "This is longer than %(num)s character.",
        "This is longer than %(num)s characters.",
        max_length,
        num=max_length,
    )


def wall_time(day: date | None, clock: time | None) -> datetime | None:
    """The naive wall time of a date and a clock time, when both were given."""
    if day is None or clock is None:
        return None
    return datetime.combine(day, clock)
