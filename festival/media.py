"""Where uploaded files are kept: the :class:`MediaStorage` interface and its local-directory
implementation.

Handlers never touch paths: they hand a storage a key made here (:func:`new_key`, random, never
from the request) and a file to copy in, and read it back by key. ``LocalMediaStorage`` keeps
files under ``MEDIA_DIR``; a deployment with more than one host needs every host to see the
same files: a shared directory, or another implementation of this interface over an object
store (docs/deploy.md). The storage is chosen once, in festival/app.py.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Protocol

#: How much of a file is read or written at a time.
CHUNK_BYTES = 64 * 1024
_KEY = re.compile(r"[a-z0-9]{32}")


class MediaError(Exception):
    """A key that is not one of ours, or a file that is not there."""


def new_key() -> str:
    """A fresh, unguessable storage key (32 lowercase letters and digits)."""
    return secrets.token_hex(16)


def _checked(key: str) -> str:
    if _KEY.fullmatch(key) is None:
        raise MediaError(f"{key!r} is not a media key")
    return key


class MediaStorage(Protocol):
    """Files by key: written once, read many times, deleted with their resource."""

    async def put(self, key: str, source: IO[bytes]) -> None:
        """Copy ``source`` (read from its start) in under ``key``: whole, or not at all."""
        ...

    def read(self, key: str) -> AsyncIterator[bytes]:
        """The file's bytes, a chunk at a time (MediaError when there is none)."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the file (nothing when there is none)."""
        ...

    async def keys(self) -> list[str]:
        """Every key held (operators' checks and tests)."""
        ...


class LocalMediaStorage:
    """Files in one directory, named by their key; written to a temporary name first and
    renamed into place, so a reader never sees half a file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def _put(self, key: str, source: IO[bytes]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        final = self._path(key)
        partial = self.root / f".{key}.part"
        try:
            source.seek(0)
            with partial.open("xb") as out:
                while chunk := source.read(CHUNK_BYTES):
                    out.write(chunk)
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    async def put(self, key: str, source: IO[bytes]) -> None:
        await asyncio.to_thread(self._put, key, source)

    async def read(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise MediaError(f"no file {key}") from None
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def keys(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir())
