"""This process's copy of one room's log: the state folded from it, its recent events, and how
far the members here have been sent it (``delivered_seq``).

Events reach it from the broker (published by whichever worker decided them) and, when the
broker skipped some, from the store. Whatever the path, the members get each event once and in
``seq`` order: events at or below ``delivered_seq`` are dropped, and events after a gap wait
until the store has filled it (every event is stored before it is published, so the store
always holds what a gap misses).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from realtime.backplane import Head, Message
from realtime.events import Event
from realtime.rooms import room
from realtime.rooms.lifecycle import RoomInfo
from realtime.snapshots import Recent, replay, snapshot_reason
from realtime.storage import EventStore
from realtime.tasks import cancel_and_wait

#: How long a new lease holder waits for the previous holder's events to arrive through the
#: broker before reading them from the store.
REACH_WAIT_SECONDS = 0.25


class Replica:
    """One room's log as this process holds it; ``deliver`` fans fresh events out, in order."""

    def __init__(
        self,
        info: RoomInfo,
        store: EventStore,
        deliver: Callable[[list[Event]], None],
        reach_wait_seconds: float = REACH_WAIT_SECONDS,
    ) -> None:
        self.name = info.name
        self.state = room.RoomState(info)
        self.store = store
        self.recent = Recent()
        #: The members here have been sent every event up to this seq.
        self.delivered_seq = 0
        self._deliver = deliver
        self.reach_wait_seconds = reach_wait_seconds
        self._advanced = asyncio.Event()
        self._catching_up: asyncio.Task[None] | None = None
        self._gap_again = False  # a gap was seen while catching up: catch up once more after
        self._announcing: set[asyncio.Task[None]] = set()

    async def load(self) -> None:
        """Start from the whole log in the store."""
        self.reset(await self.store.read(self.name, 0))

    def reset(self, events: list[Event]) -> None:
        """Make the state the fold of ``events``, the room's whole log."""
        state = room.RoomState(self.state.info)
        for event in events:
            room.apply(state, event)
        self.state = state
        self.delivered_seq = state.seq
        self.recent.reset(events)

    def receive(self, events: list[Event]) -> None:
        """Deliver what is new in ``events`` (consecutive), or catch up first after a gap."""
        fresh = [e for e in events if e.seq > self.delivered_seq]
        if not fresh:
            return
        if fresh[0].seq != self.delivered_seq + 1:
            self.catch_up()
            return
        for event in fresh:
            room.apply(self.state, event)  # a no-op for events this process decided
            self.recent.add(event)
        self.delivered_seq = fresh[-1].seq
        self._advanced.set()
        self._deliver(fresh)

    async def read_missing(self) -> None:
        """Deliver what the store holds after ``delivered_seq``."""
        self.receive(await self.store.read(self.name, self.delivered_seq))

    def catch_up(self) -> None:
        """Read what the broker skipped from the store in the background, then deliver it."""
        if self._catching_up is not None and not self._catching_up.done():
            # The running read may have been answered before what this gap misses was stored.
            self._gap_again = True
            return
        self._catching_up = asyncio.get_running_loop().create_task(self._catch_up())

    async def _catch_up(self) -> None:
        again = True
        while again:
            self._gap_again = False
            await self.read_missing()
            again = self._gap_again

    async def since(self, last_seq: int | None) -> tuple[int, str | None, list[Event]]:
        """For a client that last saw ``last_seq``: the head it joins at, why it gets a snapshot
        (None: a replay) and the events to replay."""
        if last_seq is not None and last_seq > self.state.seq:
            # Seen on another worker, not yet here: read what the broker has not brought yet.
            with contextlib.suppress(Exception):
                await self.read_missing()
        head = self.state.seq
        reason = snapshot_reason(last_seq, head)
        if reason is not None:
            return head, reason, []
        replayed = await replay(self.recent, self.store, self.name, last_seq or 0, head)
        while self.state.seq > head:
            # Delivered while the store was read, to the members only: the joiner gets later
            # events only, so these must be in its replay.
            more = await replay(self.recent, self.store, self.name, head, self.state.seq)
            if not more:
                raise RuntimeError(f"room {self.name}: store ends at {head}, delivered more")
            head = more[-1].seq
            replayed += more
        return head, None, replayed

    def restored(self, publish: Callable[[Message], Coroutine[Any, Any, None]]) -> None:
        """The broker is back: read what other workers stored meanwhile, and tell them this
        room's head, so that any behind it (this worker stored but could not publish) read too."""
        self.catch_up()
        task = asyncio.get_running_loop().create_task(publish(Head(self.name, self.state.seq)))
        self._announcing.add(task)
        task.add_done_callback(self._announcing.discard)

    async def reach(self, head: int | None) -> None:
        """Hold every event up to ``head`` (None: the deployment does not know the head)."""
        if head is not None and head <= self.state.seq:
            return
        if head is not None:
            # The previous holder published before it let go: its events are on their way.
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.reach_wait_seconds
            while self.state.seq < head and (remaining := deadline - loop.time()) > 0:
                self._advanced.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._advanced.wait(), remaining)
            if self.state.seq >= head:
                return
        await self.read_missing()

    async def reload(self) -> None:
        """After a failed write the state holds events that were never stored: rebuild it from
        the store, and deliver what the store holds that the members have not had (another
        worker's). Raises what reading the store raises."""
        events = await self.store.read(self.name, 0)
        # Meanwhile the broker may have brought events past what the read answered: they are
        # stored (only stored events are published), so read on until the state holds them.
        while (last := events[-1].seq if events else 0) < self.delivered_seq:
            more = await self.store.read(self.name, last)
            if not more:
                raise RuntimeError(f"room {self.name}: store ends at {last}, delivered more")
            events += more
        # What the members were sent while the store was read is not missed: only after it.
        missed = [event for event in events if event.seq > self.delivered_seq]
        self.reset(events)
        if missed:
            self._deliver(missed)

    async def close(self) -> None:
        """Stop catching up and announcing."""
        catching_up = [self._catching_up] if self._catching_up is not None else []
        await cancel_and_wait([*catching_up, *self._announcing])
