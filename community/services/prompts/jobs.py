"""The prompts' one scheduled job: due prompts, reminders, digests and route maps in one run.

Each step reads the database and queues outbox rows with idempotency keys, so a run that comes
twice, late, or at once with itself changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from community.clock import Clock
from community.i18n import Translator
from community.services.prompts.delivery import send_due_prompts
from community.services.prompts.digest import send_digests
from community.services.prompts.route_map import post_route_maps
from community.services.prompts.rsvp import send_rsvp_reminders
from config import Settings

PROMPTS_JOB_ID = "prompts:due"  # not dotted: dotted strings here are message ids
PROMPTS_EVERY_MINUTES = 15  # due prompts, reminders and digests wait at most this long


def run_due_jobs(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    settings: Settings,
) -> int:
    """Everything the prompts need from the scheduler, in one run: due prompts, reminders the
    day before an event, the professionals' digest, the weekly route map in the rooms. Returns
    how many messages were queued."""
    args = (session_factory, translator, clock, settings)
    queued = send_due_prompts(*args) + send_rsvp_reminders(*args) + send_digests(*args)
    return queued + post_route_maps(*args)


def register_jobs(scheduler: Any, job: Callable[[], None]) -> None:
    """Add the prompts job to the product's one APScheduler (community/scheduler.py). `job` is
    that module's module-level function (jobs are stored by reference) calling `run_due_jobs`
    with the scheduler's runtime; a fixed id and `replace_existing` keep one copy per restart."""
    trigger = IntervalTrigger(minutes=PROMPTS_EVERY_MINUTES)
    scheduler.add_job(job, trigger, id=PROMPTS_JOB_ID, replace_existing=True)
