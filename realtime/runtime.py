"""One room in this process: its state, its members, and the actor that orders its commands.

Commands go through one queue per room. The actor takes what is waiting (up to a batch),
decides each command against the state, numbers the resulting events, stores them in one
append (the store batches further across rooms), and only then publishes them and acknowledges
the senders: an ``ok`` means the event is durable. A busy room thus coalesces many events
into one store write, one broker message and one frame per member.

Delivery (from the broker) applies events from other processes, fans out, and closes the
connections of banned identities. A join is handled by the actor too, between two batches, so
the replay or snapshot it sends and the live events that follow meet without gap or overlap.

Many workers (docs/architecture.md, "Scale-out"): a batch is decided while holding the room's
write lease (``broker.shared``), after bringing the state up to the room's head, so every
worker decides against the whole log and publishes in ``seq`` order; the store's unique
``(room, seq)`` remains the last guard. Presence and reaction counts are shared once a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from realtime import protocol
from realtime.broker.base import Broker
from realtime.broker.shared import Claim
from realtime.broker.status import BrokerStatus, BrokerUnavailableError
from realtime.channels import channel_for
from realtime.errors import RateLimitedError, RoomError, UnavailableError
from realtime.events import Context, Event, Outcome, encode_events, iso
from realtime.fanout import Audience, Member, visible_frames
from realtime.identity import Identity
from realtime.limits import ACTION_OF_TYPE, IdentityLimits, Limits
from realtime.metrics import MetricsSink, NoMetrics
from realtime.rooms import room
from realtime.rooms.lifecycle import RoomInfo
from realtime.rooms.presence import WHO_LIMIT, Presence
from realtime.rooms.reactions import ReactionWindow
from realtime.snapshots import SnapshotCache, snapshot_reason
from realtime.storage import EventStore, SeqConflictError
from realtime.tasks import cancel_and_wait
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
#: How long a batch waits for the room's write lease (held by another worker) before the
#: commands get ``server.busy``.
LEASE_WAIT_SECONDS = 2.0
#: How long a new lease holder waits for the previous holder's events to arrive through the
#: broker before reading them from the store.
REACH_WAIT_SECONDS = 0.25
#: A lease holder gives the lease back after the room has been quiet this long.
LEASE_IDLE_SECONDS = 0.2
#: After giving the lease to a worker that asked, wait this long before claiming it again.
LEASE_YIELD_SECONDS = 0.05
UNREACHABLE = (
    "The servers cannot reach each other right now; nothing was kept. Try again in a moment."
)
#: A rate at least this fast is no limit (Limits.unlimited()).
UNLIMITED_PER_SECOND = 1e9
#: What the members of a room hear while the broker is down, and when it is back.
DEGRADED_MESSAGE = (
    "The servers cannot reach each other right now: the room is read-only until they can."
)


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


@dataclass(slots=True)
class _Release:
    """Give the room's write lease back (idle for a while, or another worker asked)."""


class RoomRuntime:
    def __init__(
        self,
        info: RoomInfo,
        store: EventStore,
        broker: Broker,
        clock: Clock,
        limits: Limits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        metrics: MetricsSink | None = None,
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
        self._queue: asyncio.Queue[_Command | _Join | _Release] = asyncio.Queue(QUEUE_LIMIT)
        self._tasks: list[asyncio.Task[None]] = []
        self._catching_up: asyncio.Task[None] | None = None
        self._status = self.state.status(clock.now())
        self.snapshots = SnapshotCache()
        self.on_broken: Callable[[RoomRuntime], None] | None = None
        self.metrics: MetricsSink = metrics or NoMetrics()
        self.shared = broker.shared
        #: Tells this room's messages apart from other workers' on the shared channel.
        self.origin = secrets.token_hex(6)
        #: Why the broker is down (None while it carries messages).
        self.degraded: str | None = None
        #: The room.degraded frame sent when it went down, sent again to those who join since.
        self._degraded_frame = ""
        self._advanced = asyncio.Event()
        self._broken = False
        #: Loop time until which this worker surely holds the room's write lease (0: not held).
        self._lease_until = 0.0
        self._idle_release: asyncio.TimerHandle | None = None
        self._wanted_at = 0.0  # when this worker last asked the holder for the lease
        self._yield_until = 0.0  # after giving the lease to a waiting worker, let it take it
        self._wanted = False

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
        await cancel_and_wait(tasks)
        if self._idle_release is not None:
            self._idle_release.cancel()
        await self._release_lease()
        while not self._queue.empty():
            job = self._queue.get_nowait()
            if isinstance(job, _Join) and not job.done.done():
                job.done.set_exception(UnavailableError("The room is closing; reconnect."))
        for member in list(self.audience.members):
            member.outbox.close(code, "server going away")
            self.audience.discard(member)

    async def _load(self) -> list[Event]:
        state = room.RoomState(self.state.info)
        events = await self.store.read(self.name, 0)
        for event in events:
            room.apply(state, event)
        self.state = state
        self.delivered_seq = state.seq
        self.recent.clear()
        self.recent.extend(events[-RECENT_KEEP:])
        return events

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

    async def take_shared(self, who: Identity, message_type: str) -> None:
        """Spend from ``who``'s rate buckets shared by every worker; raises ``rate.limited``.

        A flood spread over connections on several workers is still one identity. Without
        Redis the local buckets still hold (and nothing is decided anyway).
        """
        if not self.shared.distributed:
            return
        action = "moderate" if who.moderator else ACTION_OF_TYPE.get(message_type)
        if action is None:
            return
        rate = self.limits.limits.for_action(action)
        if rate.per_second >= UNLIMITED_PER_SECOND:
            return
        try:
            wait = await self.shared.take(
                f"{self.name}:{action}:{who.id}", rate.burst, rate.per_second
            )
        except BrokerUnavailableError:
            return
        if wait > 0:
            raise RateLimitedError("Slow down a little.", wait)

    def leave(self, member: Member) -> None:
        if member in self.audience.members:
            self.audience.discard(member)
            self._dropped(member)

    def _enqueue(self, job: _Command | _Join | _Release) -> None:
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull:
            raise UnavailableError("The room is overloaded; try again.", "server.busy") from None

    def _dropped(self, member: Member) -> None:
        self.presence.leave(member.identity)
        if member.outbox.close_code == protocol.CLOSE_TOO_SLOW:
            self.metrics.slow_client_dropped()

    # -- the actor ------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            jobs = [await self._queue.get()]
            while len(jobs) < MAX_BATCH and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            commands: list[_Command] = []
            for job in jobs:
                if isinstance(job, _Join):
                    await self._decide(commands)
                    commands = []
                    await self._join(job)
                elif isinstance(job, _Release):
                    await self._decide(commands)
                    commands = []
                    await self._release_lease()
                else:
                    commands.append(job)
            await self._decide(commands)

    async def _decide(self, commands: list[_Command]) -> None:
        """Decide, store, publish and acknowledge ``commands`` while holding the room's lease."""
        if not commands:
            return
        try:
            claim = await self._claim()
        except RoomError as exc:
            for job in commands:
                job.member.send(protocol.error(job.ref, exc))
            return
        try:
            pending = self._decide_each(commands)
            try:
                await self._flush(pending)
            except SeqConflictError:
                # Another worker stored these seqs: its lease expired under it, or it died
                # between storing and publishing. Take the store's word, then decide once more.
                log.warning("room %s: seq taken by another worker; deciding again", self.name)
                await self._recover()
                if self._broken:
                    return
                again = self._decide_each([job for job, _, _ in pending])
                try:
                    await self._flush(again)
                except SeqConflictError:
                    await self._recover()
                    failure = UnavailableError("The room is busy; try again.", "server.busy")
                    for job, _, _ in again:
                        job.member.send(protocol.error(job.ref, failure))
        finally:
            if not claim.exclusive:
                # Keep the lease while the room is busy (no round trip per batch); give it
                # back once idle for LEASE_IDLE_SECONDS, or as soon as another worker asks.
                loop = asyncio.get_running_loop()
                self._idle_release = loop.call_later(LEASE_IDLE_SECONDS, self._ask_release)

    def _decide_each(self, commands: list[_Command]) -> list[tuple[_Command, Outcome, list[Event]]]:
        pending: list[tuple[_Command, Outcome, list[Event]]] = []
        for job in commands:
            ctx = Context(job.member.identity, job.received_at)
            try:
                outcome = room.decide(self.state, ctx, job.type, job.data)
            except RoomError as exc:
                job.member.send(protocol.error(job.ref, exc))
                continue
            pending.append((job, outcome, room.commit(self.state, ctx, outcome)))
        return pending

    async def _claim(self) -> Claim:
        """Take the room's write lease and bring the state up to the room's head."""
        loop = asyncio.get_running_loop()
        if self._idle_release is not None:
            self._idle_release.cancel()
            self._idle_release = None
        if not self.broker.status.connected:
            raise UnavailableError(UNREACHABLE)
        if self._lease_until > loop.time():
            return Claim(granted=True, head=self.state.seq)  # still ours: nothing to check
        if (wait := self._yield_until - loop.time()) > 0:
            await asyncio.sleep(wait)
        deadline = loop.time() + LEASE_WAIT_SECONDS
        delay = 0.002
        while True:
            try:
                claimed_at = loop.time()
                claim = await self.shared.claim(self.name)
            except BrokerUnavailableError:
                raise UnavailableError(UNREACHABLE) from None
            if claim.granted:
                break
            if loop.time() >= deadline:
                raise UnavailableError("The room is busy; try again.", "server.busy")
            if loop.time() - self._wanted_at > 0.1:  # ask the holder to let go
                self._wanted_at = loop.time()
                message = orjson.dumps({"room": self.name, "want": self.origin})
                with contextlib.suppress(BrokerUnavailableError):
                    await self.broker.publish(self.channel, message)
            await asyncio.sleep(delay)
            delay = min(2 * delay, 0.025)
        if not claim.exclusive:
            self._lease_until = claimed_at + self.shared.lease_seconds / 2
            if not claim.extended:  # newly taken: another worker may have written before
                await self._catch_up_to(claim.head)
        return claim

    async def _catch_up_to(self, head: int | None) -> None:
        """Hold every event up to ``head`` before deciding, or give the lease back."""
        try:
            await self._reach(head)
        except Exception:
            log.exception("room %s: catching up before deciding failed", self.name)
            await self._release_lease()
            raise UnavailableError("The server could not read the room; try again.") from None

    def _ask_release(self) -> None:
        """Idle (or asked): have the actor give the lease back between two batches."""
        self._idle_release = None
        if self._lease_until:
            with contextlib.suppress(RoomError):
                self._enqueue(_Release())

    async def _release_lease(self) -> None:
        """Give the write lease back, recording the room's head for the next holder."""
        if self._wanted:
            self._wanted = False
            self._yield_until = asyncio.get_running_loop().time() + LEASE_YIELD_SECONDS
        if not self._lease_until:
            return
        self._lease_until = 0.0
        with contextlib.suppress(BrokerUnavailableError):
            await self.shared.release(self.name, self.state.seq)

    async def _reach(self, head: int | None) -> None:
        """Hold every event up to ``head`` (None: the deployment does not know the head)."""
        if head is not None and head <= self.state.seq:
            return
        if head is not None:
            # The previous holder published before it let go: its events are on their way.
            loop = asyncio.get_running_loop()
            deadline = loop.time() + REACH_WAIT_SECONDS
            while self.state.seq < head and (remaining := deadline - loop.time()) > 0:
                self._advanced.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._advanced.wait(), remaining)
            if self.state.seq >= head:
                return
        self._on_events(await self.store.read(self.name, self.delivered_seq))

    async def _flush(self, pending: list[tuple[_Command, Outcome, list[Event]]]) -> None:
        """Store, publish and acknowledge; raises SeqConflictError (nothing was stored)."""
        events = [event for _, _, evs in pending for event in evs]
        if events:
            try:
                await self.store.append(self.name, events)
            except SeqConflictError:
                raise
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
            except Exception as exc:  # noqa: BLE001 - the events are stored: see below
                # Stored, so never lost: deliver them here now; the other workers read them
                # from the store when the broker is back (or at the next gap they notice).
                log.warning("room %s: publishing failed (%s); delivered locally", self.name, exc)
                self._on_events(events)
        for job, outcome, evs in pending:
            if job.ref is not None:
                reply = {**outcome.reply, "seq": evs[0].seq} if evs else outcome.reply
                job.member.send(protocol.ok(job.ref, reply))

    async def _recover(self) -> None:
        """After a failed write the state holds events that were not stored: reload it, and
        deliver what the store holds that the members have not had (another worker's)."""
        delivered = self.delivered_seq
        try:
            events = await self._load()
        except Exception:
            log.exception("room %s: reloading failed; closing the room", self.name)
            self._broken = True
            for member in list(self.audience.members):
                member.outbox.close(protocol.CLOSE_SERVER_ERROR, "room unavailable")
            if self.on_broken is not None:
                self.on_broken(self)
            return
        missed = [event for event in events if event.seq > delivered]
        if missed:
            self._fan_out(missed)

    async def _join(self, job: _Join) -> None:
        member, who = job.member, job.member.identity
        if job.last_seq is not None and job.last_seq > self.state.seq:
            # Seen on another worker, not yet here: read what the broker has not brought yet.
            with contextlib.suppress(Exception):
                self._on_events(await self.store.read(self.name, self.delivered_seq))
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
        if self.degraded is not None:
            member.send(self._degraded_frame, True)
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
        obj = orjson.loads(message)
        if "reactions" in obj:
            if obj.get("origin") != self.origin:
                self.reactions.merge(obj["reactions"])
            return
        if "head" in obj:  # another worker's broker is back: anything it could not publish?
            if obj["head"] > self.delivered_seq:
                self._catch_up()
            return
        if "want" in obj:  # another worker waits for the write lease
            if obj["want"] != self.origin and self._lease_until:
                self._wanted = True
                self._ask_release()
            return
        self._on_events([Event.from_wire(wire) for wire in obj["events"]])

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
        self._advanced.set()
        self._fan_out(fresh)

    def _fan_out(self, fresh: list[Event]) -> None:
        self.audience.events(fresh)
        self.metrics.events_delivered(len(fresh))
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
        loop = asyncio.get_running_loop()
        while True:
            # On the loop clock's whole seconds: every room of this process ticks in the same
            # iteration, so their presence reports share one Redis round trip.
            delay = TICK_SECONDS - loop.time() % TICK_SECONDS
            await asyncio.sleep(delay if delay > TICK_SECONDS / 10 else delay + TICK_SECONDS)
            try:
                mine = dict(self.reactions.counts)
                self.tick()
                if self.shared.distributed:
                    await self._share(mine)
            except Exception:
                log.exception("room %s: tick failed", self.name)

    async def _share(self, reactions: dict[str, int]) -> None:
        """Tell the other workers this second's reactions and who is here; learn the room's
        count (and, for moderators here, who) across workers, for the next tick."""
        if self.degraded is not None:
            self.presence.report_failed()  # report everyone once the broker is back
            return
        if reactions:
            message = orjson.dumps(
                {"room": self.name, "origin": self.origin, "reactions": reactions}
            )
            with contextlib.suppress(BrokerUnavailableError):
                await self.broker.publish(self.channel, message)
        arrived, left = self.presence.report()
        try:
            total = await self.shared.presence(self.name, arrived, left, len(self.presence.people))
            everyone = (
                await self.shared.who(self.name, WHO_LIMIT) if self.audience.moderators else None
            )
        except BrokerUnavailableError:
            self.presence.report_failed()
            return
        self.presence.shared(total, everyone)

    def broker_changed(self, status: BrokerStatus) -> None:
        """The broker went down (say so; the room is read-only) or came back (catch up)."""
        if not status.connected:
            self._lease_until = 0.0  # whatever Redis held may be gone: claim again after
        if not status.connected and self.degraded is None:
            self.degraded = DEGRADED_MESSAGE
            self._degraded_frame = protocol.transient(
                "room.degraded", {"message": DEGRADED_MESSAGE, "since": iso(self.clock.now())}
            )
            self.audience.transient({"all": self._degraded_frame}, lambda member: "all")
        elif status.connected and self.degraded is not None:
            self.degraded = None
            self._catch_up()  # what other workers stored while the broker was down
            self._announce_head()  # and what this one stored but could not publish
            self.audience.transient(
                {"all": protocol.transient("room.restored", {})}, lambda member: "all"
            )

    def _announce_head(self) -> None:
        """Tell the other workers this room's head, so that any behind it read the store."""

        async def announce() -> None:
            message = orjson.dumps({"room": self.name, "head": self.state.seq})
            with contextlib.suppress(BrokerUnavailableError):
                await self.broker.publish(self.channel, message)

        task = asyncio.get_running_loop().create_task(announce())
        self._tasks.append(task)
        task.add_done_callback(self._tasks.remove)

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
