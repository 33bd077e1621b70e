"""How the outbox is doing, for `ouderkring doctor`: what waits to be sent, how long the oldest
has waited, and what the sender gave up on lately. Counts and times only: nothing of a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import OPEN_ROWS, OutboxMessage, OutboxStatus, Person

# A due row that waited this long means no sender is running, or every send fails.
LATE = timedelta(minutes=5)
GAVE_UP_DAYS = 7


@dataclass(frozen=True)
class OutboxHealth:
    open_rows: int  # pending or being sent, due or not
    oldest_open: datetime | None  # when the oldest open row was queued
    late_rows: int  # due for longer than LATE and still not sent
    # Rows that failed for good in the last GAVE_UP_DAYS days, by platform: to people the
    # platform says cannot be reached (blocked the bot, left) and for any other reason.
    gave_up_unreachable: dict[str, int]
    gave_up_other: dict[str, int]


def outbox_health(session: Session, clock: Clock) -> OutboxHealth:
    now = clock.now()
    row = OutboxMessage
    open_count, oldest = session.execute(
        select(func.count(), func.min(row.created_at)).select_from(row).where(OPEN_ROWS)
    ).one()
    late = session.scalar(
        select(func.count()).select_from(row).where(OPEN_ROWS, row.available_at < now - LATE)
    )
    since = now - timedelta(days=GAVE_UP_DAYS)
    # A dead row's available_at is its last try (as prune_sent reads it).
    dead = session.execute(
        select(row.platform, Person.unreachable_at.is_not(None), func.count())
        .select_from(row)
        .outerjoin(Person, Person.id == row.person_id)
        .where(row.status == OutboxStatus.DEAD, row.available_at >= since)
        .group_by(row.platform, Person.unreachable_at.is_not(None))
    ).all()
    unreachable: dict[str, int] = {}
    other: dict[str, int] = {}
    for platform, is_unreachable, count in dead:
        into = unreachable if is_unreachable else other
        into[platform] = into.get(platform, 0) + int(count)
    return OutboxHealth(int(open_count), oldest, int(late or 0), unreachable, other)
