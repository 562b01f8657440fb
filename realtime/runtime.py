"""One room in this process: its state, its members, and the actor that orders its commands.

Commands go through one queue per room. The actor takes what is waiting (up to a batch),
decides each command against the state, numbers the resulting events, stores them in one
append (the store batches further across rooms), and only then publishes them and acknowledges
the senders: an ``ok`` means the event is durable. A busy room thus coalesces many events
into one store write, one broker message and one frame per member.

Delivery (from the broker) applies events from other processes, fans out, and closes the
connections of banned identities. A join is handled by the actor too, between two batches, so
the replay or snapshot it sends and the live events that follow meet without gap or overlap.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from realtime import protocol
from realtime.broker.base import Broker
from realtime.channels import channel_for
from realtime.errors import RoomError, UnavailableError
from realtime.events import Context, Event, Outcome, decode_events, encode_events
from realtime.fanout import Audience, Member, visible_frames
from realtime.limits import IdentityLimits, Limits
from realtime.rooms import room
from realtime.rooms.lifecycle import RoomInfo
from realtime.rooms.presence import Presence
from realtime.rooms.reactions import ReactionWindow
from realtime.snapshots import SnapshotCache, snapshot_reason
from realtime.storage import EventStore
from realtime.ticker import transient_views
from scheduling.clock import Clock

log = logging.getLogger("realtime.runtime")

#: Recent events kept in memory to serve replays without reading the store.
RECENT_KEEP = 1000
#: Commands decided and stored together at most.
MAX_BATCH = 128
#: Commands waiting per room before new ones get ``server.busy``.
QUEUE_LIMIT = 10_000
#: Events per frame in a replay.
REPLAY_CHUNK = 200
TICK_SECONDS = 1.0
#: Rooms bigger than this send presence every PRESENCE_TICKS_BIG ticks: a join storm in a big
#: room would otherwise send everyone a presence update every second.
BIG_ROOM = 1000
PRESENCE_TICKS_BIG = 5


@dataclass(slots=True)
class _Command:
    member: Member
    ref: str | int | None
    type: str
    data: dict[str, Any]
    received_at: datetime


@dataclass(slots=True)
class _Join:
    member: Member
    ref: str | int | None
    last_seq: int | None
    done: asyncio.Future[None]


class RoomRuntime:
    def __init__(
        self,
        info: RoomInfo,
        store: EventStore,
        broker: Broker,
        clock: Clock,
        limits: Limits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = info.name
        self.state = room.RoomState(info)
        self.store = store
        self.broker = broker
        self.clock = clock
        self.monotonic = monotonic
        self._ticks = 0
        self.channel = channel_for(info.name)
        self.audience = Audience(self._dropped)
        self.presence = Presence()
        self.reactions = ReactionWindow()
        self.limits = IdentityLimits(limits or Limits())
        self.recent: deque[Event] = deque(maxlen=RECENT_KEEP)
        self.delivered_seq = 0
        self.users = 0  # connections holding this runtime (see Hub.acquire)
        self._queue: asyncio.Queue[_Command | _Join] = asyncio.Queue(QUEUE_LIMIT)
        self._tasks: list[asyncio.Task[None]] = []
        self._catching_up: asyncio.Task[None] | None = None
        self._status = self.state.status(clock.now())
        self.snapshots = SnapshotCache()
        self.on_broken: Callable[[RoomRuntime], None] | None = None

    # -- lifetime -----------------------------------------------------------------------------

    async def start(self) -> None:
        await self._load()
        await self.broker.subscribe(self.channel, self.deliver)
        self._tasks = [
            asyncio.create_task(self._run(), name=f"room {self.name}"),
            asyncio.create_task(self._tick_forever(), name=f"room {self.name} ticker"),
        ]

    async def stop(self, code: int = protocol.CLOSE_GOING_AWAY) -> None:
        await self.broker.unsubscribe(self.channel)
        tasks = [*self._tasks, *([self._catching_up] if self._catching_up else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        while not self._queue.empty():
            job = self._queue.get_nowait()
            if isinstance(job, _Join) and not job.done.done():
                job.done.set_exception(UnavailableError("The room is closing; reconnect."))
        for member in list(self.audience.members):
            member.outbox.close(code, "server going away")
            self.audience.discard(member)

    async def _load(self) -> None:
        state = room.RoomState(self.state.info)
        events = await self.store.read(self.name, 0)
        for event in events:
            room.apply(state, event)
        self.state = state
        self.delivered_seq = state.seq
        self.recent.clear()
        self.recent.extend(events[-RECENT_KEEP:])

    # -- called by connections ------------------------------------------------------------------

    async def join(self, member: Member, ref: str | int | None, last_seq: int | None) -> None:
        """Join (replay or snapshot go to the member's outbox); raises RoomError if refused."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._enqueue(_Join(member, ref, last_seq, done))
        await done

    def submit(
        self,
        member: Member,
        ref: str | int | None,
        message_type: str,
        data: dict[str, Any],
        now_monotonic: float,
    ) -> None:
        """Take a command; its reply goes to the member's outbox. Raises RoomError if refused."""
        who = member.identity
        self.limits.check(message_type, who.id, who.moderator, now_monotonic)
        if message_type == "react":
            ctx = Context(who, self.clock.now())
            self.reactions.add(room.check_reaction(self.state, ctx, data))
            if ref is not None:
                member.send(protocol.ok(ref))
        elif message_type in room.QUERIES:
            reply = room.query(self.state, Context(who, self.clock.now()), message_type)
            member.send(protocol.ok(ref, reply))
        else:
            self._enqueue(_Command(member, ref, message_type, data, self.clock.now()))

    def leave(self, member: Member) -> None:
        if member in self.audience.members:
            self.audience.discard(member)
            self._dropped(member)

    def _enqueue(self, job: _Command | _Join) -> None:
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull:
            raise UnavailableError("The room is overloaded; try again.", "server.busy") from None

    def _dropped(self, member: Member) -> None:
        self.presence.leave(member.identity)

    # -- the actor ------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            jobs = [await self._queue.get()]
            while len(jobs) < MAX_BATCH and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            pending: list[tuple[_Command, Outcome, list[Event]]] = []
            for job in jobs:
                if isinstance(job, _Join):
                    await self._flush(pending)
                    pending = []
                    await self._join(job)
                    continue
                ctx = Context(job.member.identity, job.received_at)
                try:
                    outcome = room.decide(self.state, ctx, job.type, job.data)
                except RoomError as exc:
                    job.member.send(protocol.error(job.ref, exc))
                    continue
                pending.append((job, outcome, room.commit(self.state, ctx, outcome)))
            await self._flush(pending)

    async def _flush(self, pending: list[tuple[_Command, Outcome, list[Event]]]) -> None:
        events = [event for _, _, evs in pending for event in evs]
        if events:
            try:
                await self.store.append(self.name, events)
            except Exception:
                log.exception("room %s: storing %d events failed", self.name, len(events))
                failure = UnavailableError("The server could not store this; try again.")
                for job, _, _ in pending:
                    job.member.send(protocol.error(job.ref, failure))
                await self._recover()
                return
            message = encode_events(self.name, events)
            try:
                await self.broker.publish(self.channel, message)
            except Exception:
                log.exception("room %s: publishing failed; delivering locally", self.name)
                self._on_events(events)
        for job, outcome, evs in pending:
            if job.ref is not None:
                reply = {**outcome.reply, "seq": evs[0].seq} if evs else outcome.reply
                job.member.send(protocol.ok(job.ref, reply))

    async def _recover(self) -> None:
        """After a failed write the state holds events that were not stored: reload it."""
        try:
            await self._load()
        except Exception:
            log.exception("room %s: reloading failed; closing the room", self.name)
            for member in list(self.audience.members):
                member.outbox.close(protocol.CLOSE_SERVER_ERROR, "room unavailable")
            if self.on_broken is not None:
                self.on_broken(self)

    async def _join(self, job: _Join) -> None:
        member, who = job.member, job.member.identity
        head = self.state.seq
        reason = snapshot_reason(job.last_seq, head)
        try:
            room.check_join(self.state, who)
            replay = [] if reason else await self._events_between(job.last_seq or 0, head)
        except Exception as exc:  # noqa: BLE001 - handed to the joining connection
            job.done.set_exception(exc)
            return
        now = self.clock.now()
        member.floor = head
        self.presence.join(who)
        self.state.names[who.id] = who.name
        self.audience.add(member)
        reply = {
            "mode": "snapshot" if reason else "replay",
            "seq": head,
            "you": room.you(self.state, who, now),
            "status": self.state.status(now).value,
            "presence": {"count": self.presence.count},
        }
        # What the join sends is bounded (a snapshot, or at most REPLAY_LIMIT events): it goes
        # in whatever the outbox holds, and only later frames count against the member.
        member.send(protocol.ok(job.ref, reply), force=True)
        if reason:
            frame = self.snapshots.frame(self.state, who, reason, now, self.presence)
            member.send(frame, force=True)
        else:
            frames = visible_frames(replay, who.moderator)
            for start in range(0, len(frames), REPLAY_CHUNK):
                member.send(protocol.batch(frames[start : start + REPLAY_CHUNK]), force=True)
        job.done.set_result(None)

    async def _events_between(self, after: int, head: int) -> list[Event]:
        if after >= head:
            return []
        if self.recent and self.recent[0].seq <= after + 1 and self.recent[-1].seq >= head:
            return [e for e in self.recent if after < e.seq <= head]
        return await self.store.read(self.name, after, head - after)

    # -- delivery from the broker ---------------------------------------------------------------

    def deliver(self, message: bytes) -> None:
        self._on_events(decode_events(message))

    def _on_events(self, events: list[Event]) -> None:
        fresh = [e for e in events if e.seq > self.delivered_seq]
        if not fresh:
            return
        if fresh[0].seq != self.delivered_seq + 1:
            self._catch_up()
            return
        for event in fresh:
            room.apply(self.state, event)  # a no-op for events this process decided
            if not self.recent or event.seq == self.recent[-1].seq + 1:
                self.recent.append(event)
        self.delivered_seq = fresh[-1].seq
        self.audience.events(fresh)
        for event in fresh:
            if event.kind == "mod.banned":
                target = event.data["target"]["id"]
                self.audience.close_identity(target, protocol.CLOSE_BANNED, "banned")

    def _catch_up(self) -> None:
        """Fetch what the broker skipped from the store, then deliver it in order."""
        if self._catching_up is not None and not self._catching_up.done():
            return

        async def fetch() -> None:
            self._on_events(await self.store.read(self.name, self.delivered_seq))

        self._catching_up = asyncio.create_task(fetch())

    # -- once a second --------------------------------------------------------------------------

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                self.tick()
            except Exception:
                log.exception("room %s: tick failed", self.name)

    def tick(self) -> None:
        """Broadcast what changed in the last second: reactions, presence, tallies, status."""
        now = self.clock.now()
        self._ticks += 1
        if self._ticks % 60 == 0:
            self.limits.forget_idle(self.monotonic())
        status = self.state.status(now)
        changed_status = status != self._status
        self._status = status
        big = len(self.audience) > BIG_ROOM
        views = transient_views(
            self.state,
            self.presence,
            self.reactions,
            changed_status,
            now,
            presence_due=not big or self._ticks % PRESENCE_TICKS_BIG == 0,
            with_who=self.audience.moderators > 0,
        )
        if views is None:
            return
        poll = self.state.polls.active()
        voters = poll.voters if poll is not None else {}

        def pick(member: Member) -> str:
            if member.identity.moderator:
                return "moderator"
            return "voter" if member.identity.id in voters else "public"

        self.audience.transient(views, pick)
