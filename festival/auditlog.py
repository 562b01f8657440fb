"""The audit log as people read it: who did what, when, in which live room.

Every moderator action in a live room (``room_audit``) becomes an :class:`Entry` of plain
words; the admin page lays them out. (The change log of sessions joins it with the session
editor's ``session_change`` table.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from festival.models.rooms import RoomAudit
from realtime.channels import RoomKind, parse_room_name
from realtime.errors import RoomError
from realtime.identity import GUEST_PREFIX, USER_PREFIX

#: Moderators' actions in a live room, as a verb phrase.
ROOM_ACTIONS: dict[str, str] = {
    "room.opened": "opened the room",
    "room.ended": "ended the room",
    "room.configured": "changed the room's settings",
    "mod.muted": "muted",
    "mod.unmuted": "unmuted",
    "mod.banned": "banned",
    "mod.unbanned": "lifted the ban of",
    "chat.deleted": "removed a chat message",
    "qa.approved": "approved a question",
    "qa.answered": "marked a question answered",
    "qa.pinned": "pinned or unpinned a question",
    "qa.hidden": "hid a question",
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
            return emails.get(int(number), f"account {number} (since removed)")
    if identity.startswith(USER_PREFIX):
        return "the admin signed in with ADMIN_PASSWORD"
    if identity.startswith(GUEST_PREFIX):
        return "a guest"
    return "the server"


def room_subject(room: str, titles: Mapping[str, str]) -> tuple[str, str]:
    """The room in words, and where its session is seen."""
    try:
        name = parse_room_name(room)
    except RoomError:
        return room, ""
    if name.kind is RoomKind.LOBBY:
        return f"the lobby of {name.key}", ""
    title = titles.get(name.key)
    if title is None:
        return f"the room of a session since removed ({name.key})", ""
    return f"the room of “{title}”", f"/admin/sessions/{name.key}"


def room_details(action: RoomAudit) -> tuple[str, ...]:
    data: dict[str, Any] = action.data
    details: list[str] = []
    target = data.get("target")
    if isinstance(target, dict) and isinstance(target.get("name"), str):
        details.append(f"Who: {_short(target['name'])}")
    if "minutes" in data:
        details.append(f"For: {data['minutes']} minutes")
    if action.action == "room.configured":
        details.extend(f"{key}: {value}" for key, value in sorted(data.items()))
    if isinstance(data.get("id"), int):
        details.append(f"Item: #{data['id']}")
    return tuple(details)


def room_entry(action: RoomAudit, emails: Mapping[int, str], titles: Mapping[str, str]) -> Entry:
    subject, href = room_subject(action.room, titles)
    return Entry(
        at_utc=action.at_utc,
        who=identity_text(action.moderator, emails),
        action=ROOM_ACTIONS.get(action.action, action.action),
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
