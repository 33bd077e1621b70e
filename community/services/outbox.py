"""The outbox: every message the bot sends is a row here first.

A row is queued in the same transaction as the change that caused it, claimed by a sender with
an atomic conditional UPDATE (safe on SQLite and PostgreSQL, and with several senders), and
marked sent only after the platform confirmed it. A crash at any point leaves the row pending or
claimed-with-expiry, so it is sent after restart; messages to one chat go out in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from community.clock import Clock
from community.models import OutboxMessage, OutboxStatus

CLAIM_SECONDS = 60
_OPEN = (OutboxStatus.PENDING, OutboxStatus.SENDING)


@dataclass(frozen=True)
class Claimed:
    id: int
    platform: str
    chat_id: str
    payload: dict[str, Any]


def enqueue(
    session: Session,
    *,
    platform: str,
    chat_id: str,
    payload: dict[str, Any],
    clock: Clock,
    person_id: int | None = None,
    key: str | None = None,
) -> int | None:
    """Queue a message. With an idempotency `key`, queueing the same key twice queues it once
    (returns None the second time)."""
    row = OutboxMessage(
        platform=platform,
        chat_id=chat_id,
        payload=payload,
        person_id=person_id,
        idempotency_key=key,
        status=OutboxStatus.PENDING,
        attempts=0,
        available_at=clock.now(),
        created_at=clock.now(),
    )
    if key is None:
        session.add(row)
        session.flush()
        return row.id
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
        return None
    try:
        with session.begin_nested():
            session.add(row)
        return row.id
    except IntegrityError:  # another process queued the same key in between
        return None


def _due(row: Any, now: datetime) -> ColumnElement[bool]:
    """Pending and available, or claimed by a sender whose claim has run out (it died)."""
    return ((row.status == OutboxStatus.PENDING) & (row.available_at <= now)) | (
        (row.status == OutboxStatus.SENDING) & (row.locked_until <= now)
    )


def claim_due(
    session: Session, platforms: list[str], clock: Clock, limit: int = 50
) -> list[Claimed]:
    """Claim up to `limit` due rows, the oldest first, never past an earlier open message to the
    same chat. Commits the claims, so that other senders see them."""
    now = clock.now()
    due = _due(OutboxMessage, now)
    # An earlier message to the same chat that is not due itself (held by another sender, or
    # waiting for a retry) holds the later ones back; due ones are claimed together, in order.
    earlier = aliased(OutboxMessage)
    earlier_due = _due(earlier, now)
    blocked_by_earlier = exists().where(
        and_(
            earlier.platform == OutboxMessage.platform,
            earlier.chat_id == OutboxMessage.chat_id,
            earlier.id < OutboxMessage.id,
            earlier.status.in_(_OPEN),
            ~earlier_due,
        )
    )
    candidates = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.platform.in_(platforms), due, ~blocked_by_earlier)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    claimed: list[Claimed] = []
    for row in candidates:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, due)
            .values(
                status=OutboxStatus.SENDING, locked_until=now + timedelta(seconds=CLAIM_SECONDS)
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(Claimed(row.id, row.platform, row.chat_id, dict(row.payload)))
    session.commit()
    return claimed


def mark_sent(session: Session, outbox_id: int, remote_id: str | None, clock: Clock) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.status == OutboxStatus.SENDING)
        .values(
            status=OutboxStatus.SENT,
            sent_at=clock.now(),
            remote_id=remote_id,
            locked_until=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def mark_failed(
    session: Session,
    outbox_id: int,
    error: str,
    clock: Clock,
    max_attempts: int,
    retry_after: float | None = None,
    permanent: bool = False,
) -> OutboxStatus:
    """Reschedule a failed send (backing off), or give up after `max_attempts` tries."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None or row.status != OutboxStatus.SENDING:
        session.commit()
        return OutboxStatus.DEAD if row is None else row.status
    row.attempts += 1
    row.last_error = error[:500]
    row.locked_until = None
    if permanent or row.attempts >= max_attempts:
        row.status = OutboxStatus.DEAD
    else:
        backoff = retry_after if retry_after is not None else min(2**row.attempts, 300)
        row.status = OutboxStatus.PENDING
        row.available_at = clock.now() + timedelta(seconds=backoff)
    status = row.status
    session.commit()
    return status


def release(session: Session, outbox_id: int) -> None:
    """Give a claimed row back untouched (its chat had an earlier failure in this round)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.PENDING, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def prune_sent(session: Session, clock: Clock, days: int) -> int:
    """Delete sent messages older than `days`: their text is not needed once delivered."""
    result = session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.sent_at < clock.now() - timedelta(days=days),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
