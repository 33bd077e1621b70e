"""PostgreSQL: a transaction that begins at its first write, not at its first statement.

psycopg sends BEGIN as a round trip of its own before a transaction's first statement, and
COMMIT as another. Most events only read (the speaker, their dialogue state) and then write once
(their replies, with the dialogue state, in one statement: community/services/outbox/
one_statement.py). Under READ COMMITTED, PostgreSQL's default and the bot's, every statement
reads a snapshot of its own taken when it starts, inside a transaction or not; so reads run
before any write see exactly what they would see after a BEGIN. A deferred session therefore
runs on a connection in autocommit: it sends BEGIN only right before its first writing
statement (a locking read counts as one), and then COMMIT as usual. A writing statement the
caller marks as the transaction's last (`LAST`) runs without BEGIN when nothing was written
before it: one statement is atomic by itself. The event then costs two round trips, not four.
A write after such a last statement is a bug (it could not be rolled back with it): it raises.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

_DEFERRED = "late_begin"  # execution option of the session's connection
LAST = "late_begin_last"  # execution option of the writing statement that ends the transaction
_STATE = "late_begin_state"  # in the pooled connection's info: "reading", "written"
_LOCKING = re.compile(r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b", re.IGNORECASE)
_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE (no transaction open)


def defer(session: Session) -> None:
    """Let `session`'s transaction begin at its first write (PostgreSQL; elsewhere nothing
    changes). Call it before the session's first statement."""
    dialect = session.get_bind().dialect
    # Only under READ COMMITTED are reads outside a transaction the same as inside one (a
    # server set to a stricter default isolation keeps the ordinary transaction).
    # (Known once the engine has connected: until then nothing is deferred.)
    isolation = getattr(dialect, "default_isolation_level", None)
    if dialect.name == "postgresql" and isolation == "READ COMMITTED":
        session.connection(execution_options={_DEFERRED: True})


@event.listens_for(Engine, "begin")
def _on_begin(conn: Connection) -> None:
    dbapi_connection: Any = conn.connection.dbapi_connection
    if conn.get_execution_options().get(_DEFERRED):
        dbapi_connection.autocommit = True
        conn.info[_STATE] = "reading"
    elif conn.info.pop(_STATE, None) is not None:
        # Left by a deferred transaction whose connection skipped the checkin below: an
        # ordinary transaction never runs in autocommit.
        dbapi_connection.autocommit = False


def _is_read(statement: str, context: Any) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return False
    head = statement.lstrip()[:6].upper()
    return head == "SELECT" and (" FOR " not in statement or _LOCKING.search(statement) is None)


@event.listens_for(Engine, "before_cursor_execute")
def _before_execute(
    conn: Connection, cursor: Any, statement: str, _params: Any, context: Any, _many: bool
) -> None:
    state = conn.info.get(_STATE)
    if state is None or _is_read(statement, context):
        return
    if state == "written":
        raise RuntimeError("a write after the statement that ended the transaction")
    if cursor.connection.pgconn.transaction_status != _IDLE:
        return  # begun already
    if context is not None and context.execution_options.get(LAST):
        conn.info[_STATE] = "written"  # atomic alone: no BEGIN, no COMMIT
        return
    cursor.connection.execute("BEGIN")


@event.listens_for(Pool, "checkin")
def _on_checkin(dbapi_connection: Any, record: Any) -> None:
    # Back to an ordinary connection (the pool's reset ended any transaction before this).
    if record.info.pop(_STATE, None) is not None and dbapi_connection is not None:
        try:
            dbapi_connection.autocommit = False
        except Exception:
            record.invalidate()
