"""The product's one scheduler: APScheduler 3, its jobs kept in the same database.

Every job is a module-level function (APScheduler stores jobs by reference) that only queues
outbox rows with idempotency keys, so a job that runs twice, late or at once with itself changes
nothing. Due work is found from the database by time (a pair introduced 14 days ago and not yet
asked), never from the job's own memory: tests call the job bodies directly after moving the
FakeClock, and a restart after an outage catches up at the first run.

One process runs the scheduler (a job store cannot be shared by several schedulers): on
PostgreSQL it holds an advisory lock while it runs, and a second process simply does not start
one. Used by the buddy follow-ups, the weekly buddy round and the weekly prompts (due prompts,
RSVP reminders, the daily digest, the route map pinned in the rooms) and the nightly
housekeeping (`community.services.housekeeping`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from community.clock import Clock
from community.i18n import Translator
from community.services import buddies, housekeeping, prompts
from config import Settings

log = logging.getLogger(__name__)

JOBSTORE_TABLE = "apscheduler_jobs"
FOLLOW_UP_JOB = "buddies.follow_ups"
WEEKLY_ROUND_JOB = "buddies.weekly_round"
HOUSEKEEPING_JOB = "housekeeping.nightly"
FOLLOW_UP_EVERY_MINUTES = 15
MISFIRE_GRACE_SECONDS = 6 * 3600  # a job missed during a short outage still runs
ADVISORY_LOCK = 0x4F4B_0001  # "OK" + 1: the scheduler's lock on PostgreSQL
WEEKDAYS = {
    "monday": "mon",
    "tuesday": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
}


@dataclass(frozen=True)
class Runtime:
    """What the jobs need and cannot be pickled into the job store."""

    settings: Settings
    session_factory: sessionmaker[Session]
    translator: Translator
    clock: Clock


_runtime: Runtime | None = None


def _current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("the scheduler's runtime is not set: start it through Scheduler")
    return _runtime


# -- the jobs (module-level: stored by reference) -------------------------------------------------
def follow_up_job() -> None:
    rt = _current()
    reminded = buddies.send_due_name_reminders(
        rt.session_factory, rt.translator, rt.clock, default_locale=rt.settings.default_locale
    )
    if reminded:
        log.info("buddy first-name reminders queued: %d", reminded)
    queued = buddies.send_due_follow_ups(
        rt.session_factory,
        rt.translator,
        rt.clock,
        rt.settings.buddy_follow_up_days,
        rt.settings.default_locale,
    )
    if queued:
        log.info("buddy follow-ups queued: %d", queued)


def weekly_round_job() -> None:
    rt = _current()
    queued = buddies.start_scheduled_rounds(
        rt.session_factory, rt.translator, rt.clock, rt.settings.default_locale
    )
    if queued:
        log.info("buddy round: coordinators told: %d", queued)


def prompts_job() -> None:
    rt = _current()
    queued = prompts.run_due_jobs(rt.session_factory, rt.translator, rt.clock, rt.settings)
    if queued:
        log.info("prompts: messages queued: %d", queued)


def housekeeping_job() -> None:
    rt = _current()
    with rt.session_factory() as session:
        forgotten = housekeeping.run(session, rt.clock, rt.settings, rt.translator)
    log.info("housekeeping: rows forgotten: %s", forgotten)


def weekly_trigger(spec: str) -> CronTrigger:
    """ "monday 09:00" as a cron trigger (the server's local time)."""
    day, clock_time = spec.split()
    hour, minute = clock_time.split(":")
    return CronTrigger(day_of_week=WEEKDAYS[day], hour=int(hour), minute=int(minute))


class Scheduler:
    """The one scheduler of a running bot: `start()` after the app is built, `shutdown()` at the
    end. Adds the jobs with fixed ids (`replace_existing`), so a restart never doubles them."""

    def __init__(
        self,
        settings: Settings,
        db_engine: Engine,
        session_factory: sessionmaker[Session],
        translator: Translator,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.db_engine = db_engine
        self.runtime = Runtime(settings, session_factory, translator, clock)
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=db_engine, tablename=JOBSTORE_TABLE)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
        )
        self._lock: Connection | None = None

    @property
    def running(self) -> bool:
        return self.scheduler.running

    def _take_lock(self) -> bool:
        if self.db_engine.dialect.name != "postgresql":
            return True  # SQLite is one file for one bot process
        connection = self.db_engine.connect()
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK})
        if taken.scalar():
            connection.commit()
            self._lock = connection
            return True
        connection.close()
        return False

    def start(self) -> bool:
        """Start, unless another process runs the scheduler already; returns whether it did."""
        global _runtime
        if not self._take_lock():
            # Debug: a follower tries every few seconds (bot/leader.py says it once).
            log.debug("another process runs the scheduler; this one does not")
            return False
        _runtime = self.runtime
        self.scheduler.add_job(
            follow_up_job,
            IntervalTrigger(minutes=FOLLOW_UP_EVERY_MINUTES),
            id=FOLLOW_UP_JOB,
            replace_existing=True,
        )
        prompts.register_jobs(self.scheduler, prompts_job)
        # At night: nobody waits for the bot then.
        self.scheduler.add_job(
            housekeeping_job,
            CronTrigger(hour=3, minute=30),
            id=HOUSEKEEPING_JOB,
            replace_existing=True,
        )
        if self.settings.buddy_weekly_round:
            self.scheduler.add_job(
                weekly_round_job,
                weekly_trigger(self.settings.buddy_weekly_round),
                id=WEEKLY_ROUND_JOB,
                replace_existing=True,
            )
        self.scheduler.start()
        if not self.settings.buddy_weekly_round and self.scheduler.get_job(WEEKLY_ROUND_JOB):
            self.scheduler.remove_job(WEEKLY_ROUND_JOB)  # switched off in the config
        return True

    def holds_lock(self) -> bool:
        """Whether this process still holds the lock (PostgreSQL: its session is alive)."""
        if self._lock is None:
            return self.db_engine.dialect.name != "postgresql" and self.scheduler.running
        try:
            self._lock.execute(text("SELECT 1"))
            self._lock.commit()
        except Exception:
            return False
        return True

    def shutdown(self) -> None:
        global _runtime
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if _runtime is self.runtime:
            _runtime = None
        if self._lock is not None:
            try:
                self._lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK})
                self._lock.commit()
            finally:
                self._lock.close()  # a lost connection ends the session, and the lock with it
                self._lock = None
