"""The console's `/tick`: what the scheduler does over time, done once, now.

A running bot has the one scheduler (community/scheduler.py) run its jobs every few minutes; the
console runs none by itself, so that a conversation typed into it stays the same on every run.
`/tick` runs the jobs that come round every few minutes (prompts that are due, reminders, the
professionals' digest, buddy reminders and follow-ups), and `/tick HH:MM` first moves the
console's clock on to the next HH:MM (local time of the prompts' time zone), so that a demo can
show the afternoon's digest in a minute. The weekly buddy round and the nightly housekeeping
are left to `ouderkring run`.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Protocol

from bot.app import App
from community.services import buddies, prompts, senders

_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


class Movable(Protocol):
    def now(self) -> datetime: ...

    def advance(self, **delta: float) -> None: ...


def parse_tick(line: str) -> time | None | str:
    """`/tick` -> None; `/tick 16:00` -> 16:00; anything else after it -> the reason, as text."""
    rest = line.strip().removeprefix("/tick").strip()
    if not rest:
        return None
    match = _TIME.match(rest)
    if match is None:
        return "(write /tick or /tick HH:MM, for example /tick 16:00)"
    return time(int(match[1]), int(match[2]))


def move_to(app: App, at: time) -> bool:
    """Move the console's clock on to the next `at` (local time); False if it cannot move."""
    clock = app.clock
    if not callable(getattr(clock, "advance", None)):
        return False
    now = prompts.local(clock.now(), app.settings.prompts)
    target = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    movable: Movable = clock  # type: ignore[assignment]
    movable.advance(seconds=(target - now).total_seconds())
    if app.heartbeat is not None:
        # The process lived all along: its heartbeat moves on with the clock, so nothing takes
        # it for a process that stopped.
        with app.session_factory.begin() as session:
            senders.beat(session, app.heartbeat.owner, clock)
    return True


def run_jobs(app: App) -> int:
    """The scheduler's frequent jobs, once; returns how many messages they queued."""
    settings, args = app.settings, (app.session_factory, app.translator, app.clock)
    queued = prompts.run_due_jobs(*args, settings)
    queued += buddies.send_due_name_reminders(*args, default_locale=settings.default_locale)
    queued += buddies.send_due_follow_ups(
        *args, settings.buddy_follow_up_days, settings.default_locale
    )
    return queued
