"""Database implementations of the live rooms' storage interfaces (realtime.storage).

:class:`SqlEventStore` appends through one writer task that commits whatever is waiting in a
single transaction (group commit): under load many rooms' events share one commit, and an
``append`` returns only after its commit. Audited events also go to ``room_audit``, in the same
transaction. :class:`DatabaseCatalog` says which rooms exist, from the programme.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from festival.errors import NotFoundError as FestivalNotFound
from festival.i18n import gettext
from festival.models.rooms import RoomAudit, RoomEvent
from festival.stores import programme
from realtime.channels import RoomKind, parse_room_name
from realtime.errors import NotFoundError
from realtime.events import Event
from realtime.rooms.lifecycle import RoomInfo
from realtime.storage import SeqConflictError

log = logging.getLogger("festival.rooms")

#: Events written per transaction at most.
MAX_BATCH_EVENTS = 5000

_Item = tuple[str, Sequence[Event], "asyncio.Future[None]"]
_EVENTS: Table = RoomEvent.__table__  # type: ignore[attr-defined]
_AUDITS: Table = RoomAudit.__table__  # type: ignore[attr-defined]


def _event_row(room: str, event: Event) -> dict[str, Any]:
    return {
        "room": room,
        "seq": event.seq,
        "kind": event.kind,
        "actor": event.actor,
        "visibility": event.visibility,
        "audit": event.audit,
        "data": event.data,
        "at_utc": event.at_utc,
    }


def _audit_row(room: str, event: Event) -> dict[str, Any]:
    return {
        "room": room,
        "seq": event.seq,
        "at_utc": event.at_utc,
        "moderator": event.actor,
        "action": event.kind,
        "data": event.data,
    }


class SqlEventStore:
    """Room event logs in the ``room_event`` table."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._writer = asyncio.create_task(self._write_forever(), name="room event writer")

    async def close(self) -> None:
        """Finish what was handed in, then stop the writer."""
        if self._writer is None:
            return
        while not self._queue.empty():
            await asyncio.sleep(0.01)
        self._writer.cancel()
        await asyncio.gather(self._writer, return_exceptions=True)
        self._writer = None

    async def append(self, room: str, events: Sequence[Event]) -> None:
        if not events:
            return
        if self._writer is None or self._writer.done():
            raise RuntimeError("the room event writer is not running")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((room, events, done))
        await done

    async def read(self, room: str, after_seq: int, limit: int | None = None) -> list[Event]:
        query: Any = (
            select(RoomEvent)
            .where(RoomEvent.room == room, RoomEvent.seq > after_seq)  # type: ignore[arg-type]
            .order_by(RoomEvent.seq)  # type: ignore[arg-type]
        )
        if limit is not None:
            query = query.limit(limit)
        async with self.sessions() as db:
            rows = (await db.execute(query)).scalars().all()
        return [
            Event(r.seq, r.kind, r.at_utc, r.actor, r.data, r.visibility, r.audit) for r in rows
        ]

    async def audit_trail(self, room: str, limit: int = 200) -> list[RoomAudit]:
        """The room's most recent moderator actions, newest first."""
        query: Any = (
            select(RoomAudit)
            .where(RoomAudit.room == room)  # type: ignore[arg-type]
            .order_by(RoomAudit.seq.desc())  # type: ignore[attr-defined]
            .limit(limit)
        )
        async with self.sessions() as db:
            return list((await db.execute(query)).scalars().all())

    async def _write_forever(self) -> None:
        while True:
            items = [await self._queue.get()]
            count = len(items[0][1])
            while count < MAX_BATCH_EVENTS and not self._queue.empty():
                item = self._queue.get_nowait()
                items.append(item)
                count += len(item[1])
            try:
                await self._write(items)
            except IntegrityError:
                # Someone else took a seq: find out whose append it was, one by one.
                for item in items:
                    await self._write_alone(item)
                continue
            except Exception as exc:  # noqa: BLE001 - every waiting append learns of it
                log.exception("writing %d room events failed", count)
                for _, _, done in items:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, _, done in items:
                if not done.done():
                    done.set_result(None)

    async def _write_alone(self, item: _Item) -> None:
        room, events, done = item
        try:
            await self._write([item])
        except IntegrityError:
            done.set_exception(SeqConflictError(f"room {room}: seq {events[0].seq} is taken"))
        except Exception as exc:  # noqa: BLE001 - handed to the waiting append
            done.set_exception(exc)
        else:
            done.set_result(None)

    async def _write(self, items: list[_Item]) -> None:
        rows = [_event_row(room, e) for room, events, _ in items for e in events]
        audits = [_audit_row(room, e) for room, events, _ in items for e in events if e.audit]
        async with self.sessions() as db:
            # Core inserts (executemany): no ORM identity map, no RETURNING of ids.
            await db.execute(insert(_EVENTS), rows)
            if audits:
                await db.execute(insert(_AUDITS), audits)
            await db.commit()


class DatabaseCatalog:
    """Rooms from the programme: ``session-<uid>`` for each published session, and
    ``lobby-<edition slug>`` for each edition."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def describe(self, room: str) -> RoomInfo:
        name = parse_room_name(room)
        try:
            async with self.sessions() as db:
                if name.kind == RoomKind.LOBBY:
                    edition = await programme.get_edition(db, name.key)
                    return RoomInfo(room, f"{edition.name} lobby", RoomKind.LOBBY.value)
                slot = await programme.get_slot(db, name.key)
        except FestivalNotFound:
            raise NotFoundError(
                gettext("There is no room called %(room)s.", room=repr(room)), "room.unknown"
            ) from None
        ends = slot.ends_at_utc
        if slot.cancelled_at_utc is not None:
            ends = min(ends, slot.cancelled_at_utc)  # a cancelled session's room is over
        return RoomInfo(
            room,
            slot.title,
            RoomKind.SESSION.value,
            starts_at_utc=slot.starts_at_utc,
            ends_at_utc=ends,
            join_url=slot.join_url,
            tz_name=slot.tz_name,
        )
