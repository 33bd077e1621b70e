"""The composition root: builds the database, translator, clock, engine and dispatcher from
explicit arguments. Nothing is built at import time; tests call this with their own parts."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine as DbEngine
from sqlalchemy.orm import Session, sessionmaker

from bot.engine import threads
from bot.engine.dispatcher import Dispatcher
from bot.engine.engine import Engine
from bot.engine.handler_table import HANDLERS
from bot.engine.media import share_media
from bot.engine.port import Transport
from bot.engine.registry import Handlers
from bot.engine.room_hooks import RoomHooks
from bot.engine.types import Incoming
from bot.logs import protect
from bot.metrics import Metrics
from community import db
from community.actions import CreateRoom, SealedMessage
from community.clock import Clock, SystemClock
from community.i18n import SHIPPED_LOCALES, Translator
from community.scheduler import Scheduler
from community.services import button_key, housekeeping, outbox, role_codes, rooms
from community.services.async_marks import AsyncMarks
from community.services.communities import sync_communities
from community.services.outbox import Claimed
from community.services.outbox.sqlite_marks import SqliteMarks
from community.services.senders import Heartbeat
from config import Settings

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    db_engine: DbEngine
    session_factory: sessionmaker[Session]
    translator: Translator
    clock: Clock
    engine: Engine
    dispatcher: Dispatcher
    scheduler: Scheduler | None = None
    heartbeat: Heartbeat | None = None
    metrics: Metrics | None = None
    _sending: set[asyncio.Task[None]] = field(default_factory=set)

    async def process(self, incoming: Incoming) -> int:
        """Handle one event (in a worker thread) and deliver the replies it queued right away;
        returns how many were delivered. What cannot go now waits in the outbox for the
        dispatcher."""
        started = time.monotonic()
        claimed = await self.engine.handle_async(incoming)
        delivered = await self.dispatcher.deliver(claimed) if claimed else 0
        if self.metrics is not None:
            self.metrics.handled(started)
        return delivered

    async def accept(self, incoming: Incoming) -> None:
        """Handle one event and return once its replies are safe in the outbox; they are sent
        in the background (`drain` waits for them). An adapter that takes events of many chats
        at once uses this, so that no chat waits for another chat's sends or for a platform's
        pause: replies of one chat still go in order (the outbox sends a chat's next row only
        after the one before)."""
        started = time.monotonic()
        claimed = await self.engine.handle_async(incoming)
        task = asyncio.create_task(self._deliver_later(claimed, started))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _deliver_later(self, claimed: list[Claimed], started: float) -> None:
        try:
            if claimed:
                await self.dispatcher.deliver(claimed)
        except Exception:  # the rows stay claimed by this process: the sender loop retries
            log.exception("sending replies failed; the outbox sends them later")
        if self.metrics is not None:
            self.metrics.handled(started)

    async def drain(self) -> None:
        """Wait until the replies being sent in the background are sent (or given back)."""
        while self._sending:
            await asyncio.gather(*list(self._sending), return_exceptions=True)

    def start_jobs(self) -> bool:
        """Start the one scheduler (buddy follow-ups, the weekly round); `close` stops it.
        Returns False when another process runs it already (PostgreSQL advisory lock)."""
        self.scheduler = Scheduler(
            self.settings, self.db_engine, self.session_factory, self.translator, self.clock
        )
        leads = self.scheduler.start()
        if self.metrics is not None:
            self.metrics.leader.set(1 if leads else 0)
            if leads:
                self.metrics.watch_scheduler(self.scheduler.scheduler.add_listener)
        return leads

    def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
        threads.wait_idle(timeout=10)  # a transaction or a "sent" mark under way is finished
        if self.dispatcher.marks is not None:
            self.dispatcher.marks.discard()
        if self.heartbeat is not None:
            self.heartbeat.stop()  # whatever this process still held is free for others at once
        self.db_engine.dispose()


def after_sent(translator: Translator) -> outbox.AfterSent:
    """What must follow in the database once the outbox sent an action of a kind."""
    return outbox.AfterSent(
        {
            CreateRoom.kind: rooms.made_room_hook(RoomHooks(translator).on_created),
            SealedMessage.kind: role_codes.void_after_fallback,
        }
    )


def build_app(
    settings: Settings,
    transports: Iterable[Transport] = (),
    *,
    clock: Clock | None = None,
    db_engine: DbEngine | None = None,
    translator: Translator | None = None,
    handlers: Handlers = HANDLERS,
    migrate: bool = False,
) -> App:
    """Wire everything. With `migrate`, bring the schema up to date first (the demo does);
    otherwise refuse an outdated schema with the command that fixes it."""
    protect(settings)  # this run's secrets never reach a log line, on every handler there is
    clock = clock or SystemClock()
    db_engine = db_engine or db.make_engine(settings.database_url)
    if migrate:
        db.upgrade(db_engine)
    db.check_schema(db_engine)
    # Buttons of one topic answer one thing asked in steps: the outbox closes questions by it.
    session_factory = db.make_session_factory(db_engine, button_topics=handlers.topics())
    with session_factory.begin() as session:
        sync_communities(session, settings.communities, clock)
    button_key.ensure(session_factory, clock)  # before any button is signed or checked
    translator = translator or Translator(SHIPPED_LOCALES, default_locale=settings.default_locale)
    # What follows a made room is said with this one translator (set, not added: an app
    # built again in the same process replaces it).
    transports = list(transports)
    share_media(transports)  # each platform's files reach the others
    capabilities = {t.platform: t.capabilities for t in transports}
    # This process's claims name it; a process that stopped beating leaves its claims free.
    heartbeat = Heartbeat(db_engine, clock)
    owner = heartbeat.owner
    engine = Engine(session_factory, settings, translator, clock, handlers, capabilities, owner)
    hooks = after_sent(translator)
    marks: AsyncMarks | SqliteMarks | None = None
    if AsyncMarks.available(db_engine):
        marks = AsyncMarks(db_engine, hooks)
    elif SqliteMarks.available(db_engine):
        marks = SqliteMarks(db_engine, hooks, threads.run_blocking)
    metrics = Metrics()
    metrics.watch_outbox(session_factory, clock)
    dispatcher = Dispatcher(
        session_factory, transports, clock, settings.outbox_max_attempts,
        marks=marks, owner=owner, metrics=metrics, after_sent=hooks,
    )  # fmt: skip
    with session_factory() as session:
        # What is kept only for a while goes now too: a bot that was down catches up at once.
        housekeeping.run(session, clock, settings, translator)
    heartbeat.start()
    return App(
        settings, db_engine, session_factory, translator, clock, engine, dispatcher,
        heartbeat=heartbeat, metrics=metrics,
    )  # fmt: skip
