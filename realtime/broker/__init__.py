"""Brokers carry room events between processes; the hub is their only user."""

from __future__ import annotations

import logging

from realtime.broker.base import Broker, Handler
from realtime.broker.memory import MemoryBroker

log = logging.getLogger("realtime.broker")

__all__ = ["Broker", "Handler", "MemoryBroker", "make_broker"]


def make_broker(redis_url: str | None) -> Broker:
    """The broker for this configuration: chosen here, once; nothing else asks which it is."""
    if redis_url:
        # The Redis broker arrives with the scale-out work; until then one process serves.
        log.warning("REDIS_URL is set but the Redis broker is not available yet: in-process")
    return MemoryBroker()
