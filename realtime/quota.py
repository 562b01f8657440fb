"""Rate limits shared by the workers of a deployment: a flood spread over connections on
several workers is still one identity.

Each worker's own buckets (realtime/limits.py) hold per process and per connection; these are
token buckets in the shared store (Redis), keyed by room, action and identity, spent before a
command is taken. Without other workers there is nothing to share.
"""

from __future__ import annotations

from realtime.broker.shared import Shared
from realtime.broker.status import BrokerUnavailableError
from realtime.errors import RateLimitedError
from realtime.identity import Identity
from realtime.limits import ACTION_OF_TYPE, Limits

#: A rate at least this fast is no limit (Limits.unlimited()).
UNLIMITED_PER_SECOND = 1e9


async def take_shared(
    shared: Shared, limits: Limits, room: str, who: Identity, message_type: str
) -> None:
    """Spend from ``who``'s bucket for ``message_type`` in ``room``; raises ``rate.limited``.

    While the shared store is unreachable the local buckets still hold (and no command is
    decided anyway).
    """
    if not shared.distributed:
        return
    action = "moderate" if who.moderator else ACTION_OF_TYPE.get(message_type)
    if action is None:
        return
    rate = limits.for_action(action)
    if rate.per_second >= UNLIMITED_PER_SECOND:
        return
    try:
        wait = await shared.take(f"{room}:{action}:{who.id}", rate.burst, rate.per_second)
    except BrokerUnavailableError:
        return
    if wait > 0:
        raise RateLimitedError("Slow down a little.", wait)
