"""A room's once-a-second work: the transient frames of what changed (reactions, presence,
each feature's ``changed`` (tallies, upvotes, quiz progress), status), and what its worker
shares with the room's other workers.

Transient frames carry no sequence number and are never replayed: each one states the current
value (a joiner gets the same values in its snapshot or join reply). They are built once per
view: ``public``, ``voter`` (has voted in the open poll) and ``moderator``.

With other workers (``shared.distributed``), each tick also publishes this worker's reactions of
the second (:class:`~realtime.backplane.Reactions`) and reports who is here, learning the room's
count (and, for moderators, the names) across workers for the next tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from realtime import protocol
from realtime.backplane import Message, Reactions
from realtime.broker.shared import Shared
from realtime.broker.status import BrokerUnavailableError
from realtime.fanout import Audience, Member
from realtime.limits import IdentityLimits
from realtime.rooms import reactions
from realtime.rooms.feature import VIEWS
from realtime.rooms.presence import WHO_LIMIT, Presence
from realtime.rooms.room import RoomState, take_changes
from scheduling.clock import Clock

log = logging.getLogger("realtime.ticker")

TICK_SECONDS = 1.0
#: Rooms bigger than this send presence every PRESENCE_TICKS_BIG ticks: a join storm in a big
#: room would otherwise send everyone a presence update every second.
BIG_ROOM = 1000
PRESENCE_TICKS_BIG = 5
#: Idle rate-limit buckets are forgotten every this many ticks.
FORGET_TICKS = 60


def transient_views(
    state: RoomState,
    presence: Presence,
    window: reactions.ReactionWindow,
    status_changed: bool,
    now: datetime,
    presence_due: bool = True,
    with_who: bool = True,
) -> dict[str, str] | None:
    """One frame per view with everything that changed, or None when nothing did.

    ``presence_due``: whether presence may be sent this time (big rooms send it less often);
    ``with_who``: whether a moderator is there to receive the list of names.
    """
    frames: dict[str, list[str]] = {view: [] for view in VIEWS}

    def everyone(frame: str) -> None:
        for view in VIEWS:
            frames[view].append(frame)

    counts = window.flush()
    if counts is not None:
        everyone(protocol.transient("reactions", {"counts": counts}))
    if presence_due and presence.take_change():
        public = protocol.transient("presence", presence.view(moderator=False))
        frames["public"].append(public)
        frames["voter"].append(public)
        moderator = presence.view(moderator=True) if with_who else presence.view(False)
        frames["moderator"].append(protocol.transient("presence", moderator))
    for view, changes in take_changes(state).items():
        frames[view] += [protocol.transient(frame, data) for frame, data in changes]
    if status_changed:
        everyone(protocol.transient("room.status", {"status": state.status(now).value}))
    if not frames["moderator"]:
        return None
    return {view: protocol.batch(found) for view, found in frames.items()}


class TickedRoom(Protocol):
    """What a tick reads and sends through (a RoomRuntime)."""

    name: str
    origin: str
    presence: Presence
    reactions: reactions.ReactionWindow
    audience: Audience
    limits: IdentityLimits
    shared: Shared
    #: The room.degraded frame while the broker is down (None while it carries messages).
    degraded: str | None

    @property
    def state(self) -> RoomState: ...

    async def publish(self, message: Message) -> None:
        """Tell the room's other workers (dropped while the broker is down)."""


class Ticker:
    """Ticks one room every second, on the loop clock's whole seconds."""

    def __init__(
        self,
        room: TickedRoom,
        clock: Clock,
        monotonic: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        loop_time: Callable[[], float] | None = None,
    ) -> None:
        self.room = room
        self.clock = clock
        self.monotonic = monotonic
        self.sleep = sleep
        self.loop_time = loop_time  # None: the running loop's clock
        self.ticks = 0
        self._status = room.state.status(clock.now())

    async def run(self) -> None:
        """Tick (and share) until cancelled."""
        loop_time = self.loop_time or asyncio.get_running_loop().time
        while True:
            # On the loop clock's whole seconds: every room of this process ticks in the same
            # iteration, so their presence reports share one Redis round trip.
            delay = TICK_SECONDS - loop_time() % TICK_SECONDS
            await self.sleep(delay if delay > TICK_SECONDS / 10 else delay + TICK_SECONDS)
            try:
                mine = dict(self.room.reactions.counts)
                self.tick()
                if self.room.shared.distributed:
                    await self.share(mine)
            except Exception:
                log.exception("room %s: tick failed", self.room.name)

    def tick(self) -> None:
        """Broadcast what changed in the last second: reactions, presence, tallies, status."""
        room = self.room
        now = self.clock.now()
        self.ticks += 1
        if self.ticks % FORGET_TICKS == 0:
            room.limits.forget_idle(self.monotonic())
        status = room.state.status(now)
        changed_status = status != self._status
        self._status = status
        big = len(room.audience) > BIG_ROOM
        views = transient_views(
            room.state,
            room.presence,
            room.reactions,
            changed_status,
            now,
            presence_due=not big or self.ticks % PRESENCE_TICKS_BIG == 0,
            with_who=room.audience.moderators > 0,
        )
        if views is None:
            return
        poll = room.state.polls.active()
        voters = poll.voters if poll is not None else {}

        def pick(member: Member) -> str:
            if member.identity.moderator:
                return "moderator"
            return "voter" if member.identity.id in voters else "public"

        room.audience.transient(views, pick)

    async def share(self, counts: dict[str, int]) -> None:
        """Tell the other workers this second's reactions and who is here; learn the room's
        count (and, for moderators here, who) across workers, for the next tick."""
        room = self.room
        if room.degraded is not None:
            room.presence.report_failed()  # report everyone once the broker is back
            return
        if counts:
            await room.publish(Reactions(room.name, room.origin, counts))
        arrived, left = room.presence.report()
        try:
            total = await room.shared.presence(room.name, arrived, left, len(room.presence.people))
            everyone = (
                await room.shared.who(room.name, WHO_LIMIT) if room.audience.moderators else None
            )
        except BrokerUnavailableError:
            room.presence.report_failed()
            return
        room.presence.shared(total, everyone)
