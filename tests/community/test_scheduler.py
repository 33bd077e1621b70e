"""The one scheduler: jobs in the database with fixed ids and forgiving misfire rules, one
scheduler per database, and job bodies that only queue outbox rows with keys (twice is once)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select, text

from bot.app import App, build_app
from bot.engine.types import Incoming
from community import scheduler
from community.clock import FakeClock
from community.models import DialogueState, MatchRound, OutboxMessage, ProcessedEvent
from community.services import housekeeping, prompts
from config import Settings
from config.programme import Programme, ProgrammeItem
from tests.bot.engine.test_buddies import _coordinator, _introduce
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport


@pytest.fixture
def weekly(settings: Settings) -> Settings:
    return dataclasses.replace(settings, buddy_weekly_round="monday 09:00")


@pytest.fixture
def running(weekly: Settings, clock: FakeClock) -> Iterator[App]:
    app = build_app(weekly, [RecordingTransport()], clock=clock, migrate=True)
    assert app.start_jobs()
    yield app
    app.close()


def _stored_jobs(app: App) -> list[str]:
    with app.db_engine.connect() as connection:
        return sorted(connection.execute(text("SELECT id FROM apscheduler_jobs")).scalars())


def test_jobs_live_in_the_database_with_fixed_ids_and_forgiving_misfires(
    running: App, weekly: Settings, clock: FakeClock
) -> None:
    assert _stored_jobs(running) == [
        scheduler.FOLLOW_UP_JOB,
        scheduler.WEEKLY_ROUND_JOB,
        scheduler.HOUSEKEEPING_JOB,
        prompts.PROMPTS_JOB_ID,
    ]
    assert running.scheduler is not None
    for job in running.scheduler.scheduler.get_jobs():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time >= 3600
    weekly_job = running.scheduler.scheduler.get_job(scheduler.WEEKLY_ROUND_JOB)
    assert weekly_job.next_run_time.weekday() == 0
    assert (weekly_job.next_run_time.hour, weekly_job.next_run_time.minute) == (9, 0)
    running.close()
    running.scheduler = None
    # A restart replaces the jobs instead of adding them twice; switched off, the round goes.
    again = build_app(weekly, clock=clock)
    assert again.start_jobs()
    assert _stored_jobs(again) == [
        scheduler.FOLLOW_UP_JOB,
        scheduler.WEEKLY_ROUND_JOB,
        scheduler.HOUSEKEEPING_JOB,
        prompts.PROMPTS_JOB_ID,
    ]
    again.close()
    off = build_app(dataclasses.replace(weekly, buddy_weekly_round=None), clock=clock)
    assert off.start_jobs()
    assert _stored_jobs(off) == [
        scheduler.FOLLOW_UP_JOB,
        scheduler.HOUSEKEEPING_JOB,
        prompts.PROMPTS_JOB_ID,
    ]
    off.close()


def test_housekeeping_runs_at_night_and_forgets_what_is_past_its_time(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    def event(user: str, text: str, number: int) -> None:
        chat.send(Incoming.from_text("console", user, user, True, text, event_id=str(number)))

    event("anna", "/start ARNHEM", 1)  # a guest who never consents: one handled event, one reply
    with app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) >= 1
    assert app.start_jobs() and app.scheduler is not None
    job = app.scheduler.scheduler.get_job(scheduler.HOUSEKEEPING_JOB)
    assert (job.next_run_time.hour, job.next_run_time.minute) == (3, 30)
    scheduler.housekeeping_job()  # nothing is old yet
    with app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) >= 1
    clock.advance(days=housekeeping.PROCESSED_EVENT_DAYS + 1)
    event("bo", "/help", 2)  # a recent event stays, so a replay of it is still caught
    scheduler.housekeeping_job()
    with app.session_factory() as session:
        events = session.scalars(select(ProcessedEvent.processed_at)).all()
        assert events and all(at >= clock.now() - timedelta(days=1) for at in events)
        assert session.scalar(select(DialogueState).where(DialogueState.user_id == "anna")) is None
        # what was sent to anna is forgotten with her; the reply to bo, who is in no dialogue,
        # was not kept once sent
        chats = session.scalars(select(OutboxMessage.chat_id)).all()
        assert chats == []


def test_only_one_process_runs_the_scheduler_on_postgresql(
    running: App, weekly: Settings, clock: FakeClock
) -> None:
    second = build_app(weekly, clock=clock)
    try:
        started = second.start_jobs()
        assert started is (running.db_engine.dialect.name != "postgresql")
    finally:
        second.close()


def test_the_follow_up_job_runs_from_the_database_by_time(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _introduce(chat)
    assert app.start_jobs()
    clock.advance(days=13, hours=23)
    scheduler.follow_up_job()
    clock.advance(hours=1)
    scheduler.follow_up_job()
    scheduler.follow_up_job()  # a second run, e.g. after a misfire: nothing new
    before = len(chat.transport.done)
    asyncio.run(app.dispatcher.dispatch_due())
    texts = sorted(Sent(d).text for d in chat.transport.done[before:])
    assert texts == ["Hello! Did you meet Anna?", "Hello! Did you meet Bilal?"]


def test_the_weekly_round_tells_the_coordinators_once(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    chat.onboard("carla", buddy="2")
    assert app.start_jobs()
    scheduler.weekly_round_job()
    scheduler.weekly_round_job()  # the proposals of the first run still wait: no new round
    before = len(chat.transport.done)
    asyncio.run(app.dispatcher.dispatch_due())
    sent = [Sent(d) for d in chat.transport.done[before:]]
    assert [(m.chat_id, m.text) for m in sent] == [
        ("bram", "New buddy proposals are ready. Send /match to check them.")
    ]
    with app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(MatchRound)) == 1
    # The round kept the parents it left over: the coordinator sees them at /match.
    said = chat.say("bram: /match")
    assert said[0] == "Parents without a proposal this round: 1.\nDo not want a buddy now: 1."
    assert said[1].startswith("This round at a glance.")  # its picture's caption
    assert said[2].startswith("Buddy proposals to check: 1.")


def test_the_prompts_job_sends_due_prompts_once(chat: Chat, app: App, clock: FakeClock) -> None:
    chat.onboard("anna", ages=("1",))
    # A programme of its own (the shipped one changes with its content): a tip for every parent
    # in week 2, Tuesday 8 September 10:00 Amsterdam, and one the week after.
    tip = ProgrammeItem(
        "home-language", "tip", (2,), "tue", time(10, 0),
        {"nl": "Praat thuis in je eigen taal.", "en": "Speak your own language at home."},
    )  # fmt: skip
    later = dataclasses.replace(tip, key="later", weeks=(3,), texts={"nl": "Later."})
    prompts_config = dataclasses.replace(
        app.settings.prompts, programme=Programme(date(2026, 8, 31), (tip, later))
    )
    app.settings = dataclasses.replace(app.settings, prompts=prompts_config)
    assert app.start_jobs()
    clock.current = clock.current.replace(month=9, day=8, hour=8, minute=5)
    scheduler.prompts_job()
    scheduler.prompts_job()  # twice is once
    before = len(chat.transport.done)
    asyncio.run(app.dispatcher.dispatch_due())
    texts = [Sent(d).text for d in chat.transport.done[before:]]
    assert texts == ["💡 Speak your own language at home."]
