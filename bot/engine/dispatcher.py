"""Delivers what the outbox holds through the transports, marking each row sent only after the
platform confirmed it. Safe to run again at any time, and in several processes at once: a
restart simply resumes, and claims keep two senders off the same chat.

Database work runs in worker threads, so the event loop that the adapters share never waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.engine.port import Delivery, SendError, Transport
from bot.engine.threads import run_blocking
from bot.voice.notes import voice_message
from community.actions import ClearButtons, Voice, action_from_row
from community.clock import Clock
from community.services import outbox
from community.services.async_marks import AsyncMarks
from community.services.outbox import Claimed
from community.services.outbox.sqlite_marks import SqliteMarks

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
T = TypeVar("T")
MARK_EVERY = 20  # deliveries between two "sent" updates in a long batch: bounds a resend


class Dispatcher:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        transports: Iterable[Transport],
        clock: Clock,
        max_attempts: int = 8,
        batch: int = 50,
        marks: AsyncMarks | SqliteMarks | None = None,
        owner: str | None = None,
        metrics: Metrics | None = None,
        *,
        after_sent: outbox.AfterSent,
    ) -> None:
        self.session_factory = session_factory
        self.transports = {t.platform: t for t in transports}
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch = batch
        # "Sent" marks: from the event loop on PostgreSQL, without waiting for the disk on SQLite.
        self.marks = marks
        self.token = outbox.new_token()  # this sender's claims
        self.owner = owner  # the process holding them (its heartbeat's id)
        self.metrics = metrics
        self.after_sent = after_sent  # what follows in the database once a row of a kind went

    def _mark_every(self, platform: str) -> int:
        """Deliveries between two "sent" marks: a batch where a repeated send is harmless, else
        each at once (port.Capabilities.idempotent)."""
        transport = self.transports.get(platform)
        return MARK_EVERY if transport is not None and transport.capabilities.idempotent else 1

    def _count(self, platform: str, result: str) -> None:
        if self.metrics is not None:
            self.metrics.sent(platform, result)

    def _db_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.session_factory() as session:
            return fn(session, *args, **kwargs)

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await run_blocking(self._db_sync, fn, *args, **kwargs)

    async def deliver(self, claimed: Sequence[Claimed]) -> int:
        """Carry out claimed rows in order. A failure in a chat holds back that chat's later
        rows (given back untouched); the others go on. Returns how many were confirmed."""
        done: list[tuple[Claimed, str | None]] = []
        remote: dict[int, str | None] = {}
        failed: set[tuple[str, str]] = set()
        held: list[Claimed] = []
        confirmed = 0
        renew_at = self.clock.now() + timedelta(seconds=outbox.CLAIM_SECONDS / 2)
        targets = await self._targets(claimed)
        for index, row in enumerate(claimed):
            chat = (row.platform, row.chat_id)
            if chat in failed:
                held.append(row)
                continue
            if self.clock.now() >= renew_at:  # a long batch: keep holding what is left
                await self._db(
                    outbox.extend_claims, [c.id for c in claimed[index:]], row.token, self.clock
                )
                renew_at = self.clock.now() + timedelta(seconds=outbox.CLAIM_SECONDS / 2)
            try:
                result = await self._perform(row, targets, remote)
            except SendError as exc:
                failed.add(chat)
                self._count(row.platform, "retry" if exc.retry_after is not None else "failed")
                status = await self._db(
                    outbox.mark_failed, row, str(exc), self.clock, self.max_attempts,
                    exc.retry_after, exc.permanent, exc.unreachable,
                )  # fmt: skip
                log.warning("outbox row %s failed (%s): now %s", row.id, exc, status)
                continue
            except Exception as exc:  # a bug in a transport must not stop the others
                failed.add(chat)
                self._count(row.platform, "error")
                await self._db(
                    outbox.mark_failed, row, type(exc).__name__, self.clock, self.max_attempts
                )
                log.exception("transport error on outbox row %s", row.id)
                continue
            remote[row.id] = result
            self._count(row.platform, "sent")
            done.append((row, result))
            if len(done) >= self._mark_every(row.platform):
                await self._mark_sent(done)
                confirmed, done = confirmed + len(done), []
        await self._mark_sent(done)
        if held:
            await self._db(outbox.release, held)
        return confirmed + len(done)

    async def _mark_sent(self, done: Sequence[tuple[Claimed, str | None]]) -> None:
        if not done:
            return
        if self.marks is None or not await self.marks.mark(done, self.clock):
            await self._db(outbox.mark_sent, done, self.clock, self.after_sent)

    async def _targets(self, claimed: Sequence[Claimed]) -> dict[int, str]:
        """Platform ids of the earlier messages that edits and pins act on."""
        wanted = {
            int(target["outbox_id"])
            for row in claimed
            if (target := row.payload.get("target"))
            and target.get("outbox_id") is not None
            and target.get("remote_id") is None  # known when it was queued: no lookup
        }
        return await self._db(outbox.remote_ids, wanted) if wanted else {}

    async def _perform(
        self, row: Claimed, targets: dict[int, str], remote: dict[int, str | None]
    ) -> str | None:
        transport = self.transports.get(row.platform)
        if transport is None:
            raise SendError(f"no transport for {row.platform}", retry_after=60)
        action = action_from_row(row.kind, row.payload)
        if isinstance(action, ClearButtons) and not transport.capabilities.edit:
            # A platform that cannot edit keeps the old buttons: the engine answers a press on
            # a closed question (bot/engine/replies.py).
            return None
        if isinstance(action, Voice):
            action = await voice_message(action)
        target = action.target
        target_remote = None
        if target is not None:
            target_remote = target.remote_id
            if target.outbox_id is not None:
                known = remote.get(target.outbox_id) or targets.get(target.outbox_id)
                target_remote = known or target.remote_id
            if target_remote is None:
                raise SendError("the message it acts on was never sent", permanent=True)
        delivery = Delivery(row.id, row.platform, row.chat_id, action, target_remote)
        return await transport.perform(delivery)

    async def dispatch_due(self) -> int:
        """Send everything that is due now; return how many were confirmed."""
        sent = 0
        platforms = list(self.transports)
        while True:
            claimed = await self._db(
                outbox.claim_due, platforms, self.clock, self.token, self.batch, self.owner
            )
            if not claimed:
                return sent
            sent += await self.deliver(claimed)

    async def run(self, interval: float = 1.0, stop: asyncio.Event | None = None) -> None:
        """Keep sending until `stop` is set; picks up retries when they fall due."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self.dispatch_due()
            except Exception:  # the database may be away for a moment: try again later
                log.exception("outbox round failed")
            else:
                if self.metrics is not None:
                    self.metrics.sender_went_round()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
