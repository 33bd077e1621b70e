"""Claiming: which sender delivers which rows.

A sender only ever claims the first open row of each chat (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite serialises the single claiming statement), so one chat's rows go out one
after the other, in order, however many senders drain the outbox at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import OutboxStatus, SenderProcess
from community.services import senders
from community.services.outbox.rows import OPEN, TABLE, Claimed, claim_until

_T = TABLE
# A claim whose process stopped beating (or whose row is gone) is free. A process never judges
# itself gone (`me`), and a claim that names no process holds until `locked_until`.
_P = SenderProcess.__table__
_OWNER_GONE = (
    _T.c.claim_owner.is_not(None)
    & (_T.c.claim_owner != bindparam("me"))
    & ~select(_P.c.id)
    .where(_P.c.id == _T.c.claim_owner, _P.c.heartbeat_at >= bindparam("alive_since"))
    .exists()
)


def _claim_statement(limit: int) -> Any:
    """UPDATE ... WHERE id IN (the first open row of each chat that is due) RETURNING ...

    The inner SELECT locks with SKIP LOCKED on PostgreSQL, so concurrent senders take different
    chats; on SQLite the single statement holds the write lock. A row held by another sender, or
    waiting for a retry, is itself open, so the rows after it in its chat are not taken. A row
    held by a process that is gone is taken over, whatever its `locked_until`."""
    earlier = _T.alias("earlier")
    head = (
        select(_T.c.id)
        .where(
            OPEN,
            _T.c.platform.in_(bindparam("platforms", expanding=True)),
            ((_T.c.status == OutboxStatus.PENDING.value) & (_T.c.available_at <= bindparam("now")))
            | (
                (_T.c.status == OutboxStatus.SENDING.value)
                & ((_T.c.locked_until <= bindparam("now")) | _OWNER_GONE)
            ),
            ~select(earlier.c.id)
            .where(
                text("earlier.status IN ('pending', 'sending')"),
                earlier.c.platform == _T.c.platform,
                earlier.c.chat_id == _T.c.chat_id,
                earlier.c.id < _T.c.id,
            )
            .exists(),
        )
        .order_by(_T.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (
        update(_T)
        .where(_T.c.id.in_(head.scalar_subquery()))
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_by=bindparam("token"),
            claim_owner=bindparam("owner"),
            locked_until=bindparam("until"),
        )
        .returning(
            _T.c.id,
            _T.c.platform,
            _T.c.chat_id,
            _T.c.kind,
            _T.c.payload,
            _T.c.person_id,
            _T.c.forget_when_sent,
        )
    )


_CLAIMS: dict[int, Any] = {}


def claim_due(
    session: Session,
    platforms: Sequence[str],
    clock: Clock,
    token: str,
    limit: int = 50,
    owner: str | None = None,
) -> list[Claimed]:
    """Claim up to `limit` due rows, each the first open row of its chat, oldest first, for
    `token` held by the process `owner`. Commits the claims, so that other senders see them."""
    if not platforms:
        return []
    statement = _CLAIMS.get(limit)
    if statement is None:
        statement = _CLAIMS[limit] = _claim_statement(limit)
    now = clock.now()
    rows = session.execute(
        statement,
        {
            "platforms": list(platforms),
            "now": now,
            "token": token,
            "owner": owner,
            "me": owner or "",
            "alive_since": senders.alive_since(now),
            "until": claim_until(clock),
        },
    ).all()
    session.commit()
    claimed = [Claimed(r[0], r[1], r[2], r[3], dict(r[4]), r[5], token, r[6]) for r in rows]
    return sorted(claimed, key=lambda c: c.id)


def extend_claims(session: Session, ids: Iterable[int], token: str, clock: Clock) -> None:
    """Keep holding rows still waiting in a long batch, so that no claim runs out mid-batch."""
    id_list = list(ids)
    if id_list:
        session.execute(
            update(_T)
            .where(_T.c.id.in_(id_list), _T.c.claimed_by == token)
            .values(locked_until=claim_until(clock))
        )
    session.commit()


def release(session: Session, rows: Sequence[Claimed]) -> None:
    """Give claimed rows back untouched (an earlier row of their chat failed)."""
    if rows:
        session.execute(
            update(_T)
            .where(
                _T.c.id.in_([c.id for c in rows]),
                _T.c.claimed_by == rows[0].token,
                _T.c.status == OutboxStatus.SENDING.value,
            )
            .values(
                status=OutboxStatus.PENDING.value,
                claimed_by=None,
                claim_owner=None,
                locked_until=None,
            )
        )
    session.commit()
