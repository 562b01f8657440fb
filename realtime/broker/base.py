"""The broker interface: publish bytes on a channel, one handler per channel per process.

Contract (tested against every implementation in tests/realtime/broker/test_contract.py):

- ``subscribe(channel, handler)``: from now on every message published on ``channel`` by any
  process is passed to ``handler``; one handler per channel (the hub keeps one subscription per
  room per process and fans out locally). Subscribing again replaces the handler.
- Messages from one publisher on one channel arrive in the order they were published.
  Delivery may happen before ``publish`` returns (in-process) or later (over the network).
- ``handler`` is called on the event loop and must not block or await.
- ``unsubscribe`` stops delivery to this process; ``close`` drops every subscription.
- A message published while nobody subscribes is lost: brokers carry, stores keep.
- ``status`` says whether messages are carried now; ``on_state_change`` (set by the hub) is
  called when that changes. While not connected, ``publish`` raises
  :class:`~realtime.broker.status.BrokerUnavailableError` and nothing was carried.
- ``shared`` holds what the workers share besides messages (write leases, presence, rate
  limits; realtime/broker/shared.py): local for the in-process broker.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from realtime.broker.shared import LocalShared, Shared
from realtime.broker.status import CONNECTED, BrokerStatus, StatusCallback

Handler = Callable[[bytes], None]


class Broker(ABC):
    #: Write leases, presence and rate limits shared with the other workers.
    shared: Shared = LocalShared()
    #: Called on the event loop whenever ``status`` changes (the hub sets it).
    on_state_change: StatusCallback | None = None

    @property
    def status(self) -> BrokerStatus:
        """Whether messages are carried now (the in-process broker always carries them)."""
        return CONNECTED

    @abstractmethod
    async def start(self) -> None:
        """Connect (if there is anything to connect to)."""

    @abstractmethod
    async def close(self) -> None:
        """Drop every subscription and disconnect."""

    @abstractmethod
    async def publish(self, channel: str, message: bytes) -> None:
        """Send ``message`` to every process subscribed to ``channel``."""

    @abstractmethod
    async def subscribe(self, channel: str, handler: Handler) -> None:
        """Deliver ``channel``'s messages to ``handler`` (replacing any previous handler)."""

    @abstractmethod
    async def unsubscribe(self, channel: str) -> None:
        """Stop delivering ``channel``'s messages here (no error if not subscribed)."""
