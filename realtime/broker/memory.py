"""The in-process broker: one process, delivery straight to the handler."""

from __future__ import annotations

from realtime.broker.base import Broker, Handler


class MemoryBroker(Broker):
    """Every subscriber lives in this process, so publishing is a function call."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._handlers.clear()

    async def publish(self, channel: str, message: bytes) -> None:
        handler = self._handlers.get(channel)
        if handler is not None:
            handler(message)

    async def subscribe(self, channel: str, handler: Handler) -> None:
        self._handlers[channel] = handler

    async def unsubscribe(self, channel: str) -> None:
        self._handlers.pop(channel, None)
