"""What becomes of a row once its sender is done with it: marked sent (and what must follow in
the database, by kind: `AfterSent`), rescheduled or given up after a failure, pruned later; and
the platform ids of sent rows, which edits and pins name.

A row is marked only by the sender holding its claim (its token is checked on every update).
The engine's replies are marked in one statement: on PostgreSQL a single UPDATE in autocommit,
one round trip, as durable as a transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Integer, String, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import OutboxKey, OutboxMessage, OutboxStatus, Person
from community.services.outbox.rows import KEY_RETENTION_DAYS, TABLE, Claimed

_T = TABLE

# What must happen in the database once an action of one kind is done.
AfterSentHook = Callable[[Session, Claimed, str | None, Clock], None]


@dataclass(frozen=True)
class AfterSent:
    """The hooks that run, by action kind, in the transaction that marks a row sent (a created
    room is stored, a sealed code whose fallback went out is voided). Built once, in the
    composition root (bot/app.py), and handed to the sender: nothing registers itself."""

    hooks: Mapping[str, AfterSentHook] = field(default_factory=dict)

    def wanted(self, claimed: Claimed) -> bool:
        return claimed.kind in self.hooks

    def run(
        self, session: Session, done: Sequence[tuple[Claimed, str | None]], clock: Clock
    ) -> None:
        for claimed, remote in done:
            hook = self.hooks.get(claimed.kind)
            if hook is not None:
                hook(session, claimed, remote, clock)


def remote_ids(session: Session, outbox_ids: Iterable[int]) -> dict[int, str]:
    """The platform ids of sent rows (an edit or a pin names the message by its outbox row)."""
    id_list = list(outbox_ids)
    if not id_list:
        return {}
    rows = session.execute(
        select(_T.c.id, _T.c.remote_id).where(_T.c.id.in_(id_list), _T.c.remote_id.is_not(None))
    )
    return {row_id: remote for row_id, remote in rows}


_MARK_SENT = (
    update(_T)
    .where(
        _T.c.id == bindparam("row_id"),
        _T.c.claimed_by == bindparam("token"),
        _T.c.status == OutboxStatus.SENDING.value,
    )
    .values(
        status=OutboxStatus.SENT.value,
        sent_at=bindparam("sent_at"),
        remote_id=bindparam("remote"),
        claimed_by=None,
        claim_owner=None,
        locked_until=None,
        last_error=None,
    )
)

# PostgreSQL: all rows of one claim marked by one UPDATE, whatever their number (the ids and
# the platform ids travel as two arrays), so the statement is compiled once.
_DONE = (
    func.unnest(
        bindparam("o_ids", type_=postgresql.ARRAY(Integer)),
        bindparam("o_remotes", type_=postgresql.ARRAY(String)),
    )
    .table_valued("row_id", "remote", name="done")
    .render_derived()
)
_MARK_SENT_ALL = (
    update(_T)
    .where(
        _T.c.id == _DONE.c.row_id,
        _T.c.claimed_by == bindparam("o_token"),
        _T.c.status == OutboxStatus.SENDING.value,
    )
    .values(
        status=OutboxStatus.SENT.value,
        sent_at=bindparam("o_sent_at", type_=_T.c.sent_at.type),
        remote_id=_DONE.c.remote,
        claimed_by=None,
        claim_owner=None,
        locked_until=None,
        last_error=None,
    )
)


def fast_mark_token(
    done: Sequence[tuple[Claimed, str | None]], after_sent: AfterSent
) -> str | None:
    """The claim token when `done` can be marked by one autocommit UPDATE (PostgreSQL): rows
    of one claim, none with an after-sent hook nor to be forgotten once sent. A single statement
    is all or nothing, as a transaction is, and as durable (synchronous_commit stays on)."""
    token = done[0][0].token
    if any(c.token != token or after_sent.wanted(c) or c.forget_when_sent for c, _ in done):
        return None
    return token


def mark_statement(
    done: Sequence[tuple[Claimed, str | None]], token: str, now: datetime
) -> tuple[Any, dict[str, Any]]:
    """The UPDATE that marks `done` sent, with its parameters."""
    if len(done) == 1:
        # The usual case (one reply): a lookup by primary key, which the planner never gets
        # wrong, and cheaper on the server than joining a one-element array.
        ((claimed, remote),) = done
        return _MARK_SENT, {"row_id": claimed.id, "token": token, "sent_at": now, "remote": remote}
    return _MARK_SENT_ALL, {
        "o_ids": [c.id for c, _ in done],
        "o_remotes": [remote for _, remote in done],
        "o_token": token,
        "o_sent_at": now,
    }


def _mark_sent_at_once(
    session: Session,
    done: Sequence[tuple[Claimed, str | None]],
    now: datetime,
    after_sent: AfterSent,
) -> bool:
    """On PostgreSQL, one UPDATE that commits on its own: one round trip instead of BEGIN,
    UPDATE, COMMIT. Returns False where the general road must be taken."""
    token = fast_mark_token(done, after_sent)
    bind = session.get_bind()
    if token is None or bind.dialect.name != "postgresql":
        return False  # SQLite has no arrays; its commit costs no round trip anyway
    if session.in_transaction() or not isinstance(bind, Engine):
        return False  # the caller's open transaction takes the rows with it
    # A connection of its own, outside the session: no session transaction to begin and end.
    with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(*mark_statement(done, token, now))
    return True


def mark_rows(
    connection: Connection, done: Sequence[tuple[Claimed, str | None]], now: datetime
) -> None:
    """The UPDATE that marks the rows of `done` sent (those to be forgotten excepted), on
    `connection`, in its transaction: each row by its primary key and its claim's token."""
    kept = [(c, remote) for c, remote in done if not c.forget_when_sent]
    if kept:
        connection.execute(
            _MARK_SENT,
            [
                {"row_id": c.id, "token": c.token, "sent_at": now, "remote": remote}
                for c, remote in kept
            ],
        )


def mark_sent(
    session: Session,
    done: Sequence[tuple[Claimed, str | None]],
    clock: Clock,
    after_sent: AfterSent,
) -> None:
    """Mark delivered rows sent, all in one statement; only the claim's owner can. What must
    follow a row's kind (`after_sent`) runs in the same transaction."""
    if not done:
        return
    now = clock.now()
    if _mark_sent_at_once(session, done, now, after_sent):
        return
    mark_rows(session.connection(), done, now)
    for claimed, _ in done:
        if claimed.forget_when_sent:
            session.execute(
                delete(OutboxMessage)
                .where(
                    OutboxMessage.id == claimed.id,
                    OutboxMessage.claimed_by == claimed.token,
                    OutboxMessage.status == OutboxStatus.SENDING,
                )
                .execution_options(synchronize_session=False)
            )
    after_sent.run(session, done, clock)
    session.commit()


def mark_failed(
    session: Session,
    claimed: Claimed,
    error: str,
    clock: Clock,
    max_attempts: int,
    retry_after: float | None = None,
    permanent: bool = False,
    unreachable: bool = False,
) -> OutboxStatus:
    """Reschedule a failed action (backing off, or when the platform said), or give up after
    `max_attempts` tries or when trying again cannot help."""
    row = session.get(OutboxMessage, claimed.id)
    if row is None or row.status != OutboxStatus.SENDING or row.claimed_by != claimed.token:
        session.commit()
        return OutboxStatus.DEAD if row is None else row.status
    if retry_after is None:
        row.attempts += 1  # waiting because the platform asked is not a failed try
    row.last_error = error[:500]
    row.claimed_by, row.claim_owner, row.locked_until = None, None, None
    if permanent or row.attempts >= max_attempts:
        row.status = OutboxStatus.DEAD
        if row.forget_when_sent:
            session.delete(row)  # nothing of someone erased is kept, not even a failure
            session.commit()
            return OutboxStatus.DEAD
    else:
        backoff = retry_after if retry_after is not None else min(2**row.attempts, 300)
        row.status = OutboxStatus.PENDING
        row.available_at = clock.now() + timedelta(seconds=backoff)
    if unreachable and row.person_id is not None:
        person = session.get(Person, row.person_id)
        if person is not None and person.unreachable_at is None:
            person.unreachable_at = clock.now()
    status = row.status
    session.commit()
    return status


def prune_sent(session: Session, clock: Clock, days: int) -> int:
    """Forget sent rows older than `days`: their text is not needed once delivered; and rows
    that failed for good, `days` after their last try. Their idempotency keys stay much
    longer, so nothing is ever queued twice."""
    now = clock.now()
    cutoff = now - timedelta(days=days)
    result = session.execute(
        delete(OutboxMessage)
        .where(
            ((OutboxMessage.status == OutboxStatus.SENT) & (OutboxMessage.sent_at < cutoff))
            | ((OutboxMessage.status == OutboxStatus.DEAD) & (OutboxMessage.available_at < cutoff))
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(OutboxKey)
        .where(OutboxKey.created_at < now - timedelta(days=KEY_RETENTION_DAYS))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
