"""The agenda of a signed-in account: the guest agenda of the browser merges into it at sign-in,
and the browser then holds the account's agenda (the same on every device).

- No account agenda yet: the browser's guest agenda (if any) becomes the account's.
- Both: the guest agenda's sessions are added to the account's (each once: no duplicates), the
  guest agenda is deleted (its feed address answers 404, so calendars drop it), and the browser
  gets the account agenda's address.
- The account agenda's token is kept sealed (festival/oidc/sealing.py); if it no longer opens
  the agenda (rotated on another device, or SECRET_KEY changed), the agenda gets a new address.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from festival.models.agenda import Agenda, AgendaItem
from festival.models.identities import AccountAgenda
from festival.oidc import sealing
from festival.stores import agenda as agenda_store

PURPOSE = "account-agenda-token"


async def find_link(db: AsyncSession, account_id: int) -> AccountAgenda | None:
    result = await db.execute(
        select(AccountAgenda).where(col(AccountAgenda.account_id) == account_id)
    )
    return result.scalar_one_or_none()


async def _link(db: AsyncSession, account_id: int, agenda: Agenda, token: str, secret: str) -> None:
    assert agenda.id is not None
    db.add(
        AccountAgenda(
            account_id=account_id,
            agenda_id=agenda.id,
            token_sealed=sealing.seal(secret, PURPOSE, token),
        )
    )
    await db.flush()


async def merge_at_sign_in(
    db: AsyncSession, account_id: int, guest_token: str | None, secret: str, now: datetime
) -> str | None:
    """Merge the browser's guest agenda into the account's; the token the browser keeps now
    (None: neither has an agenda)."""
    guest = await agenda_store.find_agenda(db, guest_token) if guest_token else None
    # Another account's agenda left in this browser (it did not sign out): never merged.
    foreign = guest is not None and await _linked_elsewhere(db, guest, account_id)
    if foreign:
        guest = None
    link = await find_link(db, account_id)
    if link is None:
        if guest is not None and guest_token is not None:
            await _link(db, account_id, guest, guest_token, secret)
            return guest_token
        if not foreign:
            return None
        fresh, fresh_token = await agenda_store.create_agenda(db, now)
        await _link(db, account_id, fresh, fresh_token, secret)
        return fresh_token
    mine = await db.get(Agenda, link.agenda_id)
    assert mine is not None  # the link's foreign key cascades
    opened = sealing.unseal(secret, PURPOSE, link.token_sealed)
    if opened is not None and agenda_store.token_digest(opened) == mine.token_sha256:
        token = opened
    else:
        token = await agenda_store.rotate_token(db, mine, now)
        link.token_sealed = sealing.seal(secret, PURPOSE, token)
        db.add(link)
    if guest is not None and guest.id != mine.id:
        await _copy_items(db, guest, mine, now)
        await db.delete(guest)
        await db.flush()
    return token


async def _linked_elsewhere(db: AsyncSession, agenda: Agenda, account_id: int) -> bool:
    """Whether the agenda is another account's."""
    result = await db.execute(
        select(col(AccountAgenda.account_id)).where(col(AccountAgenda.agenda_id) == agenda.id)
    )
    owner = result.scalar_one_or_none()
    return owner is not None and owner != account_id


async def _copy_items(db: AsyncSession, source: Agenda, target: Agenda, now: datetime) -> int:
    """Add the source's sessions the target lacks; how many were added."""
    have = set(
        (
            await db.execute(
                select(col(AgendaItem.session_id)).where(col(AgendaItem.agenda_id) == target.id)
            )
        ).scalars()
    )
    found = await db.execute(select(AgendaItem).where(col(AgendaItem.agenda_id) == source.id))
    added = 0
    assert target.id is not None
    for item in found.scalars().all():
        if item.session_id not in have:
            db.add(
                AgendaItem(
                    agenda_id=target.id, session_id=item.session_id, saved_at_utc=item.saved_at_utc
                )
            )
            have.add(item.session_id)
            added += 1
    if added:
        target.updated_at_utc = now
        target.revision += 1
        db.add(target)
    await db.flush()
    return added


async def reseal(db: AsyncSession, agenda_id: int, token: str, secret: str) -> None:
    """After a rotation: the account (if any) keeps the agenda's new token."""
    result = await db.execute(
        select(AccountAgenda).where(col(AccountAgenda.agenda_id) == agenda_id)
    )
    link = result.scalar_one_or_none()
    if link is not None:
        link.token_sealed = sealing.seal(secret, PURPOSE, token)
        db.add(link)
        await db.flush()


async def delete_account_agenda(db: AsyncSession, account_id: int) -> None:
    """The account's agenda and its saved sessions (deleting the account)."""
    link = await find_link(db, account_id)
    if link is not None:
        await db.execute(delete(Agenda).where(col(Agenda.id) == link.agenda_id))
        await db.flush()
