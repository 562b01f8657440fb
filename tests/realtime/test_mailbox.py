"""A room actor's mailbox: batches in arrival order, a bound, and joins refused on closing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from realtime.errors import UnavailableError
from realtime.fanout import Member
from realtime.identity import Identity
from realtime.mailbox import Command, Join, Mailbox, Release
from realtime.outbox import Outbox

ANA = Member(Identity("g:ana", "ana"), Outbox())
AT = datetime(2027, 1, 24, 12, tzinfo=UTC)


def command(n: int) -> Command:
    return Command(ANA, n, "chat.send", {"text": f"{n}"}, AT)


async def test_mailbox_takes_what_waits_in_order_up_to_a_batch() -> None:
    mailbox = Mailbox()
    jobs = [command(0), Release(), command(1), command(2)]
    for job in jobs:
        mailbox.put(job)
    assert await mailbox.take(most=3) == jobs[:3]
    assert await mailbox.take(most=3) == jobs[3:]
    assert mailbox.empty()


async def test_mailbox_take_waits_for_the_first_job() -> None:
    mailbox = Mailbox()
    taking = asyncio.create_task(mailbox.take())
    await asyncio.sleep(0)
    assert not taking.done()
    mailbox.put(Release())
    assert await taking == [Release()]


def test_mailbox_full_answers_busy() -> None:
    mailbox = Mailbox(limit=2)
    mailbox.put(command(0))
    mailbox.put(command(1))
    with pytest.raises(UnavailableError) as full:
        mailbox.put(command(2))
    assert (full.value.code, str(full.value)) == (
        "server.busy",
        "The room is overloaded; try again.",
    )


async def test_mailbox_closing_refuses_the_joins_still_waiting() -> None:
    mailbox = Mailbox()
    loop = asyncio.get_running_loop()
    waiting, answered = Join(ANA, "j", None, loop.create_future()), loop.create_future()
    answered.set_result(None)
    mailbox.put(command(0))
    mailbox.put(waiting)
    mailbox.put(Join(ANA, "k", 3, answered))
    mailbox.close(UnavailableError("The room is closing; reconnect."))
    assert mailbox.empty()
    with pytest.raises(UnavailableError, match="closing"):
        await waiting.done
    assert answered.result() is None
