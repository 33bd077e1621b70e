"""Database engine, sessions and schema migrations (Alembic), for SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import contextlib
import functools
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"  # where Alembic keeps the revision a database is at
log = logging.getLogger(__name__)


class SchemaOutdated(Exception):
    """The database is not at the newest migration; the app must not start on it."""


class _NoResultRows(logging.Filter):
    """Drops the result rows that SQLAlchemy's debug echo logs: they hold user ids and answers."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


def _keep_rows_out_of_logs() -> None:
    logger = logging.getLogger("sqlalchemy.engine.Engine")
    if not any(isinstance(existing, _NoResultRows) for existing in logger.filters):
        logger.addFilter(_NoResultRows())


def _without_detail(error: BaseException) -> None:
    """Drop PostgreSQL's DETAIL lines from an error's message, in place."""
    if error.args and isinstance(error.args[0], str) and "DETAIL:" in error.args[0]:
        kept = [line for line in error.args[0].splitlines() if not line.startswith("DETAIL:")]
        error.args = ("\n".join(kept), *error.args[1:])


def _hide_row_values(context: ExceptionContext) -> None:
    # PostgreSQL's DETAIL repeats the values of the failing row ("Key (platform_user_id)=(anna)
    # already exists", "Failing row contains (...)"): hide_parameters does not cover it.
    _without_detail(context.original_exception)
    if context.sqlalchemy_exception is not None:
        _without_detail(context.sqlalchemy_exception)


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL; None for an in-memory or read-only database."""
    parsed = make_url(url)
    name = parsed.database or ""
    if parsed.query.get("uri") == "true" and name.startswith("file:"):
        if parsed.query.get("mode") in ("ro", "memory"):
            return None
        name = name.removeprefix("file:")
    if name in ("", ":memory:"):
        return None
    return Path(name)


def _create_private(path: Path | None) -> None:
    """Create a new SQLite file readable by its owner only, before SQLite writes to it (SQLite
    gives its -wal and -shm files the mode of the database file). A missing folder is left to
    SQLite's error, which the CLI explains; an existing file is not changed, but a warning says
    when others can read it."""
    if path is None:
        return
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        with contextlib.suppress(OSError):
            if path.stat().st_mode & 0o077 and _is_sqlite(path):
                log.warning("the SQLite database %s can be read by other users: chmod 600 it", path)
        return
    except OSError:  # no folder, no permission: SQLite says so when it connects
        return
    os.close(descriptor)


def _is_sqlite(path: Path) -> bool:
    """An SQLite database file (a file that is not one gets SQLite's own error, explained)."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def make_engine(url: str, *, synchronous: str = "FULL", **kwargs: Any) -> Engine:
    """An engine on `url`. On SQLite, `synchronous` says whether a commit waits for the disk:
    FULL (every commit is on disk when it returns); NORMAL only for the "sent" marks, made
    durable by the next FULL commit (community/services/outbox/sqlite_marks.py)."""
    if synchronous not in ("FULL", "NORMAL"):
        raise ValueError(f"synchronous must be FULL or NORMAL, not {synchronous!r}")
    # SQL parameters are user ids and texts: keep them out of error messages and echo logs.
    kwargs.setdefault("hide_parameters", True)
    _keep_rows_out_of_logs()
    if url.startswith("sqlite"):
        _create_private(sqlite_path(url))
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "handle_error", _hide_row_values)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Transactions are begun below, not by the driver's own deferred BEGIN.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")  # cascades on erasure depend on it
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a queued message stays queued after a power cut, and a message marked
            # sent stays marked (no resend) once a FULL commit followed its mark.
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            # Take the write lock at the start: a transaction that read first and writes later
            # would otherwise fail at once ("database is locked") when another thread or
            # process wrote in between. SQLite has one writer at a time anyway.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # No pre-ping: it costs a round trip on every checkout (2 a message). A connection that
    # died with a server restart fails its event once, the pool is invalidated, and the event
    # is tried again (adapters retry an update that failed; the sender retries its round).
    kwargs.setdefault("pool_recycle", 3600)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "handle_error", _hide_row_values)
    return engine


_BUTTON_TOPICS = "button_topics"


def make_session_factory(
    engine: Engine, *, button_topics: Mapping[str, str] | None = None
) -> sessionmaker[Session]:
    """Sessions on `engine`. `button_topics` (button action name -> the topic it answers, from
    the handler table) travels with every session, for whatever queues a question there: the
    outbox closes a chat's earlier question unless it is of the same topic."""
    info = {_BUTTON_TOPICS: MappingProxyType(dict(button_topics or {}))}
    return sessionmaker(bind=engine, expire_on_commit=False, info=info)


def button_topics(session: Session) -> Mapping[str, str]:
    """The button topics the session's factory was given (none: each action its own topic)."""
    topics: Mapping[str, str] = session.info.get(_BUTTON_TOPICS, {})
    return topics


def alembic_config(engine: Engine | None = None) -> AlembicConfig:
    # Alembic is imported where it is used: a command that only reads the schema's revision
    # (every start, every `ouderkring` command) does not pay for loading it.
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        # The engine travels as an attribute: its URL may hold a password that must not be logged.
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and current_revision(engine) == head_revision():
        return  # nothing to run: Alembic would load its environment and every script to see that
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


# A migration script's header: `revision: str = "0016"`, `down_revision: str | None = "0015"`.
_HEADER = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


@functools.cache
def head_revision() -> str | None:
    """The newest migration: the one no other script names as its `down_revision`. Read from
    the scripts' headers, once per process (they do not change while it runs): Alembic would
    import Mako and every script to say the same at each start (tests/community/test_db.py
    checks that both agree)."""
    revisions: set[str] = set()
    earlier: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        header = dict(_HEADER.findall(path.read_text(encoding="utf-8")))
        revisions.add(ast.literal_eval(header["revision"]))
        down = ast.literal_eval(header["down_revision"])
        earlier.update(down if isinstance(down, tuple) else {down})
    heads = revisions - earlier
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads: {sorted(heads)}")
    return next(iter(heads), None)


def current_revision(engine: Engine) -> str | None:
    """The revision Alembic stamped on the database; None when it has none (an empty one)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        # One branch, so one row (Alembic's MigrationContext reads the same table the same way).
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def check_schema(engine: Engine) -> None:
    """Refuse to run on a database that is not at the newest migration."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        state = "empty" if current is None else f"at {current}, the bot needs {head}"
        raise SchemaOutdated(
            f"The database schema is out of date ({state}). Run: ouderkring db upgrade"
        )
