"""The wire protocol: frame shapes, message types, parse and encode, limits, close codes.

Client frames are JSON objects ``{"type": ..., "ref": ..., "data": {...}}``; ``ref`` (optional,
a short string or integer chosen by the client) is echoed in the ``ok`` / ``error`` reply.
Server frames are replies, numbered room events ``{"type", "seq", "at", "data"}``, unnumbered
transient updates ``{"type", "data"}``, and ``batch`` frames that carry several of those in order.
Everything here is documented in docs/protocol.md (a test keeps the two in step).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from realtime.errors import ProtocolError, RoomError
from realtime.frames import ErrorFrame, OkFrame, Ref, ServerFrame, TransientFrame
from realtime.rooms.room import FEATURES

#: Largest client frame accepted, in bytes of UTF-8 (larger ones get ``frame.too_large``).
MAX_FRAME_BYTES = 8 * 1024
#: Longest accepted ``ref``.
MAX_REF_CHARS = 64
#: How far into a frame that cannot be parsed (not JSON, or too large) the server looks for its
#: ``ref``, so that even that refusal can be matched (clients send ``ref`` before ``data``).
REF_SCAN_CHARS = 512

# Close codes (RFC 6455 §7.4.1; 1012 and 1013 are in IANA's registry of close codes; 4000-4999
# are ours).
CLOSE_NORMAL = 1000
CLOSE_POLICY = 1008  # persistent abuse (flooding after warnings) or a refused Origin
CLOSE_SERVER_ERROR = 1011
#: The server is restarting or shutting down (a deploy): reconnect and resume. uvicorn closes
#: every connection with it at shutdown, and so do the rooms, whichever comes first.
CLOSE_SERVICE_RESTART = 1012
CLOSE_TRY_AGAIN = 1013  # too much from the client's network address: reconnect later
CLOSE_TOO_SLOW = 4000  # the client could not keep up: reconnect and resume from last seq
CLOSE_IDLE = 4001  # nothing received for IDLE_TIMEOUT_SECONDS
CLOSE_BANNED = 4003  # banned from this room: do not reconnect
CLOSE_ROOM_UNKNOWN = 4004  # no such room: do not reconnect

CLOSE_CODES: dict[int, str] = {
    CLOSE_NORMAL: "normal closure",
    CLOSE_POLICY: "policy violation: persistent abuse or a foreign Origin",
    CLOSE_SERVER_ERROR: "unexpected server error, or no answer to the keepalive ping; "
    "reconnect with backoff and resume",
    CLOSE_SERVICE_RESTART: "the server is restarting; reconnect with backoff and resume",
    CLOSE_TRY_AGAIN: "too much from your network address; reconnect after a while",
    CLOSE_TOO_SLOW: "too slow: the outgoing buffer overflowed; reconnect and resume",
    CLOSE_IDLE: "idle: no frame within the idle timeout; reconnect and resume",
    CLOSE_BANNED: "banned from the room; do not reconnect",
    CLOSE_ROOM_UNKNOWN: "the room does not exist; do not reconnect",
}

#: Closes the WebSocket server (uvicorn) sends by itself, before a frame reaches the room.
SERVER_CLOSE_CODES: dict[int, str] = {
    1007: "a text frame that is not UTF-8 (RFC 6455 §8.1); fix the client",
    1009: "a frame larger than the server's WebSocket limit; fix the client",
}

#: A client should send something (``ping`` will do) at least this often.
PING_INTERVAL_SECONDS = 25
#: The server closes a connection that sent nothing for this long.
IDLE_TIMEOUT_SECONDS = 75

#: Every message type a client may send: the session's own, then each room feature's.
CLIENT_TYPES: dict[str, str] = {
    "join": "Join the room, resuming after `last_seq` (or a snapshot when null or too old).",
    "ping": "Keepalive; the reply is `ok` when a `ref` is given.",
    **{name: doc for feature in FEATURES for name, doc in feature.client_types().items()},
}


#: Server frames that are not room events (room event kinds live with their feature module):
#: replies and frame shapes, the room's link state, then each feature's transient frames.
SERVER_TYPES: dict[str, str] = {
    "ok": "Reply to a client frame that carried a `ref`.",
    "error": "Reply to a frame that was refused; `data.code` is a stable error code.",
    "snapshot": "The room's current state for this participant (first join, or too far behind).",
    "batch": "Several frames in order, in `frames`.",
    "room.degraded": "Transient: the servers cannot reach each other; the room is read-only.",
    "room.restored": "Transient: the servers reach each other again; missed events follow.",
    **{name: doc for feature in FEATURES for name, doc in feature.transients.items()},
}


@dataclass(frozen=True, slots=True)
class ClientFrame:
    """A parsed, shape-checked client frame (its ``data`` is checked by the feature)."""

    type: str
    ref: Ref
    data: dict[str, Any]  # checked by the feature that takes it


def _ref_of(obj: Any) -> Ref:
    """The frame's ``ref`` if it is usable, so even a refused frame gets its reply matched."""
    if isinstance(obj, dict):
        ref = obj.get("ref")
        if isinstance(ref, str) and len(ref) <= MAX_REF_CHARS:
            return ref
        if isinstance(ref, int) and not isinstance(ref, bool) and abs(ref) < 2**53:
            return ref
    return None


# A "ref" member in the raw text (inside a string its quotes would be escaped: no match).
_REF_MEMBER = re.compile(r'"ref"\s*:\s*("(?:[^"\\\x00-\x1f]|\\.){0,400}"|-?\d{1,16})(?=\s*[,}])')


def _scan_ref(raw: str) -> Ref:
    """The ``ref`` of a frame that cannot be parsed, when the start of its text shows one."""
    found = _REF_MEMBER.search(raw, 0, REF_SCAN_CHARS)
    if found is None:
        return None
    try:
        value = orjson.loads(found.group(1))
    except orjson.JSONDecodeError:
        return None
    return _ref_of({"ref": value})


def parse(raw: str | bytes) -> ClientFrame:
    """Parse one client frame; raises :class:`ProtocolError` (with ``ref`` when known)."""
    if isinstance(raw, bytes):
        raise ProtocolError("Send text frames holding JSON, not binary frames.")
    if len(raw) > MAX_FRAME_BYTES or len(raw.encode("utf-8")) > MAX_FRAME_BYTES:
        raise ProtocolError(
            f"Frames are limited to {MAX_FRAME_BYTES} bytes.",
            "frame.too_large",
            ref=_scan_ref(raw),
            max_bytes=MAX_FRAME_BYTES,
        )
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ProtocolError("The frame is not valid JSON.", ref=_scan_ref(raw)) from None
    ref = _ref_of(obj)
    if not isinstance(obj, dict):
        raise ProtocolError("A frame is a JSON object.")
    extra = set(obj) - {"type", "ref", "data"}
    if extra:
        raise ProtocolError(f"Unexpected keys {sorted(extra)}.", ref=ref)
    if "ref" in obj and obj["ref"] is not None and ref is None:
        raise ProtocolError(f"`ref` is a string of at most {MAX_REF_CHARS} characters or a number.")
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise ProtocolError("`type` is required and is a string.", ref=ref)
    if kind not in CLIENT_TYPES:
        raise ProtocolError(f"Unknown message type {kind[:40]!r}.", "frame.type_unknown", ref=ref)
    data = obj.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ProtocolError("`data` is a JSON object.", "frame.data_invalid", ref=ref)
    return ClientFrame(kind, ref, data)


def encode(frame: ServerFrame) -> str:
    """Encode a server frame once; the same string goes to every recipient."""
    return orjson.dumps(frame, option=orjson.OPT_UTC_Z).decode("utf-8")


def ok(ref: Ref, data: Mapping[str, object] | None = None) -> str:
    frame: OkFrame = {"type": "ok", "ref": ref, "data": data or {}}
    return encode(frame)


def error(ref: Ref, exc: RoomError) -> str:
    frame: ErrorFrame = {"type": "error", "ref": ref, "data": exc.as_data()}
    return encode(frame)


def transient(kind: str, data: Mapping[str, object]) -> str:
    frame: TransientFrame = {"type": kind, "data": data}
    return encode(frame)


def batch(frames: list[str]) -> str:
    """Several already-encoded frames as one (joined as text: nothing is re-encoded)."""
    if len(frames) == 1:
        return frames[0]
    return '{"type":"batch","frames":[' + ",".join(frames) + "]}"
