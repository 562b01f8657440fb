"""festival.workflow: draft -> submitted -> published -> cancelled, and who takes each step."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival import sessions, workflow
from festival.auth import Account
from festival.errors import BadRequestError, ForbiddenError
from festival.models import Edition, FestivalSession, Organisation, SessionChange
from festival.models.accounts import Account as AccountRow
from festival.settings import Settings
from festival.workflow import Step
from scheduling.clock import FixedClock
from tests.dbtools import with_db

CREATED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
STEPPED = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
ORG_A, ORG_B = 10, 20
ADMIN = Account(1, "admin@example.org", "Ada", is_admin=True)
ORGANISER_A = Account(2, "a@example.org", "Amina", False, organisation_ids=frozenset({ORG_A}))
ORGANISER_B = Account(3, "b@example.org", "Bo", False, organisation_ids=frozenset({ORG_B}))
HOST = Account(4, "h@example.org", "Hana", False, hosted_session_ids=frozenset({100}))


def session_of_a(status: str) -> FestivalSession:
    return FestivalSession(id=100, organisation_id=ORG_A, status=status)


@pytest.mark.parametrize(
    ("account", "status", "trusted", "steps"),
    [
        (ORGANISER_A, "draft", False, (Step.SUBMIT,)),
        (ORGANISER_A, "submitted", False, (Step.WITHDRAW,)),
        (ORGANISER_A, "published", False, (Step.CANCEL,)),
        (ORGANISER_A, "cancelled", False, ()),
        (ORGANISER_A, "draft", True, (Step.PUBLISH,)),
        (ORGANISER_A, "submitted", True, (Step.WITHDRAW, Step.PUBLISH)),
        (ADMIN, "draft", False, (Step.PUBLISH,)),
        (ADMIN, "submitted", False, (Step.WITHDRAW, Step.PUBLISH)),
        (ADMIN, "published", False, (Step.CANCEL,)),
        (ORGANISER_B, "draft", True, ()),
        (ORGANISER_B, "published", False, ()),
        (HOST, "published", False, ()),  # hosts moderate the room; they do not manage it
        (None, "submitted", True, ()),
    ],
)
def test_allowed_steps_follow_status_role_and_trust(
    account: Account | None, status: str, trusted: bool, steps: tuple[Step, ...]
) -> None:
    assert workflow.allowed_steps(account, session_of_a(status), trusted) == steps


async def _place(db: AsyncSession, trusted: bool) -> FestivalSession:
    edition = Edition(slug="e", name="E", first_day=date(2027, 1, 24), last_day=date(2027, 1, 24))
    org = Organisation(
        id=ORG_A, slug="a", name="A", country="NP", tz_name="Asia/Kathmandu", trusted=trusted
    )
    db.add_all(
        [
            edition,
            org,
            Organisation(id=ORG_B, slug="b", name="B", country="FR", tz_name="Europe/Paris"),
        ]
    )
    # The accounts the change log names (no password: they never sign in here).
    for account in (ADMIN, ORGANISER_A, ORGANISER_B):
        db.add(
            AccountRow(
                id=account.id,
                email=account.email,
                email_key=account.email,
                display_name=account.name,
                password_hash="-",
                is_admin=account.is_admin,
            )
        )
    await db.flush()
    data = sessions.SessionInput(
        "River", datetime.fromisoformat("2027-01-24 09:00"), "Asia/Kathmandu", 60, status="draft"
    )
    return await sessions.create_session(db, edition, org, data, FixedClock(CREATED))


def take(
    settings: Settings, steps: list[tuple[Step, Account]], trusted: bool = False
) -> tuple[str, list[tuple[int, str, str, int | None, bool]]]:
    """Take the steps in order on a new draft of A; its status and its change log."""

    async def run(db: AsyncSession) -> tuple[str, list[tuple[int, str, str, int | None, bool]]]:
        row = await _place(db, trusted)
        for step, account in steps:
            await workflow.take_step(db, row, step, account, trusted, FixedClock(STEPPED))
        result = await db.execute(
            select(SessionChange)
            .where(col(SessionChange.session_id) == row.id)
            .order_by(col(SessionChange.id))
        )
        log = [(c.revision, c.action, c.actor, c.account_id, c.notice) for c in result.scalars()]
        return row.status, log

    return with_db(settings, run)


def test_submit_then_an_admin_publishes_then_the_organiser_cancels(settings: Settings) -> None:
    status, log = take(
        settings,
        [(Step.SUBMIT, ORGANISER_A), (Step.PUBLISH, ADMIN), (Step.CANCEL, ORGANISER_A)],
    )

    assert status == "cancelled"
    assert log == [
        (1, "created", "festival", None, False),
        (2, "submitted", "a@example.org", 2, False),
        (3, "published", "admin@example.org", 1, False),
        (4, "cancelled", "a@example.org", 2, True),  # attendees are told
    ]


def test_a_trusted_organisation_publishes_without_review(settings: Settings) -> None:
    status, log = take(settings, [(Step.PUBLISH, ORGANISER_A)], trusted=True)

    assert (status, log[-1][:3]) == ("published", (2, "published", "a@example.org"))


def test_an_organiser_of_an_untrusted_organisation_cannot_publish(settings: Settings) -> None:
    with pytest.raises(BadRequestError) as caught:
        take(settings, [(Step.SUBMIT, ORGANISER_A), (Step.PUBLISH, ORGANISER_A)])

    assert caught.value.code == "session.step_not_allowed"
    assert caught.value.message.startswith("Only the festival admins can publish this session")


def test_a_draft_cannot_be_cancelled(settings: Settings) -> None:
    with pytest.raises(BadRequestError) as caught:
        take(settings, [(Step.CANCEL, ADMIN)])

    assert caught.value.message == "A session that is draft cannot take the step 'cancel'."


def test_an_organiser_of_another_organisation_is_refused(settings: Settings) -> None:
    with pytest.raises(ForbiddenError) as caught:
        take(settings, [(Step.SUBMIT, ORGANISER_B)], trusted=True)

    assert caught.value.code == "auth.forbidden"
