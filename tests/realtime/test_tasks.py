"""realtime/tasks.py: background tasks stop for good."""

from __future__ import annotations

import asyncio

from realtime.tasks import cancel_and_wait


async def test_cancel_and_wait_cancels_again_a_task_that_swallowed_the_first() -> None:
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                swallowed += 1
                if swallowed == 2:
                    raise

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    await cancel_and_wait([task], every_seconds=0.01)
    assert task.cancelled()
    assert swallowed == 2


async def test_cancel_and_wait_leaves_finished_tasks_alone() -> None:
    async def quick() -> None:
        return None

    done = asyncio.create_task(quick())
    await done
    await cancel_and_wait([done])
    assert done.done() and not done.cancelled()
