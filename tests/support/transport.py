"""A transport that records what it is asked to send, and can be told to fail."""

from __future__ import annotations

from bot.engine.port import SendError
from bot.engine.types import OutboundMessage


class RecordingTransport:
    def __init__(self, platform: str = "console") -> None:
        self.platform = platform
        self.sent: list[OutboundMessage] = []
        self.fail_next: list[SendError] = []

    async def send(self, message: OutboundMessage) -> str | None:
        if self.fail_next:
            raise self.fail_next.pop(0)
        self.sent.append(message)
        return f"remote-{message.outbox_id}"
