"""A connection's bounded outgoing buffer: fan-out puts without waiting, one writer drains it.

Putting never blocks and never awaits: when the buffer is over its bounds the put fails and
the caller disconnects the client (close code 4000), who then resumes by replay. So the room
never waits for its slowest member.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

#: Frames and characters a connection may have queued before it counts as too slow.
MAX_FRAMES = 2000
MAX_CHARS = 2 * 1024 * 1024


class Outbox:
    __slots__ = ("_frames", "_chars", "on_ready", "max_frames", "max_chars", "close_code", "reason")

    def __init__(self, max_frames: int = MAX_FRAMES, max_chars: int = MAX_CHARS) -> None:
        self._frames: deque[str] = deque()
        self._chars = 0
        #: Called (synchronously) after a frame is queued or the outbox is closed.
        self.on_ready: Callable[[], None] | None = None
        self.max_frames = max_frames
        self.max_chars = max_chars
        self.close_code: int | None = None
        self.reason = ""

    def put(self, frame: str, force: bool = False) -> bool:
        """Queue a frame; False when the buffer is full (or closed) and the frame was dropped.

        ``force`` skips the bounds (a join's replay, itself bounded, must not count as lag).
        """
        if self.close_code is not None:
            return False
        # An empty outbox takes any frame: only a backlog says the client is slow.
        if (
            not force
            and self._frames
            and (len(self._frames) >= self.max_frames or self._chars + len(frame) > self.max_chars)
        ):
            return False
        self._frames.append(frame)
        self._chars += len(frame)
        self._wake()
        return True

    def put_all(self, frames: list[str]) -> bool:
        """Queue ``frames`` past the bounds (a join's reply and snapshot or replay, itself
        bounded), waking the writer once: they go out in one write. False once closed."""
        if self.close_code is not None:
            return False
        self._frames.extend(frames)
        self._chars += sum(map(len, frames))
        self._wake()
        return True

    def take(self) -> list[str]:
        """Everything queued, oldest first."""
        frames = list(self._frames)
        self._frames.clear()
        self._chars = 0
        return frames

    def close(self, code: int, reason: str = "", drop_pending: bool = False) -> None:
        """Ask the writer to close (after sending what is queued, unless ``drop_pending``)."""
        if self.close_code is None:
            self.close_code, self.reason = code, reason
        if drop_pending:
            self.take()
        self._wake()

    def _wake(self) -> None:
        if self.on_ready is not None:
            self.on_ready()

    def __len__(self) -> int:
        return len(self._frames)
