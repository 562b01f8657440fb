"""festival/media.py: the media storage contract, over every implementation (one, for now:
the local directory; an object store added later runs the same tests)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from festival.media import LocalMediaStorage, MediaError, MediaStorage, new_key

IMPLEMENTATIONS: dict[str, Callable[[Path], MediaStorage]] = {"local": LocalMediaStorage}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStorage:
    return IMPLEMENTATIONS[request.param](tmp_path / "media")


async def _read(storage: MediaStorage, key: str) -> bytes:
    return b"".join([chunk async for chunk in storage.read(key)])


def test_media_put_read_delete(storage: MediaStorage) -> None:
    key = new_key()
    data = bytes(range(256)) * 1000  # several chunks

    async def go() -> tuple[bytes, list[str], list[str]]:
        await storage.put(key, io.BytesIO(data))
        read = await _read(storage, key)
        held = await storage.keys()
        await storage.delete(key)
        return read, held, await storage.keys()

    assert asyncio.run(go()) == (data, [key], [])


def test_media_reading_a_missing_key_is_a_media_error(storage: MediaStorage) -> None:
    with pytest.raises(MediaError):
        asyncio.run(_read(storage, new_key()))


@pytest.mark.parametrize("key", ["../etc/passwd", "A" * 32, "", "abc"])
def test_media_refuses_keys_it_did_not_make(storage: MediaStorage, key: str) -> None:
    with pytest.raises(MediaError):
        asyncio.run(storage.put(key, io.BytesIO(b"x")))


class Broken(io.BytesIO):
    """A source that fails half way (a full disk, a closed upload)."""

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() > 0:
            raise OSError("disk full")
        return super().read(65536)


def test_media_a_failed_put_leaves_nothing(storage: MediaStorage) -> None:
    source: IO[bytes] = Broken(b"x" * 200_000)

    with pytest.raises(OSError, match="disk full"):
        asyncio.run(storage.put(new_key(), source))

    assert asyncio.run(storage.keys()) == []
