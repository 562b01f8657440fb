"""Stopping background tasks for good."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

log = logging.getLogger("realtime.tasks")


async def cancel_and_wait(tasks: Iterable[asyncio.Task[None]], every_seconds: float = 0.1) -> None:
    """Cancel ``tasks`` and wait until they are done, cancelling again any that swallowed it.

    (Python 3.11's ``asyncio.wait_for``, used inside client libraries such as redis-py, can
    swallow a cancellation that arrives as the awaited operation completes.)
    """
    tasks = list(tasks)
    pending = [task for task in tasks if not task.done()]
    while pending:
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=every_seconds)
        pending = [task for task in pending if not task.done()]
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            log.debug("task %s ended with %r", task.get_name(), task.exception())
