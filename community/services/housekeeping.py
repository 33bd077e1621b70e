"""Forgetting on time: what the bot keeps only for a while is erased here, once a day.

Run by the scheduler every night and once when the bot starts (a bot that was down for a week
catches up at once). Each step commits on its own and is safe to run twice or concurrently:
it only deletes rows that are already past their time. Features that keep something for a
limited time add a step to `STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import InstrumentedAttribute, Session

from community.clock import Clock
from community.i18n import Translator
from community.models import ProcessedEvent, PromptAnswer
from community.services import (
    dialogue_state,
    inactivity,
    moderation,
    outbox,
    platform_state,
    role_codes,
    translators,
)
from config import Settings

# A platform replays an event within hours (Telegram keeps updates for 24 hours; a Matrix sync
# token moves on); two weeks is far beyond that, and the table stops growing with every message.
PROCESSED_EVENT_DAYS = 14

# Each step: (session, clock, settings) -> rows forgotten.
Step = Callable[[Session, Clock, Settings], int]
TellingStep = Callable[[Session, Clock, Settings, Translator], int]


def _delete_older(
    session: Session, column: InstrumentedAttribute[datetime], days: int, now: datetime
) -> int:
    """Delete the rows of the column's table whose `column` is more than `days` old."""
    result = session.execute(
        delete(column.class_)
        .where(column < now - timedelta(days=days))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def forget_processed_events(session: Session, clock: Clock, _settings: Settings) -> int:
    """Forget which platform events were handled, once no platform can replay them."""
    return _delete_older(session, ProcessedEvent.processed_at, PROCESSED_EVENT_DAYS, clock.now())


def forget_old_answers(session: Session, clock: Clock, settings: Settings) -> int:
    """Forget parents' answers to prompts after `prompts.answer_retention_days`."""
    days = settings.prompts.answer_retention_days
    return _delete_older(session, PromptAnswer.created_at, days, clock.now())


def _sent_messages(session: Session, clock: Clock, settings: Settings) -> int:
    return outbox.prune_sent(session, clock, settings.sent_retention_days)


def _stale_guests(session: Session, clock: Clock, _settings: Settings) -> int:
    return dialogue_state.forget_stale_guests(session, clock)


def _ended_steps(session: Session, clock: Clock, settings: Settings) -> int:
    """Dialogue steps older than `[buddies] answer_hours` are over (the engine ends them on
    the next message too): what was typed and kept for them (a message waiting for "for your
    buddy or for the school?") goes with them."""
    count = dialogue_state.end_stale_steps(session, clock, timedelta(hours=settings.answer_hours))
    session.commit()
    return count


def _moderation(session: Session, clock: Clock, settings: Settings) -> int:
    config = settings.moderation
    return moderation.forget(session, clock, config.newcomer_hours, config.report_days)


def _code_tries(session: Session, clock: Clock, _settings: Settings) -> int:
    count = role_codes.forget_tries(session, clock)
    session.commit()
    return count


def _direct_chats(session: Session, clock: Clock, _settings: Settings) -> int:
    return platform_state.forget_unused_direct_chats(session, clock)


STEPS: dict[str, Step] = {
    "sent messages": _sent_messages,
    "guests who never consented": _stale_guests,
    "dialogue steps past their time": _ended_steps,
    "direct chats with nobody stored": _direct_chats,
    "handled platform events": forget_processed_events,
    "answers to prompts": forget_old_answers,
    "reports and newcomers in group rooms": _moderation,
    "wrong code tries": _code_tries,
    "translation requests of sent prompts": translators.forget_requests,
}
# Steps that also tell someone (in their language, with the app's one translator):
# `[privacy] inactive_days`: told a week before, then erased (community/services/inactivity.py).
TELLING_STEPS: dict[str, TellingStep] = {
    "silent parents told": inactivity.warn,
    "silent parents erased": inactivity.erase_silent,
}


def run(
    session: Session, clock: Clock, settings: Settings, translator: Translator
) -> dict[str, int]:
    """Every step once; returns how many rows each forgot."""
    done = {name: step(session, clock, settings) for name, step in STEPS.items()}
    for name, telling in TELLING_STEPS.items():
        done[name] = telling(session, clock, settings, translator)
    return done
