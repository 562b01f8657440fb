"""A small festival with every kind of person in it, for the authorization and XSS tests.

Two organisations (A in Nairobi, B in Paris), an edition on 24 January 2027, sessions of each
(A's live at noon UTC and hosted by ``host``, a draft of A's, B's later and hosted by
``other_host``) and the accounts: organisers of A and of B, the two hosts, an admin. Everything
is made through the real session rules (``festival.sessions.create_session``) and the accounts
store (``tests.festival.accounts_seed``); names can be swapped for hostile text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from festival.models import Edition, FestivalSession, Organisation
from festival.sessions import SessionInput, create_session
from festival.settings import Settings
from scheduling.clock import FixedClock
from scheduling.vocabulary import SessionStatus
from tests.conftest import FESTIVAL_NOON
from tests.dbtools import with_db
from tests.festival.accounts_seed import add_account

EDITION = "testfest-2027"
ORG_A = "org-a"
ORG_B = "org-b"
A_LIVE = "aaaaaaaa-0000-4000-8000-000000000001"  # 11:30-13:00 UTC on 24 January 2027
A_DRAFT = "aaaaaaaa-0000-4000-8000-000000000002"  # a draft: 15:00-16:00 UTC
B_LATER = "bbbbbbbb-0000-4000-8000-000000000001"  # 17:00-18:00 UTC

#: The accounts' addresses, by role.
EMAILS = {
    "organiser A": "organiser-a@example.org",
    "organiser B": "organiser-b@example.org",
    "host": "host@example.org",
    "other host": "other-host@example.org",
    "admin": "admin@example.org",
    "attendee": "attendee@example.org",  # signed in, with no role
}


@dataclass(frozen=True)
class Texts:
    """What people typed: the tests put payloads here."""

    org_a_name: str = "Organisation A"
    session_title: str = "Live workshop"
    session_summary: str = "We read together."
    join_url: str = "https://video.example/live"
    person_name: str = "Amina"
    # The toolkit library (tests/festival/toolkits_seed.py).
    toolkit_title: str = "Reading circle kit"
    toolkit_summary: str = "How to run a reading circle."
    toolkit_topic: str = "reading"
    resource_title: str = "The guide"
    file_name: str = "guide.pdf"


@dataclass(frozen=True)
class World:
    """What was made: account ids by role, session ids by uid."""

    account_ids: dict[str, int]
    session_ids: dict[str, int]
    organisation_ids: dict[str, int]

    def values(self) -> dict[str, str]:
        """Names for URL templates (``/sessions/{a_live}``)."""
        return {
            "edition": EDITION,
            "org_a": ORG_A,
            "org_b": ORG_B,
            "a_live": A_LIVE,
            "a_draft": A_DRAFT,
            "b_later": B_LATER,
            "a_room": f"session-{A_LIVE}",
            "b_room": f"session-{B_LATER}",
            "a_draft_room": f"session-{A_DRAFT}",
            "lobby": f"lobby-{EDITION}",
        }


def _session(
    title: str, hour: int, minute: int, zone: str, minutes: int, **more: object
) -> SessionInput:
    wall = datetime(2027, 1, 24, hour, minute)  # noqa: DTZ001 - a wall time in ``zone``
    return SessionInput(title, wall, zone, minutes, **more)  # type: ignore[arg-type]


async def _programme(db: AsyncSession, texts: Texts) -> tuple[dict[str, int], dict[str, int]]:
    clock = FixedClock(FESTIVAL_NOON)
    edition = Edition(
        slug=EDITION, name="Test Fest 2027", first_day=date(2027, 1, 24), last_day=date(2027, 1, 24)
    )
    org_a = Organisation(slug=ORG_A, name=texts.org_a_name, country="KE", tz_name="Africa/Nairobi")
    org_b = Organisation(slug=ORG_B, name="Organisation B", country="FR", tz_name="Europe/Paris")
    db.add_all([edition, org_a, org_b])
    await db.flush()
    made: list[FestivalSession] = [
        await create_session(
            db,
            edition,
            org_a,
            _session(
                texts.session_title,
                14,
                30,
                "Africa/Nairobi",
                90,
                summary=texts.session_summary,
            ),
            clock,
            uid=A_LIVE,
        ),
        await create_session(
            db,
            edition,
            org_a,
            _session("A draft", 18, 0, "Africa/Nairobi", 60, status=SessionStatus.DRAFT.value),
            clock,
            uid=A_DRAFT,
        ),
        await create_session(
            db, edition, org_b, _session("B's talk", 18, 0, "Europe/Paris", 60), clock, uid=B_LATER
        ),
    ]
    # Written as it is: the session rules refuse a link that is not http(s) now, but a row
    # from before them (or from another tool) may hold one, and no page may link it.
    made[0].join_url = texts.join_url
    await db.flush()
    sessions = {row.uid: row.id for row in made if row.id is not None}
    assert org_a.id is not None and org_b.id is not None
    return sessions, {ORG_A: org_a.id, ORG_B: org_b.id}


def seed_world(settings: Settings, texts: Texts = Texts()) -> World:
    """Make the festival and its people in ``settings``' database."""

    async def programme(db: AsyncSession) -> tuple[dict[str, int], dict[str, int]]:
        return await _programme(db, texts)

    sessions, organisations = with_db(settings, programme)
    accounts = {
        "organiser A": add_account(
            settings,
            EMAILS["organiser A"],
            name=texts.person_name,
            organisations=[organisations[ORG_A]],
        ),
        "organiser B": add_account(
            settings, EMAILS["organiser B"], name="Bo", organisations=[organisations[ORG_B]]
        ),
        "host": add_account(
            settings, EMAILS["host"], name="Hana", hosted_sessions=[sessions[A_LIVE]]
        ),
        "other host": add_account(
            settings, EMAILS["other host"], name="Otto", hosted_sessions=[sessions[B_LATER]]
        ),
        "admin": add_account(settings, EMAILS["admin"], name="Ada", is_admin=True),
        "attendee": add_account(settings, EMAILS["attendee"], name="Ali"),
    }
    return World(accounts, sessions, organisations)
