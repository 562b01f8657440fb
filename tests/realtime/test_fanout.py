from __future__ import annotations

from datetime import UTC, datetime

from realtime.events import Event
from realtime.fanout import Audience, Member
from realtime.identity import Identity
from realtime.outbox import Outbox

from .frames import decode_all, seqs

AT = datetime(2027, 1, 24, 12, tzinfo=UTC)


def event(seq: int, visibility: str = "public") -> Event:
    return Event(seq, "chat.message", AT, "g:a", {"text": str(seq)}, visibility)


def member(name: str, moderator: bool = False, outbox: Outbox | None = None) -> Member:
    return Member(Identity(f"g:{name}", name, moderator), Outbox() if outbox is None else outbox)


def test_fanout_encodes_once_and_shares_the_frame() -> None:
    dropped: list[Member] = []
    audience = Audience(dropped.append)
    a, b = member("a"), member("b")
    audience.add(a)
    audience.add(b)
    audience.events([event(1), event(2)])
    frame_a, frame_b = a.outbox.take(), b.outbox.take()
    assert frame_a[0] is frame_b[0]
    assert seqs(decode_all(frame_a)) == [1, 2]


def test_fanout_moderator_events_reach_only_moderators() -> None:
    audience = Audience(lambda m: None)
    guest, host = member("g"), member("h", moderator=True)
    audience.add(guest)
    audience.add(host)
    audience.events([event(1), event(2, "moderator"), event(3, "private")])
    assert seqs(decode_all(guest.outbox.take())) == [1]
    assert seqs(decode_all(host.outbox.take())) == [1, 2]


def test_fanout_skips_what_a_member_got_by_joining() -> None:
    audience = Audience(lambda m: None)
    late = member("late")
    late.floor = 2
    audience.add(late)
    audience.events([event(1), event(2), event(3)])
    audience.events([event(4)])
    assert seqs(decode_all(late.outbox.take())) == [3, 4]


def test_fanout_cuts_off_a_full_member_without_touching_others() -> None:
    dropped: list[Member] = []
    audience = Audience(dropped.append)
    slow = member("slow", outbox=Outbox(max_frames=2))
    fast = member("fast")
    audience.add(slow)
    audience.add(fast)
    for seq in range(1, 6):
        audience.events([event(seq)])
    assert (slow.outbox.close_code, dropped, len(audience)) == (4000, [slow], 1)
    assert seqs(decode_all(fast.outbox.take())) == [1, 2, 3, 4, 5]


def test_fanout_close_identity_closes_every_tab() -> None:
    dropped: list[Member] = []
    audience = Audience(dropped.append)
    tabs = [member("x"), member("x")]
    other = member("y")
    for m in (*tabs, other):
        audience.add(m)
    audience.close_identity("g:x", 4003, "banned")
    assert [m.outbox.close_code for m in (*tabs, other)] == [4003, 4003, None]
    assert len(audience) == 1 and len(dropped) == 2


def test_fanout_adding_or_removing_twice_counts_once() -> None:
    left: list[Member] = []
    audience = Audience(left.append)
    host = member("h", moderator=True)
    audience.add(host)
    audience.add(host)
    assert (len(audience), audience.moderators) == (1, 1)
    audience.leave(host)
    audience.leave(host)
    audience.discard(host)
    assert (len(audience), audience.moderators, left) == (0, 0, [host])


def test_fanout_joiner_past_the_visible_events_gets_nothing_more() -> None:
    audience = Audience(lambda m: None)
    guest = member("g")
    guest.floor = 1  # joined at seq 1: its replay held it
    audience.add(guest)
    audience.events([event(1), event(2, "private"), event(3, "moderator"), event(4)])
    assert seqs(decode_all(guest.outbox.take())) == [4]
    guest.floor = 4  # joined again at seq 4: nothing it may see comes after
    audience.events([event(4), event(5, "private"), event(6, "moderator")])
    assert guest.outbox.take() == []
    guest.floor = 8  # its replay reached past these
    audience.events([event(7), event(8)])
    assert guest.outbox.take() == []


def test_fanout_everyone_and_close_all() -> None:
    audience = Audience(lambda m: None)
    a, host = member("a"), member("h", moderator=True)
    audience.add(a)
    audience.add(host)
    audience.everyone('{"type":"room.restored","data":{}}')
    assert a.outbox.take() == host.outbox.take() == ['{"type":"room.restored","data":{}}']
    audience.close_all(1001, "server going away")
    assert (a.outbox.close_code, host.outbox.close_code, len(audience)) == (1001, 1001, 0)
