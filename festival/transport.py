"""The WebSocket protocol the festival is served with: uvicorn's websockets-sansio, plus the
connection's transport for the rooms, and compression decided on purpose.

``festival serve`` (and the Procfile) start uvicorn with ``ws=RoomWebSocketProtocol``
(docs/deploy.md). Two things differ from uvicorn's own protocol:

- **permessage-deflate with ``server_no_context_takeover``** (and ``client_no_context_takeover``),
  so that one compressed message is valid on every connection: the rooms compress each
  outgoing message once per view (realtime/wire.py) and no connection keeps a compressor or a
  decompressor between messages. Browsers all offer the extension; a client that does not
  gets plain frames, and one whose offer cannot be accepted as above (say
  ``server_max_window_bits=8``) gets plain frames too.
- **the raw transport in the ASGI scope** (``scope["extensions"]["festival.transport"]``, a
  :class:`RawWriter`): the room's writer (realtime/writer.py) writes frames straight to the
  socket instead of one ASGI ``send()`` per member, keeping the same flow control: while the
  transport is paused (its buffer over the high-water mark) the writer waits in its own task
  and the bounded outbox decides when the client is too slow.

Once the handshake is answered, the connection no longer holds the parsed request and
response (uvicorn keeps them for the connection's life).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn._types import ASGISendEvent
from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.extensions.permessage_deflate import (
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)
from websockets.http11 import Request
from websockets.server import ServerProtocol

from realtime import wire

#: The window the client compresses its (few, small) messages with, when it lets us say.
CLIENT_MAX_WINDOW_BITS = 12

#: The WebSocket state machine's own records ("connection open", "connection closed" at INFO)
#: repeat uvicorn's line for each accepted connection: two records more per join. Warnings
#: and errors still go out; set this logger's level to DEBUG to see every state change.
HANDSHAKE_LOG = logging.getLogger("festival.transport.websockets")
HANDSHAKE_LOG.setLevel(logging.WARNING)


def deflate_factory() -> ServerPerMessageDeflateFactory:
    """permessage-deflate with no context kept between messages, either way."""
    return ServerPerMessageDeflateFactory(
        server_no_context_takeover=True,
        client_no_context_takeover=True,
        client_max_window_bits=CLIENT_MAX_WINDOW_BITS,
    )


class RawWriter:
    """A connection's transport, for frames that are already built (realtime/wire.py)."""

    __slots__ = ("_protocol", "deflate_bits")

    def __init__(self, protocol: RoomWebSocketProtocol, deflate_bits: int | None) -> None:
        self._protocol = protocol
        self.deflate_bits = deflate_bits

    @property
    def writing_paused(self) -> bool:
        return not self._protocol.writable.is_set()

    def write(self, data: bytes) -> None:
        protocol = self._protocol
        if protocol.disconnected or protocol.close_sent or protocol.transport.is_closing():
            raise ConnectionError("the WebSocket is closed")
        protocol.transport.write(data)

    async def drain(self) -> None:
        await self._protocol.writable.wait()
        if self._protocol.disconnected:
            raise ConnectionError("the WebSocket is closed")


class RoomWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets-sansio protocol with a shared-compressor permessage-deflate and the
    raw transport exposed to the application."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        if self.config.ws_per_message_deflate:
            self.conn = ServerProtocol(
                extensions=[deflate_factory()],
                max_size=self.config.ws_max_size,
                logger=HANDSHAKE_LOG,
            )

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        if self.response.status_code != 101:
            return
        bits = None
        for extension in self.conn.extensions:
            if isinstance(extension, PerMessageDeflate):
                bits = extension.local_max_window_bits
        # The application's task is created but has not run yet: it sees this.
        extensions: dict[str, Any] = self.scope["extensions"]
        extensions[wire.EXTENSION] = RawWriter(self, bits)

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        # Once the handshake is answered, its parsed request and response are never read
        # again: they are not kept for the life of the connection (about 2 KiB each).
        if self.handshake_complete and "response" in self.__dict__:
            del self.request, self.response
