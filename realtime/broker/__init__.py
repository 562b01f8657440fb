"""Brokers carry room events between processes; the hub is their only user.

The package imports nothing of Redis: the Sans-I/O core reads the shared-state types
(``shared.py``, ``status.py``) without loading a client library. ``choice.make_broker`` picks
the implementation from the configuration.
"""

from __future__ import annotations

from realtime.broker.base import Broker, Handler
from realtime.broker.memory import MemoryBroker
from realtime.broker.status import BrokerState, BrokerStatus, BrokerUnavailableError

__all__ = [
    "Broker",
    "BrokerState",
    "BrokerStatus",
    "BrokerUnavailableError",
    "Handler",
    "MemoryBroker",
]
