"""Sends what the outbox holds through the transports, marking each row sent only after the
platform confirmed it. Safe to run again at any time: a restart simply resumes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from sqlalchemy.orm import Session, sessionmaker

from bot.engine.port import SendError, Transport
from bot.engine.types import OutboundMessage
from community.clock import Clock
from community.services import outbox

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        transports: Iterable[Transport],
        clock: Clock,
        max_attempts: int = 8,
        batch: int = 50,
    ) -> None:
        self.session_factory = session_factory
        self.transports = {t.platform: t for t in transports}
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch = batch

    def _db(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.session_factory() as session:
            return fn(session, *args, **kwargs)

    async def dispatch_due(self) -> int:
        """Send every message that is due now; return how many were confirmed."""
        sent = 0
        while True:
            claimed = self._db(outbox.claim_due, list(self.transports), self.clock, self.batch)
            if not claimed:
                return sent
            failed_chats: set[tuple[str, str]] = set()
            for row in claimed:
                chat = (row.platform, row.chat_id)
                if chat in failed_chats:  # keep a chat's messages in order
                    self._db(outbox.release, row.id)
                    continue
                message = OutboundMessage.from_payload(
                    row.id, row.platform, row.chat_id, row.payload
                )
                try:
                    remote_id = await self.transports[row.platform].send(message)
                except SendError as exc:
                    failed_chats.add(chat)
                    status = self._db(
                        outbox.mark_failed,
                        row.id,
                        str(exc),
                        self.clock,
                        self.max_attempts,
                        exc.retry_after,
                        exc.permanent,
                    )
                    log.warning("send of outbox row %s failed (%s): now %s", row.id, exc, status)
                    continue
                except Exception as exc:  # a bug in a transport must not stop the others
                    failed_chats.add(chat)
                    self._db(
                        outbox.mark_failed,
                        row.id,
                        type(exc).__name__,
                        self.clock,
                        self.max_attempts,
                    )
                    log.exception("transport error on outbox row %s", row.id)
                    continue
                self._db(outbox.mark_sent, row.id, remote_id, self.clock)
                sent += 1
            if failed_chats and len(claimed) < self.batch:
                return sent

    def prune(self, retention_days: int) -> int:
        """Forget delivered messages older than the retention period."""
        return int(self._db(outbox.prune_sent, self.clock, retention_days))

    async def run(self, interval: float = 1.0, stop: asyncio.Event | None = None) -> None:
        """Keep sending until `stop` is set; picks up retries when they fall due."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            await self.dispatch_due()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
