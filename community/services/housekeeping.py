"""Forgetting on time: what the bot keeps only for a while is erased here, once a day.

Run by the scheduler every night and once when the bot starts (a bot that was down for a week
catches up at once). Each step commits on its own and is safe to run twice or concurrently:
it only deletes rows that are already past their time. Features that keep something for a
limited time add a step to `STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import ProcessedEvent
from community.services import conversations, outbox

# A platform replays an event within hours (Telegram keeps updates for 24 hours; a Matrix sync
# token moves on); two weeks is far beyond that, and the table stops growing with every message.
PROCESSED_EVENT_DAYS = 14

# Each step: (session, clock, sent_retention_days) -> rows forgotten.
Step = Callable[[Session, Clock, int], int]


def forget_processed_events(session: Session, clock: Clock, _days: int) -> int:
    """Forget which platform events were handled, once no platform can replay them."""
    result = session.execute(
        delete(ProcessedEvent)
        .where(ProcessedEvent.processed_at < clock.now() - timedelta(days=PROCESSED_EVENT_DAYS))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def _stale_guests(session: Session, clock: Clock, _days: int) -> int:
    return conversations.forget_stale_guests(session, clock)


STEPS: dict[str, Step] = {
    "sent messages": outbox.prune_sent,
    "guests who never consented": _stale_guests,
    "handled platform events": forget_processed_events,
}


def run(session: Session, clock: Clock, sent_retention_days: int) -> dict[str, int]:
    """Every step once; returns how many rows each forgot."""
    return {name: step(session, clock, sent_retention_days) for name, step in STEPS.items()}
