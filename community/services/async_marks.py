"""The "sent" marks, straight from the event loop, on PostgreSQL.

After a platform confirmed a reply, the sender marks its row sent. Done through the worker
threads that costs a hop there and back and a pooled connection's bookkeeping, a tenth of the
engine's cost per message. Here the same UPDATE (compiled once from the statement the outbox
module defines) runs on an asynchronous connection of its own, in autocommit: one round trip.

That connection commits with synchronous_commit off, as SQLite's marks skip their sync
(community/services/outbox/sqlite_marks.py): the mark is visible at once and kept if the bot is
killed at any point (the server has it); the server's write-ahead log is one stream, so the
next ordinary commit (the next handled event, the heartbeat within a second) or the WAL writer
(within 0.6 s) makes it durable. Only a crash of the database server or its machine in that
moment can undo a mark, and then the row is sent once more; a message is never lost (the
commit that queues it waits for the disk). A handled event pays one disk sync instead of two.

Anything unusual (SQLite, rows that need an after-sent hook, a mark already under way, a lost
connection) returns False and the caller takes the ordinary road, so no mark is ever skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine

from community.clock import Clock
from community.services import outbox
from community.services.outbox import Claimed

log = logging.getLogger(__name__)
TIMEOUT = 30.0  # seconds; a server that does not answer by then is given up on (and retried)


class AsyncMarks:
    def __init__(self, engine: Engine, after_sent: outbox.AfterSent) -> None:
        self.engine = engine
        self.after_sent = after_sent  # rows of these kinds take the ordinary road
        self.statements = 0  # for the benchmark's count of statements per message
        self._connection: Any = None  # psycopg.AsyncConnection, made on first use
        self._loop: asyncio.AbstractEventLoop | None = None
        self._busy = False
        self._compiled: dict[int, Any] = {}

    @property
    def commits(self) -> int:
        return self.statements  # each runs in autocommit: its own durable commit

    @staticmethod
    def available(engine: Engine) -> bool:
        return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"

    async def mark(self, done: Sequence[tuple[Claimed, str | None]], clock: Clock) -> bool:
        """Mark `done` sent; False when the caller must do it the ordinary way."""
        token = outbox.fast_mark_token(done, self.after_sent) if done else None
        if token is None or self._busy:
            return False  # (one connection: a second mark at the same moment goes by thread)
        self._busy = True
        statement, values = outbox.mark_statement(done, token, clock.now())
        # Shielded: a caller that stops waiting (a timeout, a shutdown) does not cut the mark
        # off halfway; the row would be sent again once its claim ran out.
        return await asyncio.shield(asyncio.ensure_future(self._run(statement, values)))

    async def _run(self, statement: Any, values: dict[str, Any]) -> bool:
        try:
            sql, params = self._compile(statement, values)
            async with asyncio.timeout(TIMEOUT):
                connection = await self._connect()
                await connection.execute(sql, params, prepare=True)
            self.statements += 1
            return True
        except Exception as exc:  # the type only: a driver's message can quote the values
            log.warning("marking sent from the event loop failed (%s)", type(exc).__name__)
            self.discard()
            return False
        finally:
            self._busy = False

    def _compile(self, statement: Any, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        compiled = self._compiled.get(id(statement))
        if compiled is None:
            compiled = self._compiled[id(statement)] = statement.compile(
                dialect=self.engine.dialect
            )
        return compiled.string, compiled.construct_params(values)

    async def _connect(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._connection is not None and (self._loop is not loop or self._connection.closed):
            self.discard()  # made on another event loop (or lost): useless here
        if self._connection is None:
            import psycopg  # only installed (and only needed) for PostgreSQL

            args, params = self.engine.dialect.create_connect_args(self.engine.url)
            params.pop("context", None)  # SQLAlchemy's type adapters are for its own connections
            connection = await psycopg.AsyncConnection.connect(*args, autocommit=True, **params)
            await connection.execute("SET synchronous_commit TO off")  # why: the docstring
            self._connection = connection
            self._loop = loop
        return self._connection

    def discard(self) -> None:
        """Drop the connection (from any thread or loop: closing the socket needs no loop)."""
        connection, self._connection, self._loop = self._connection, None, None
        if connection is not None:
            connection.pgconn.finish()
