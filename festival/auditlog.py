"""The audit log as people read it: who did what, when, in which live room or to which session.

Every moderator action in a live room (``room_audit``) and every change of a session
(``session_change``, written by festival/sessions.py) becomes an :class:`Entry` of plain words;
the admin page lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from festival.i18n import LazyString, ngettext
from festival.i18n import gettext as _
from festival.i18n import lazy_gettext as _l
from festival.models import SessionChange
from festival.models.rooms import RoomAudit
from realtime.channels import RoomKind, parse_room_name
from realtime.errors import RoomError
from realtime.identity import GUEST_PREFIX, USER_PREFIX

#: Moderators' actions in a live room, as a verb phrase.
ROOM_ACTIONS: dict[str, LazyString] = {
    "room.opened": _l("opened the room"),
    "room.ended": _l("ended the room"),
    "room.configured": _l("changed the room's settings"),
    "mod.muted": _l("muted"),
    "mod.unmuted": _l("unmuted"),
    "mod.banned": _l("banned"),
    "mod.unbanned": _l("lifted the ban of"),
    "chat.deleted": _l("removed a chat message"),
    "qa.approved": _l("approved a question"),
    "qa.answered": _l("marked a question answered"),
    "qa.pinned": _l("pinned or unpinned a question"),
    "qa.hidden": _l("hid a question"),
}
#: Changes of a session (festival.sessions.Action), as a verb phrase.
SESSION_ACTIONS: dict[str, LazyString] = {
    "created": _l("created"),
    "edited": _l("edited"),
    "submitted": _l("sent for review"),
    "withdrawn": _l("took back to draft"),
    "published": _l("published"),
    "cancelled": _l("cancelled"),
    "retimed": _l("applied new time-zone rules to"),
}
SHORT = 80


@dataclass(frozen=True)
class Entry:
    """One line of the audit log."""

    at_utc: datetime
    who: str
    action: str
    subject: str  # the room, by its session's title
    href: str  # where the subject is seen ("" when it is gone)
    details: tuple[str, ...] = ()


def _short(text: str) -> str:
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def identity_text(identity: str, emails: Mapping[int, str]) -> str:
    """Who an identity of the live rooms is: an account's address, the ADMIN_PASSWORD admin,
    a guest."""
    if identity.startswith(USER_PREFIX + "account-"):
        number = identity.removeprefix(USER_PREFIX + "account-")
        if number.isdigit():
            return emails.get(int(number), _("account %(number)s (since removed)", number=number))
    if identity.startswith(USER_PREFIX):
        return _("the admin signed in with ADMIN_PASSWORD")
    if identity.startswith(GUEST_PREFIX):
        return _("a guest")
    return _("the server")


def room_subject(room: str, titles: Mapping[str, str]) -> tuple[str, str]:
    """The room in words, and where its session is seen."""
    try:
        name = parse_room_name(room)
    except RoomError:
        return room, ""
    if name.kind is RoomKind.LOBBY:
        return _("the lobby of %(key)s", key=name.key), ""
    title = titles.get(name.key)
    if title is None:
        return _("the room of a session since removed (%(key)s)", key=name.key), ""
    return _("the room of “%(title)s”", title=title), f"/admin/sessions/{name.key}"


def room_details(action: RoomAudit) -> tuple[str, ...]:
    data: dict[str, Any] = action.data
    details: list[str] = []
    target = data.get("target")
    if isinstance(target, dict) and isinstance(target.get("name"), str):
        details.append(_("Who: %(name)s", name=_short(target["name"])))
    if "minutes" in data:
        minutes = data["minutes"]
        details.append(
            ngettext("For: %(num)s minute", "For: %(num)s minutes", minutes)
            if isinstance(minutes, int)
            else _("For: %(minutes)s minutes", minutes=minutes)
        )
    if action.action == "room.configured":
        details.extend(f"{key}: {value}" for key, value in sorted(data.items()))
    if isinstance(data.get("id"), int):
        details.append(_("Item: #%(id)s", id=data["id"]))
    return tuple(details)


def room_entry(action: RoomAudit, emails: Mapping[int, str], titles: Mapping[str, str]) -> Entry:
    subject, href = room_subject(action.room, titles)
    return Entry(
        at_utc=action.at_utc,
        who=identity_text(action.moderator, emails),
        action=str(ROOM_ACTIONS.get(action.action, action.action)),
        subject=subject,
        href=href,
        details=room_details(action),
    )


def room_accounts(actions: list[RoomAudit]) -> set[int]:
    """The account ids the actions' moderators are (to look their addresses up)."""
    prefix = USER_PREFIX + "account-"
    return {
        int(a.moderator.removeprefix(prefix))
        for a in actions
        if a.moderator.startswith(prefix) and a.moderator.removeprefix(prefix).isdigit()
    }


def room_session_uids(actions: list[RoomAudit]) -> set[str]:
    found: set[str] = set()
    for a in actions:
        try:
            name = parse_room_name(a.room)
        except RoomError:
            continue
        if name.kind is RoomKind.SESSION:
            found.add(name.key)
    return found


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return _short(str(value))


def session_entry(change: SessionChange, uid: str, title: str) -> Entry:
    """A change of a session: who, what they did, and each field's value before and after
    (times as stored: UTC instants in ISO 8601, the organiser's wall time with its zone)."""
    changes: dict[str, Any] = change.changes
    details = (
        ()
        if change.action == "created"
        else tuple(
            f"{name}: {_value(values[0])} → {_value(values[1])}"
            for name, values in sorted(changes.items())
            if isinstance(values, list) and len(values) == 2
        )
    )
    return Entry(
        at_utc=change.at_utc,
        who=change.actor,
        action=str(SESSION_ACTIONS.get(change.action, change.action)),
        subject=_(
            "“%(title)s” (revision %(revision)s)", title=_short(title), revision=change.revision
        ),
        href=f"/organiser/sessions/{uid}",
        details=details,
    )
