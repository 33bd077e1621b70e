"""The "sent" marks on SQLite: a transaction on a connection of their own, whose commit does not
wait for the disk; the next ordinary commit makes it durable.

Every commit of the bot's own connections is synchronous=FULL: the write-ahead log is synced
before the commit returns, so a queued message is never lost. A mark is committed the same way
(visible to every connection, and kept when the process is killed at any point: SQLite wrote it
to the log, the operating system holds it) but with synchronous=NORMAL, which skips that sync.
The log is one file written in order, so the next FULL commit syncs the mark with it: the next
handled event's, or the heartbeat's within a second (community/services/senders.py). Only a
power cut or a crash of the operating system in that moment can undo a mark, and then the row
is sent once more; a handled event pays for one sync instead of two.

Rows this cannot mark (an after-sent hook, forgotten once sent, of several claims) take the
ordinary road (`outbox.mark_sent`), as do in-memory databases (they live in one engine).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import Engine

from community import db
from community.clock import Clock
from community.services.outbox.marks import AfterSent, fast_mark_token, mark_rows
from community.services.outbox.rows import Claimed

# Runs a blocking call off the event loop (the bot's worker threads: bot/engine/threads.py).
Runner = Callable[..., Awaitable[Any]]


class SqliteMarks:
    def __init__(self, shared: Engine, after_sent: AfterSent, run: Runner) -> None:
        self.after_sent = after_sent  # rows of these kinds take the ordinary road
        self.run = run
        self.engine = db.make_engine(
            shared.url.render_as_string(hide_password=False), synchronous="NORMAL"
        )
        self.statements = 0  # for the benchmark: statements and commits of the marks
        self.commits = 0
        self._count = threading.Lock()

    @staticmethod
    def available(engine: Engine) -> bool:
        return engine.dialect.name == "sqlite" and db.sqlite_path(str(engine.url)) is not None

    async def mark(self, done: Sequence[tuple[Claimed, str | None]], clock: Clock) -> bool:
        """Mark `done` sent; False when the caller must do it the ordinary way."""
        token = fast_mark_token(done, self.after_sent) if done else None
        if token is None:
            return False
        await self.run(self._mark, done, clock)
        return True

    def _mark(self, done: Sequence[tuple[Claimed, str | None]], clock: Clock) -> None:
        with self.engine.begin() as connection:  # BEGIN IMMEDIATE (community/db.py)
            mark_rows(connection, done, clock.now())
        with self._count:
            self.statements += 2  # BEGIN IMMEDIATE and the UPDATE
            self.commits += 1

    def discard(self) -> None:
        self.engine.dispose()
