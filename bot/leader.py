"""Which process leads when several `ouderkring run` share one PostgreSQL database.

Every process handles updates it is given and sends from the outbox (claims keep two senders
off one chat). Only the leader runs the scheduler, the Telegram long poll (Telegram allows one
`getUpdates` per bot) and the Matrix sync (one reader of the bot's events): the process that
holds the scheduler's PostgreSQL session advisory lock (community/scheduler.py). The others try
to take it every `RETRY_SECONDS`; when the leader dies, PostgreSQL ends its session and frees
the lock, and the next try of another process takes over. A leader that loses its database
session (and with it the lock) stops with an error: its supervisor (Docker's `restart`,
systemd) starts it again as a follower, and nothing is done twice in between.

On SQLite there is one process (one file, one writer): it always leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from bot.logs import announce

log = logging.getLogger(__name__)
# A follower's tries: the takeover after a leader's death is within this (plus the moment
# PostgreSQL needs to see the dead connection). A try is one query on a pooled connection.
RETRY_SECONDS = 3.0


class LeadershipLost(Exception):
    """The leader's database session (and with it the lock) is gone."""


class Leadership:
    def __init__(self, app: Any, retry_seconds: float = RETRY_SECONDS) -> None:
        self.app = app
        self.retry_seconds = retry_seconds
        self.leading = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        """Try to lead until this process does, then watch that it still does."""
        told = False
        while not stop.is_set():
            if not self.leading.is_set():
                if await asyncio.to_thread(self.app.start_jobs):
                    self.leading.set()
                    log.info("this process leads: it runs the scheduler and receives updates")
                elif not told:
                    announce("Another process leads; this one sends and takes over if it stops.")
                    told = True
            elif not await asyncio.to_thread(self.app.scheduler.holds_lock):
                raise LeadershipLost(
                    "the database connection that made this process the leader was lost; "
                    "start it again (another process may lead now)"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.retry_seconds)

    async def wait(self, stop: asyncio.Event) -> bool:
        """Wait until this process leads (True) or is stopped (False)."""
        leads = asyncio.ensure_future(self.leading.wait())
        stops = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({leads, stops}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            leads.cancel()
            stops.cancel()
        return self.leading.is_set() and not stop.is_set()
