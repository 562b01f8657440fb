"""A real event store with gates the test opens: appends and reads park at a gate until the
test lets them through, so that two workers' writes (or a write and a delivery) happen in the
order a test needs, every time, without sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from realtime.events import Event
from realtime.storage import EventStore, SeqConflictError


class Gate:
    """Callers park at a closed gate until the test lets them through, first come first out."""

    def __init__(self) -> None:
        self.closed = False
        self._parked: list[asyncio.Future[None]] = []
        self._changed = asyncio.Event()

    async def passing(self) -> None:
        """Go through, or park here while the gate is closed."""
        if not self.closed:
            return
        parked = asyncio.get_running_loop().create_future()
        self._parked.append(parked)
        self._changed.set()
        await parked

    async def parked(self, count: int = 1, seconds: float = 10.0) -> None:
        """Wait until ``count`` callers are parked here."""
        async with asyncio.timeout(seconds):
            while len(self._parked) < count:
                self._changed.clear()
                await self._changed.wait()

    def let_one(self) -> None:
        """Let the first parked caller through (the gate stays closed for the next)."""
        self._parked.pop(0).set_result(None)

    def open(self) -> None:
        """Let everyone through, now and from now on."""
        self.closed = False
        while self._parked:
            self.let_one()


class GatedStore:
    """``inner`` with a gate before each append, one after it (stored, not yet returned: the
    worker has not published yet), one before each read and one after it (read, not yet
    returned: what it returns may be out of date by then); counts the conflicts it saw, and
    fails appends or reads when told to."""

    def __init__(self, inner: EventStore) -> None:
        self.inner = inner
        self.before_append = Gate()
        self.after_append = Gate()
        self.before_read = Gate()
        self.after_read = Gate()
        self.reads = 0
        self.conflicts = 0
        #: Raised by the next appends or reads instead of going to ``inner`` (a database down).
        self.append_error: Exception | None = None
        self.read_error: Exception | None = None

    async def append(self, room: str, events: Sequence[Event]) -> None:
        await self.before_append.passing()
        if self.append_error is not None:
            raise self.append_error
        try:
            await self.inner.append(room, events)
        except SeqConflictError:
            self.conflicts += 1
            raise
        await self.after_append.passing()

    async def read(self, room: str, after_seq: int, limit: int | None = None) -> list[Event]:
        await self.before_read.passing()
        if self.read_error is not None:
            raise self.read_error
        self.reads += 1
        found = await self.inner.read(room, after_seq, limit)
        await self.after_read.passing()
        return found
