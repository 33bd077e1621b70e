"""Waiting after a failure: a pause that `stop` cuts short, and a delay that doubles up to a
minute and starts again after a success. Polling and sync loops use it to reconnect."""

from __future__ import annotations

import asyncio
import contextlib

MAX_DELAY = 60.0


async def pause(stop: asyncio.Event | None, seconds: float) -> None:
    """Sleep `seconds`, or less when `stop` is set meanwhile."""
    if stop is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


class Backoff:
    """The next wait after a failure: `first`, then doubled each time, at most a minute."""

    def __init__(self, first: float = 1.0) -> None:
        self.first = first
        self.delay = first

    def reset(self) -> None:
        """After a success: the next failure waits `first` again."""
        self.delay = self.first

    async def wait(self, stop: asyncio.Event | None) -> None:
        """Pause for the current delay (cut short by `stop`), then double it."""
        await pause(stop, self.delay)
        self.delay = min(self.delay * 2, MAX_DELAY)
