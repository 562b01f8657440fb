"""One room in this process: the actor that orders its commands, and delivery to its members.

Commands go through one mailbox per room (realtime/mailbox.py). The actor takes what is
waiting (up to a batch),
decides each command against the state, numbers the resulting events, stores them in one
append (the store batches further across rooms), and only then publishes them and acknowledges
the senders: an ``ok`` means the event is durable. A busy room thus coalesces many events
into one store write, one broker message and one frame per member. Joins go through the actor
too, between two batches, so the replay or snapshot sent (realtime/snapshots.py) and the live
events that follow meet without gap or overlap.

Many workers (docs/architecture.md, "Scale-out"): a batch is decided while holding the room's
write lease (realtime/lease.py), after bringing this process's copy of the log
(realtime/replica.py) up to the room's head; the store's unique ``(room, seq)`` remains the
last guard. Delivery decodes the workers' messages (realtime/backplane.py), fans events out and
closes the connections a committed event ends (a ban). Once a second: realtime/ticker.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from realtime import backplane, protocol
from realtime.broker.base import Broker
from realtime.broker.shared import Claim
from realtime.broker.status import BrokerStatus, BrokerUnavailableError
from realtime.channels import channel_for
from realtime.errors import RoomError, UnavailableError
from realtime.events import Context, Event, Outcome, iso
from realtime.fanout import Audience, Member
from realtime.identity import Identity
from realtime.lease import UNREACHABLE, Lease, LeasePolicy
from realtime.limits import IdentityLimits, Limits
from realtime.mailbox import Command, Join, Mailbox, Release
from realtime.metrics import MetricsSink, NoMetrics
from realtime.outbox import Outbox
from realtime.quota import take_shared
from realtime.replica import Replica
from realtime.rooms import room
from realtime.rooms.lifecycle import RoomInfo
from realtime.rooms.presence import Presence
from realtime.rooms.reactions import ReactionWindow
from realtime.snapshots import SnapshotCache
from realtime.storage import EventStore, SeqConflictError
from realtime.tasks import cancel_and_wait
from realtime.ticker import Ticker
from scheduling.clock import Clock

log = logging.getLogger("realtime.runtime")

#: Who the room's server-issued commands come from (events with an empty ``actor``).
SERVER = Identity("", "Server", moderator=True, signed_in=True)
#: What the members of a room hear while the broker is down, and when it is back.
DEGRADED_MESSAGE = (
    "The servers cannot reach each other right now: the room is read-only until they can."
)


_Pending = list[tuple[Command, Outcome, list[Event]]]


def _call_later(delay: float, call: Callable[[], None]) -> asyncio.TimerHandle:
    return asyncio.get_running_loop().call_later(delay, call)


class RoomRuntime:
    """One room served by this process (the hub makes one per room, on demand)."""

    def __init__(
        self,
        info: RoomInfo,
        store: EventStore,
        broker: Broker,
        clock: Clock,
        limits: Limits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        metrics: MetricsSink | None = None,
        lease: LeasePolicy | None = None,
        tick_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.name = info.name
        self.replica = Replica(info, store, self._fan_out)
        self.store = store
        self.broker = broker
        self.clock = clock
        self.channel = channel_for(info.name)
        self.audience = Audience(self._dropped)
        self.presence = Presence()
        self.reactions = ReactionWindow()
        self.limits = IdentityLimits(limits or Limits())
        self.users = 0  # connections holding this runtime (see Hub.acquire)
        self.mailbox = Mailbox()
        self._tasks: list[asyncio.Task[None]] = []
        self.snapshots = SnapshotCache()
        self.on_broken: Callable[[RoomRuntime], None] | None = None
        self.metrics: MetricsSink = metrics or NoMetrics()
        self.shared = broker.shared
        #: Tells this room's messages apart from other workers' on the shared channel.
        self.origin = secrets.token_hex(6)
        #: The room.degraded frame sent when the broker went down, sent again to those who join
        #: since (None while it carries messages).
        self.degraded: str | None = None
        self._broken = False
        self.lease = Lease(self.shared, self.name, monotonic, asyncio.sleep, _call_later, lease)
        self.ticker = Ticker(self, clock, monotonic, tick_sleep)

    @property
    def state(self) -> room.RoomState:
        """The room's state as of the events this process holds (see realtime/replica.py)."""
        return self.replica.state

    async def start(self) -> None:
        await self.replica.load()
        await self.broker.subscribe(self.channel, self.deliver)
        self._tasks = [
            asyncio.create_task(self._run(), name=f"room {self.name}"),
            asyncio.create_task(self.ticker.run(), name=f"room {self.name} ticker"),
        ]

    async def stop(self, code: int = protocol.CLOSE_SERVICE_RESTART) -> None:
        await self.broker.unsubscribe(self.channel)
        await cancel_and_wait(self._tasks)
        await self.replica.close()
        await self.lease.release(self.state.seq)
        self.mailbox.close(UnavailableError("The room is closing; reconnect."))
        self.audience.close_all(code, "server going away")

    async def join(self, member: Member, ref: str | int | None, last_seq: int | None) -> None:
        """Join (replay or snapshot go to the member's outbox); raises RoomError if refused."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.mailbox.put(Join(member, ref, last_seq, done))
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
            self.mailbox.put(Command(member, ref, message_type, data, self.clock.now()))

    async def take_shared(self, who: Identity, message_type: str) -> None:
        """Spend from ``who``'s rate buckets shared by every worker (realtime/quota.py)."""
        await take_shared(self.shared, self.limits.limits, self.name, who, message_type)

    def leave(self, member: Member) -> None:
        self.audience.leave(member)

    def _dropped(self, member: Member) -> None:
        self.presence.leave(member.identity)
        if member.outbox.close_code == protocol.CLOSE_TOO_SLOW:
            self.metrics.slow_client_dropped()

    # -- the actor ------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            commands: list[Command] = []
            for job in await self.mailbox.take():
                if isinstance(job, Join):
                    await self._decide(commands)
                    commands = []
                    await self._join(job)
                elif isinstance(job, Release):
                    await self._decide(commands)
                    commands = []
                    await self.lease.release(self.state.seq)
                else:
                    commands.append(job)
            await self._decide(commands)

    async def _decide(self, commands: list[Command]) -> None:
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
            for again in (True, False):
                try:
                    return await self._flush(pending)
                except SeqConflictError:
                    # Another worker stored these seqs: its lease expired or was lost under it,
                    # or it died between storing and publishing. Take the store's word, then
                    # decide once more.
                    then = "deciding again" if again else "giving up"
                    log.warning("room %s: seq taken by another worker; %s", self.name, then)
                    self.lease.lost()  # it was not ours alone: claim it before the next batch
                    await self._recover()
                    if self._broken:
                        return
                    if again:
                        pending = self._decide_each([job for job, _, _ in pending])
            failure = UnavailableError("The room is busy; try again.", "server.busy")
            for job, _, _ in pending:
                job.member.send(protocol.error(job.ref, failure))
        finally:
            if not claim.exclusive:
                # Give it back once idle for a moment, or as soon as another worker asks.
                self.lease.keep(self._ask_release)

    def _decide_each(self, commands: list[Command]) -> _Pending:
        pending: _Pending = []
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
        if not self.broker.status.connected:
            raise UnavailableError(UNREACHABLE)
        claim = await self.lease.claim(lambda: self.publish(backplane.Want(self.name, self.origin)))
        if not claim.exclusive and not claim.extended:
            # Newly taken: another worker may have written before.
            try:
                await self.replica.reach(claim.head)
            except Exception:
                log.exception("room %s: catching up before deciding failed", self.name)
                await self.lease.release(self.state.seq)
                raise UnavailableError("The server could not read the room; try again.") from None
        return claim

    def _ask_release(self) -> None:
        """Idle (or asked): have the actor give the lease back between two batches."""
        if self.lease.held:
            with contextlib.suppress(RoomError):
                self.mailbox.put(Release())

    async def _flush(self, pending: _Pending) -> None:
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
            message = backplane.encode(backplane.Events(self.name, events))
            try:
                await self.broker.publish(self.channel, message)
            except Exception as exc:  # noqa: BLE001 - the events are stored: see below
                # Stored, so never lost: deliver them here now; the other workers read them
                # from the store when the broker is back (or at the next gap they notice).
                log.warning("room %s: publishing failed (%s); delivered locally", self.name, exc)
                self.replica.receive(events)
        for job, outcome, evs in pending:
            if job.ref is not None:
                reply = {**outcome.reply, "seq": evs[0].seq} if evs else outcome.reply
                job.member.send(protocol.ok(job.ref, reply))

    async def _recover(self) -> None:
        """After a failed write: rebuild the room from the store, or close it if that fails."""
        try:
            await self.replica.reload()
        except Exception:
            log.exception("room %s: reloading failed; closing the room", self.name)
            self._broken = True
            for member in list(self.audience.members):
                member.outbox.close(protocol.CLOSE_SERVER_ERROR, "room unavailable")
            if self.on_broken is not None:
                self.on_broken(self)

    async def _join(self, job: Join) -> None:
        member, who = job.member, job.member.identity
        try:
            head, reason, replayed = await self.replica.since(job.last_seq)
            room.check_join(self.state, who, member.address)
        except Exception as exc:  # noqa: BLE001 - handed to the joining connection
            job.done.set_exception(exc)
            return
        member.floor = head
        self.presence.join(who)
        self.state.names[who.id] = who.name
        self.audience.add(member)
        now = self.clock.now()
        # What the join sends is bounded (a snapshot, or at most REPLAY_LIMIT events): it goes
        # in whatever the outbox holds, and only later frames count against the member.
        # In one go: one write to the socket (and one batch) rather than one per frame.
        member.send_all(
            self.snapshots.join_frames(
                self.state, who, job.ref, head, reason, replayed, now, self.presence, self.degraded
            )
        )
        job.done.set_result(None)

    # -- delivery from the broker ---------------------------------------------------------------

    def deliver(self, raw: bytes) -> None:
        """A message on the room's channel (realtime/backplane.py)."""
        match backplane.decode(raw):
            case backplane.Events(events=events):
                self.replica.receive(events)
            case backplane.Reactions(origin=origin, counts=counts):
                if origin != self.origin:
                    self.reactions.merge(counts)
            case backplane.Head(head=head):
                # Another worker's broker is back: anything it could not publish?
                if head > self.replica.delivered_seq:
                    self.replica.catch_up()
            case backplane.Want(origin=origin):
                if origin != self.origin and self.lease.asked():
                    self._ask_release()

    async def publish(self, message: backplane.Message) -> None:
        """Tell the room's other workers (dropped while the broker is down: nothing depends on
        these messages arriving; the store has the events)."""
        with contextlib.suppress(BrokerUnavailableError):
            await self.broker.publish(self.channel, backplane.encode(message))

    def _fan_out(self, fresh: list[Event]) -> None:
        self.audience.events(fresh)
        self.metrics.events_delivered(len(fresh))
        for event in fresh:
            for identity_id in room.connections_to_close(event):
                # A ban covers the addresses its guest connects from: the server bans those
                # known here, so that every worker refuses new guests from them.
                addresses = self.audience.guest_addresses(identity_id)
                if (data := room.addresses_to_ban(self.state, event, addresses)) is not None:
                    self._as_server("mod.ban_addresses", data)
                self.audience.close_identity(identity_id, protocol.CLOSE_BANNED, "banned")

    def _as_server(self, message_type: str, data: dict[str, Any]) -> None:
        """Have the actor decide a command of the server's own (its replies are not read)."""
        server = Member(SERVER, Outbox(max_frames=8))
        with contextlib.suppress(RoomError):  # a full queue: what asked for it holds anyway
            self.mailbox.put(Command(server, None, message_type, data, self.clock.now()))

    def broker_changed(self, status: BrokerStatus) -> None:
        """The broker went down (say so; the room is read-only) or came back (catch up)."""
        if not status.connected:
            self.lease.lost()  # whatever Redis held may be gone: claim again after
        if not status.connected and self.degraded is None:
            since = iso(self.clock.now())
            self.degraded = protocol.transient(
                "room.degraded", {"message": DEGRADED_MESSAGE, "since": since}
            )
            self.audience.everyone(self.degraded)
        elif status.connected and self.degraded is not None:
            self.degraded = None
            self.replica.restored(self.publish)
            self.audience.everyone(protocol.transient("room.restored", {}))
