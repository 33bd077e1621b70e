"""The processes that claim outbox rows, and how a dead one's claims are freed.

Every process registers a `SenderProcess` row at start and beats every second in a thread of
its own, on a database connection of its own (a slow send, a busy event loop or a full pool
never delays a beat). Every claim names its process (`outbox_message.claim_owner`). A process
that has not beaten for `STALE_SECONDS` is gone: its claims are free for any other process at
once, whatever their `locked_until` says. A slow but living process keeps beating, so its
claims are never taken: `locked_until` still bounds a process that beats but hangs.

At start a process also removes the rows of processes that are gone: those silent for
`STALE_SECONDS`, and on SQLite (every process on one host) those whose pid no longer runs, so
that a restart takes over the claims of the process it replaces at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Engine, Table, delete, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from community import db
from community.clock import Clock
from community.models import SenderProcess

log = logging.getLogger(__name__)

BEAT_SECONDS = 1.0
# Three beats missed, and one to spare: with a sender polling every second, a dead process's
# claims are taken within 5 seconds of its last beat.
STALE_SECONDS = 4

_P: Table = SenderProcess.__table__  # type: ignore[assignment]


def alive_since(now: datetime) -> datetime:
    """A process whose last beat is older than this is gone."""
    return now - timedelta(seconds=STALE_SECONDS)


def _host() -> str:
    """This host, with its process namespace: containers on one host each number their own
    processes, so a pid means something only within the same namespace."""
    name = socket.gethostname()
    with contextlib.suppress(OSError):
        name += " " + os.readlink("/proc/self/ns/pid")
    return name[:255]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


def forget_gone(session: Session, clock: Clock, *, same_host: bool) -> int:
    """Remove the processes that are gone: silent for `STALE_SECONDS`, and with `same_host`
    those on this host whose pid no longer runs. Returns how many went."""
    gone = set(session.scalars(select(_P.c.id).where(_P.c.heartbeat_at < alive_since(clock.now()))))
    if same_host:
        here = session.execute(select(_P.c.id, _P.c.pid).where(_P.c.host == _host())).all()
        gone |= {owner for owner, pid in here if not _running(pid)}
    if gone:
        session.execute(delete(_P).where(_P.c.id.in_(sorted(gone))))
    return len(gone)


def register(session: Session, owner: str, clock: Clock) -> None:
    now = clock.now()
    session.execute(
        insert(_P),
        {
            "id": owner,
            "host": _host(),
            "pid": os.getpid(),
            "started_at": now,
            "heartbeat_at": now,
        },
    )


def beat(session: Session, owner: str, clock: Clock) -> bool:
    """Say this process lives. Returns False when it was silent too long (another process may
    have taken its claims): it beats, or registers again, and goes on."""
    now = clock.now()
    on_time = session.execute(
        update(_P)
        .where(_P.c.id == owner, _P.c.heartbeat_at >= alive_since(now))
        .values(heartbeat_at=now)
    )
    if on_time.rowcount:  # type: ignore[attr-defined]
        return True
    late = session.execute(update(_P).where(_P.c.id == owner).values(heartbeat_at=now))
    if not late.rowcount:  # type: ignore[attr-defined]
        register(session, owner, clock)  # another process removed it as gone
    return False


def _own_engine(shared: Engine) -> Engine:
    """A small engine of the heartbeat's own on the same database (an in-memory SQLite
    database exists only in its engine: shared then)."""
    url = shared.url
    if url.get_backend_name() == "sqlite" and db.sqlite_path(str(url)) is None:
        return shared
    return db.make_engine(url.render_as_string(hide_password=False), pool_size=1, max_overflow=1)


class Heartbeat:
    """This process's row in `sender_process`: registered on creation (after removing the
    processes that are gone), kept alive by `start`, removed by `stop`."""

    def __init__(self, shared: Engine, clock: Clock, every: float = BEAT_SECONDS) -> None:
        self.owner = uuid.uuid4().hex
        self.clock = clock
        self.every = every
        self._engine = _own_engine(shared)
        self._sessions = sessionmaker(self._engine)
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        sqlite = self._engine.dialect.name == "sqlite"
        with self._sessions.begin() as session:
            gone = forget_gone(session, clock, same_host=sqlite)
            register(session, self.owner, clock)
        if gone:
            log.info("took over the messages of %d process(es) that stopped", gone)

    def beat(self) -> None:
        with self._sessions.begin() as session:
            if not beat(session, self.owner, self.clock):
                log.warning(
                    "this process was silent for over %d s: another may have sent its messages "
                    "(a message it was sending then can go twice)",
                    STALE_SECONDS,
                )

    def _run(self) -> None:
        while not self._stopped.wait(self.every):
            try:
                self.beat()
            except Exception:  # the database may be away for a moment: beat again next time
                log.warning("heartbeat failed", exc_info=True)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def halt(self) -> None:
        """Stop beating and leave the row: what a killed process leaves behind (for tests)."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def stop(self) -> None:
        """Stop beating and remove the row: what this process still held is free at once."""
        self.halt()
        try:
            # Twice: a database that restarted since the last beat left a dead connection in
            # the pool, which the first try finds and throws away. Should it still fail, the
            # row goes stale and another process takes over after STALE_SECONDS anyway.
            for attempt in (1, 2):
                try:
                    with self._sessions.begin() as session:
                        session.execute(delete(_P).where(_P.c.id == self.owner))
                    break
                except DBAPIError as exc:
                    if attempt == 2 or not exc.connection_invalidated:
                        log.warning("could not sign off this process: %s", type(exc).__name__)
                        break
        finally:
            self._engine.dispose()
