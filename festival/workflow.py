"""The session workflow: draft -> submitted -> published -> cancelled, and who takes each step.

=========  ===========================  ==========  =====================================
step       from                         to          who
=========  ===========================  ==========  =====================================
submit     draft                        submitted   the organisation's organisers
withdraw   submitted                    draft       its organisers; admins (sending back)
publish    draft, submitted             published   admins; organisers of a trusted org
cancel     published                    cancelled   its organisers and admins
=========  ===========================  ==========  =====================================

Who may manage a session at all is festival/auth's rule (``can_manage_session``); publishing
is ``can_publish_session``. Each step is a change like any other (``festival.sessions``): a
new revision and a record in the change log.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from festival import sessions
from festival.auth.account import Account, can_manage_session, can_publish_session
from festival.errors import BadRequestError, ForbiddenError
from festival.i18n import gettext as _
from festival.models import FestivalSession
from scheduling.clock import Clock
from scheduling.vocabulary import SessionStatus


class Step(enum.StrEnum):
    """A move of a session from one status to the next."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    PUBLISH = "publish"
    CANCEL = "cancel"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown (Babel's ``N_``)."""
    return message


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    label_message: str  # the button, in English (translated by ``label``)
    done_message: str  # what the page says afterwards, in English

    @property
    def label(self) -> str:
        return _(self.label_message)

    @property
    def done(self) -> str:
        return _(self.done_message)


TRANSITIONS: dict[Step, Transition] = {
    Step.SUBMIT: Transition(
        frozenset({SessionStatus.DRAFT}),
        SessionStatus.SUBMITTED,
        N_("Submit for review"),
        N_("Submitted: an admin will review it before it appears in the programme."),
    ),
    Step.WITHDRAW: Transition(
        frozenset({SessionStatus.SUBMITTED}),
        SessionStatus.DRAFT,
        N_("Back to draft"),
        N_("Back to draft: it is no longer waiting for review."),
    ),
    Step.PUBLISH: Transition(
        frozenset({SessionStatus.DRAFT, SessionStatus.SUBMITTED}),
        SessionStatus.PUBLISHED,
        N_("Publish"),
        N_("Published: it is in the programme, the API and the calendars."),
    ),
    Step.CANCEL: Transition(
        frozenset({SessionStatus.PUBLISHED}),
        SessionStatus.CANCELLED,
        N_("Cancel this session"),
        N_("Cancelled: it stays in the programme and the calendars as cancelled."),
    ),
}


class StepNotAllowedError(BadRequestError):
    code = "session.step_not_allowed"


def allowed_steps(
    account: Account | None, session: FestivalSession, trusted: bool
) -> tuple[Step, ...]:
    """The steps ``account`` may take with ``session`` now (its organisation is ``trusted`` or
    not). Someone who may publish is not offered to submit: there is nobody to review it."""
    if not can_manage_session(account, session):
        return ()
    may_publish = can_publish_session(account, session, trusted)
    steps: list[Step] = []
    for step, transition in TRANSITIONS.items():
        if session.status not in transition.sources:
            continue
        if step is Step.PUBLISH and not may_publish:
            continue
        if step is Step.SUBMIT and may_publish:
            continue
        steps.append(step)
    return tuple(steps)


async def take_step(
    db: AsyncSession,
    session: FestivalSession,
    step: Step,
    account: Account,
    trusted: bool,
    clock: Clock,
) -> FestivalSession:
    """Move ``session`` on by ``step`` for ``account``, or refuse: ForbiddenError when the
    account may not manage it, StepNotAllowedError when the step is not open to them now."""
    if not can_manage_session(account, session):
        raise ForbiddenError(
            _("Only this session's organisers and the festival admins can change it."),
            "auth.forbidden",
        )
    if step not in allowed_steps(account, session, trusted):
        raise StepNotAllowedError(_refusal(step, session.status))
    return await sessions.update_session(
        db, session, clock, sessions.Actor.of(account), status=TRANSITIONS[step].target
    )


def _refusal(step: Step, status: str) -> str:
    if step is Step.PUBLISH and status in TRANSITIONS[step].sources:
        return _(
            "Only the festival admins can publish this session: submit it for review, and an "
            "admin will publish it."
        )
    return _(
        "A session that is %(status)s cannot take the step %(step)s.",
        status=status,
        step=repr(step.value),
    )
