"""A room actor's mailbox: what the actor is asked to do, in arrival order, bounded.

Three kinds of jobs: a member's command, a member's join (answered through a future once the
actor has sent the replay or snapshot), and giving the room's write lease back. The actor takes
whatever is waiting, up to a batch, in one go: a busy room decides many commands together.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from realtime.errors import UnavailableError
from realtime.fanout import Member

#: Commands decided and stored together at most.
MAX_BATCH = 128
#: Jobs waiting per room before new ones get ``server.busy``.
QUEUE_LIMIT = 10_000


@dataclass(slots=True)
class Command:
    """A member's command, with the ``ref`` its reply carries and when it arrived."""

    member: Member
    ref: str | int | None
    type: str
    data: dict[str, Any]
    received_at: datetime


@dataclass(slots=True)
class Join:
    """A member joining after ``last_seq``; ``done`` is set once it has what it missed."""

    member: Member
    ref: str | int | None
    last_seq: int | None
    done: asyncio.Future[None]


@dataclass(slots=True)
class Release:
    """Give the room's write lease back (idle for a while, or another worker asked)."""


Job = Command | Join | Release


class Mailbox:
    """The jobs waiting for one room's actor."""

    def __init__(self, limit: int = QUEUE_LIMIT) -> None:
        self._queue: asyncio.Queue[Job] = asyncio.Queue(limit)

    def put(self, job: Job) -> None:
        """Queue ``job``; raises ``server.busy`` when the room is this far behind."""
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull:
            raise UnavailableError("The room is overloaded; try again.", "server.busy") from None

    async def take(self, most: int = MAX_BATCH) -> list[Job]:
        """What is waiting, at most ``most`` jobs; waits for one if there is none."""
        jobs = [await self._queue.get()]
        while len(jobs) < most and not self._queue.empty():
            jobs.append(self._queue.get_nowait())
        return jobs

    def empty(self) -> bool:
        return self._queue.empty()

    def close(self, why: UnavailableError) -> None:
        """Drop what is waiting; joins still waiting learn ``why``."""
        while not self._queue.empty():
            job = self._queue.get_nowait()
            if isinstance(job, Join) and not job.done.done():
                job.done.set_exception(why)
