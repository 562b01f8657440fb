"""The audit log page: moderators' actions in live rooms in words (who, when, in which room, to
whom), newest first, fifty a page."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from festival.models.rooms import RoomAudit
from festival.settings import Settings
from scheduling.clock import FixedClock
from tests.dbtools import with_db
from tests.festival.accounts_seed import add_account
from tests.festival.admin_browser import browser
from tests.festival.programme_seed import add_edition, add_organisation, add_session

AT = datetime(2027, 1, 20, 8, 0, tzinfo=UTC)


def entries(page: str) -> list[str]:
    """Each entry of the moderation log as read: tags become spaces, entities characters.
    (The sessions' changes follow in their own list, tests/festival/test_organiser.py.)"""
    if 'id="audit-entries"' not in page:
        return []
    section = page.split('id="audit-entries"', 1)[1].split("</ol>", 1)[0] + "</ol>"
    found = re.findall(r"<li>\s*<p>(.*?)</li>\s*(?=<li>|</ol>)", section, flags=re.S)
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item))).strip().replace(" :", ":")
        for item in found
    ]


def test_room_moderation_in_words(settings: Settings, clock: FixedClock) -> None:
    add_edition(settings)
    add_organisation(settings, "kathmandu", "Asia/Kathmandu", country="NP")
    uid = add_session(settings, "kathmandu", "Morning <circle>", "2027-01-24 09:00")
    admin = add_account(settings, "admin@example.org", is_admin=True)
    host = add_account(settings, "host@example.org")

    async def add(db: AsyncSession) -> None:
        db.add_all(
            [
                RoomAudit(
                    room=f"session-{uid}",
                    seq=3,
                    at_utc=AT,
                    moderator=f"u:account-{host}",
                    action="mod.muted",
                    data={"target": {"id": "g:abc", "name": "<b>Troll</b>"}, "minutes": 10},
                ),
                RoomAudit(
                    room="lobby-learningplanet-2027",
                    seq=5,
                    at_utc=AT + timedelta(minutes=1),
                    moderator="u:bootstrap-token",
                    action="chat.deleted",
                    data={"id": 4, "by": "u:bootstrap-token"},
                ),
            ]
        )

    with_db(settings, add)
    with browser(settings, clock, admin) as b:
        page = b.get("/admin/audit")

    assert entries(page.text) == [
        "2027-01-20 08:01 UTC: the admin signed in with ADMIN_PASSWORD removed a chat message in "
        "the lobby of learningplanet-2027 Item: #4",
        "2027-01-20 08:00 UTC: host@example.org muted in the room of “Morning <circle>” "
        "Who: <b>Troll</b> For: 10 minutes",
    ]
    assert "&lt;b&gt;Troll&lt;/b&gt;" in page.text and "<b>Troll" not in page.text
    assert f'<a href="/admin/sessions/{uid}" dir="auto">the room of “Morning &lt;circle&gt;”' in (
        page.text
    )


def test_audit_log_refused_to_organisers(settings: Settings, clock: FixedClock) -> None:
    organiser = add_account(settings, "org@example.org")
    with browser(settings, clock, organiser) as b:
        refused = b.get("/admin/audit")

    assert refused.status_code == 403


def test_room_moderation_fifty_a_page(settings: Settings, clock: FixedClock) -> None:
    admin = add_account(settings, "admin@example.org", is_admin=True)

    async def add(db: AsyncSession) -> None:
        db.add_all(
            RoomAudit(
                room="lobby-learningplanet-2027",
                seq=n,
                at_utc=AT + timedelta(minutes=n),
                moderator=f"u:account-{admin}",
                action="qa.hidden",
                data={"id": n},
            )
            for n in range(1, 56)
        )

    with_db(settings, add)
    with browser(settings, clock, admin) as b:
        first = b.get("/admin/audit")
        second = b.get("/admin/audit?page=2")
        beyond = b.get("/admin/audit?page=3")
        odd = b.get("/admin/audit?page=nonsense")

    assert len(entries(first.text)) == 50
    assert entries(first.text)[0] == (
        "2027-01-20 08:55 UTC: admin@example.org hid a question in the lobby of "
        "learningplanet-2027 Item: #55"
    )
    assert '<a href="/admin/audit?page=2" rel="next">Older</a>' in first.text
    assert 'rel="prev"' not in first.text
    assert [e.rsplit("#", 1)[1] for e in entries(second.text)] == ["5", "4", "3", "2", "1"]
    assert 'rel="next"' not in second.text
    assert '<a href="/admin/audit?page=1" rel="prev">Newer</a>' in second.text
    assert 'id="audit-empty"' in beyond.text
    assert entries(odd.text) == entries(first.text)
