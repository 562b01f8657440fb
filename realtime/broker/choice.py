"""Which broker this configuration runs: chosen here, once (``make_broker``)."""

from __future__ import annotations

import logging

from realtime.broker.base import Broker
from realtime.broker.memory import MemoryBroker
from realtime.broker.namespace import redis_prefix
from realtime.broker.redis import RedisBroker

log = logging.getLogger("realtime.broker")


def make_broker(redis_url: str | None, namespace: str | None = None) -> Broker:
    """The broker for this configuration: chosen here, once; nothing else asks which it is.

    With a Redis URL, every worker of the deployment shares one Redis (many processes, many
    hosts), its keys and channels under the deployment's prefix (realtime/broker/namespace.py:
    the database number and ``namespace``); without one, this process is the only one serving
    the rooms.
    """
    if redis_url:
        prefix = redis_prefix(redis_url, namespace)
        log.info(
            "live rooms: Redis broker (events, leases, presence and limits shared), keys and "
            "channels under %r",
            prefix,
        )
        return RedisBroker(redis_url, prefix=prefix)
    return MemoryBroker()
