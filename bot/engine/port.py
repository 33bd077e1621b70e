"""The port every chat platform implements. The console implements it now; Telegram and Matrix
implement the same verbs, so handlers never change when a platform is added."""

from __future__ import annotations

from typing import Protocol

from bot.engine.types import OutboundMessage


class SendError(Exception):
    """A send that failed. `retry_after` (seconds) is set when the platform asked us to wait."""

    def __init__(self, reason: str, retry_after: float | None = None, permanent: bool = False):
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent


class Transport(Protocol):
    """A chat platform as the engine sees it."""

    platform: str

    async def send(self, message: OutboundMessage) -> str | None:
        """Deliver one message; return the platform's id for it. Raise SendError on failure.

        `message.outbox_id` is unique per message: platforms with idempotent sends (Matrix
        transaction ids) use it so that a resend after a crash does not post twice."""
        ...
