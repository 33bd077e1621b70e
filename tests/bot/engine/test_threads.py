"""The worker pool: results and errors come back to the awaiting task, the event loop goes on
meanwhile, and `wait_idle` (used by App.close) waits for work under way."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.engine import threads


def test_results_and_errors_come_back_and_the_loop_goes_on() -> None:
    release = threading.Event()

    def slow(value: int) -> tuple[int, str]:
        release.wait(5)
        return value * 2, threading.current_thread().name

    def broken() -> None:
        raise ValueError("no")

    async def run() -> tuple[int, str]:
        task = asyncio.ensure_future(threads.run_blocking(slow, 21))
        await asyncio.sleep(0.01)
        assert not task.done()  # the work waits in its thread; this loop is free
        release.set()
        with pytest.raises(ValueError):
            await threads.run_blocking(broken)
        return await task

    doubled, thread_name = asyncio.run(run())
    assert doubled == 42 and thread_name.startswith("db-worker-")


def test_wait_idle_waits_for_work_under_way() -> None:
    finished: list[float] = []

    def work() -> None:
        time.sleep(0.2)
        finished.append(time.monotonic())

    async def start_and_leave() -> None:
        task = asyncio.ensure_future(threads.run_blocking(work))
        await asyncio.sleep(0.01)
        task.cancel()  # the caller stops waiting; the work itself goes on

    asyncio.run(start_and_leave())
    assert not finished
    assert threads.wait_idle(timeout=5)
    assert finished  # done before wait_idle returned
