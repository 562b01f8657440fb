"""What the live rooms report for monitoring; the application decides where it goes.

The realtime core must not import the application, so the hub takes a :class:`MetricsSink`
(festival/metrics.py implements it over Prometheus) and offers a :class:`HubSnapshot` to be
read at scrape time. Counters are pushed as things happen; levels (connections, rooms, the
broker's state) are read when asked, so they can never drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from realtime.broker.status import BrokerStatus


class MetricsSink(Protocol):
    def events_delivered(self, count: int) -> None:
        """``count`` room events were fanned out to this process's members."""

    def slow_client_dropped(self) -> None:
        """A connection was cut off because its outgoing buffer overflowed."""

    def address_refused(self, code: str) -> None:
        """A limit per network address refused something (``code``: which, e.g. address.joins)."""


class NoMetrics:
    """A sink that drops everything (tests, tools)."""

    def events_delivered(self, count: int) -> None:
        return None

    def slow_client_dropped(self) -> None:
        return None

    def address_refused(self, code: str) -> None:
        return None


@dataclass(frozen=True, slots=True)
class HubSnapshot:
    """This process's rooms right now."""

    connections: int  # members joined to a room on this process
    rooms: int  # rooms this process serves
    broker: BrokerStatus
