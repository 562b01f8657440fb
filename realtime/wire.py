"""Server-to-client WebSocket frames built once per view and written straight to the transport.

A server that exposes its connection's transport (``scope["extensions"][EXTENSION]``, a
:class:`RawTransport`; festival/transport.py is one) lets the writer (realtime/writer.py) skip
the ASGI ``send()`` per member: each outgoing message is framed once, header and payload, and
the very same bytes are written to every member who gets that message. Frames from server to
client are not masked (RFC 6455, 5.1), so nothing in them depends on the connection.

Compression (permessage-deflate, RFC 7692) works the same way: a server that negotiates
``server_no_context_takeover`` resets its compressor for every message, so one compressed
payload is valid on every connection that negotiated the same window size. The payload is
compressed once per view and per window size, never per connection, and no connection holds
a compressor of its own. One compressor per window size serves every message: each message
ends with a full flush, which empties the compressor's history, so no message refers to
another and each one inflates with a fresh decompressor, as the extension requires (setting up
a compressor costs ~30 µs, several times what compressing a room's message does). A message
that would not get shorter is sent uncompressed (RSV1 clear), which the extension allows for
any message.
"""

from __future__ import annotations

import struct
import zlib
from typing import Protocol

#: The key of the raw transport in the ASGI scope's ``extensions``.
EXTENSION = "festival.transport"
#: Messages shorter than this many bytes are not worth compressing.
MIN_COMPRESS_BYTES = 64
#: zlib's compression level and memory level for the shared, once-per-message compressor.
LEVEL = 6
MEM_LEVEL = 8
#: How many framed messages are remembered (each is one view of one broadcast).
CACHE_SIZE = 16

_FIN_TEXT = 0x81
_RSV1 = 0x40
_TAIL = b"\x00\x00\xff\xff"


class RawTransport(Protocol):
    """What a server exposes to write frames below the ASGI ``send()``."""

    #: The window bits (9-15) of the negotiated permessage-deflate, or None: plain frames.
    deflate_bits: int | None

    @property
    def writing_paused(self) -> bool:
        """True while the transport's buffer is over its high-water mark."""
        ...

    def write(self, data: bytes) -> None:
        """Write whole frames; raises ConnectionError once the connection is closed."""
        ...

    async def drain(self) -> None:
        """Wait until writing is no longer paused; raises ConnectionError if it closed."""
        ...


def header(first: int, length: int) -> bytes:
    """A server frame's header (FIN, RSV and opcode in ``first``; no mask)."""
    if length < 126:
        return bytes((first, length))
    if length < 65536:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


_compressors: dict[int, zlib._Compress] = {}


def deflate(payload: bytes, bits: int) -> bytes:
    """``payload`` as one permessage-deflate message with no context: the window size's
    compressor, whose history the full flush at the end of each message empties."""
    compressor = _compressors.pop(bits, None)
    if compressor is None:
        compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -bits, MEM_LEVEL)
    data = compressor.compress(payload) + compressor.flush(zlib.Z_FULL_FLUSH)
    if not data.endswith(_TAIL):  # pragma: no cover - zlib always ends a flush so
        raise AssertionError("zlib's full flush did not end with an empty stored block")
    # Put back only once the message is complete: an error above leaves no half-used state.
    _compressors[bits] = compressor
    return data[: -len(_TAIL)]


def build(text: str, bits: int | None) -> bytes:
    """One text message as a complete frame, compressed with ``bits`` if that makes it shorter."""
    payload = text.encode("utf-8")
    if bits is not None and len(payload) >= MIN_COMPRESS_BYTES:
        compressed = deflate(payload, bits)
        if len(compressed) < len(payload):
            return header(_FIN_TEXT | _RSV1, len(compressed)) + compressed
    return header(_FIN_TEXT, len(payload)) + payload


_cache: dict[tuple[int, int], tuple[str, bytes]] = {}


def frame(text: str, bits: int | None) -> bytes:
    """``build(text, bits)``, built once for the same string object (one view of a broadcast:
    fan-out hands every member of a view the same string) and returned as the same bytes."""
    key = (id(text), bits or 0)
    hit = _cache.get(key)
    if hit is not None and hit[0] is text:
        return hit[1]
    data = build(text, bits)
    if len(_cache) >= CACHE_SIZE:
        del _cache[next(iter(_cache))]
    # Holding ``text`` keeps its id from being reused while the entry lives.
    _cache[key] = (text, data)
    return data
