"""Reading what the server queued for a client: frames decoded, batches flattened."""

from __future__ import annotations

from typing import Any

import orjson


def flatten(frame: dict[str, Any]) -> list[dict[str, Any]]:
    if frame["type"] == "batch":
        return [inner for f in frame["frames"] for inner in flatten(f)]
    return [frame]


def decode_all(texts: list[str]) -> list[dict[str, Any]]:
    return [f for text in texts for f in flatten(orjson.loads(text))]


def seqs(frames: list[dict[str, Any]]) -> list[int]:
    return [f["seq"] for f in frames if "seq" in f and f["type"] not in ("ok", "snapshot")]
