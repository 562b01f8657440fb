"""How a broker is doing, for readiness, metrics and the rooms; and the errors it raises.

BrokerError                       the root of what a broker raises
 └── BrokerUnavailableError       cannot carry a message now (disconnected, backlog full)

A broker that raises :class:`BrokerUnavailableError` from ``publish`` did not hand the message
to anyone: the caller must not acknowledge it as delivered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class BrokerError(Exception):
    """Something went wrong carrying messages between processes."""


class BrokerUnavailableError(BrokerError):
    """The broker cannot carry messages right now; nothing was published."""


class BrokerState(StrEnum):
    CONNECTING = "connecting"  # started, first connection not made yet
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"  # lost the server; retrying with backoff
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class BrokerStatus:
    """A snapshot of a broker's health."""

    state: BrokerState
    #: Times the connection was lost and made again since ``start``.
    reconnects: int = 0
    #: Round trip of the last heartbeat through the subscription stream (queued behind every
    #: message not yet read), in seconds; None before the first one.
    lag_seconds: float | None = None
    #: Why the last connection was lost or refused (None while all is well).
    error: str | None = None

    @property
    def connected(self) -> bool:
        return self.state is BrokerState.CONNECTED


#: Called on the event loop whenever the state changes (must not block or await).
StatusCallback = Callable[[BrokerStatus], None]

CONNECTED = BrokerStatus(BrokerState.CONNECTED)
