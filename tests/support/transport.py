"""A transport that records what it is asked to do, and can be told to fail."""

from __future__ import annotations

from bot.engine.port import Capabilities, Delivery, SendError
from community.actions import SendMessage


class RecordingTransport:
    def __init__(self, platform: str = "console", capabilities: Capabilities | None = None) -> None:
        self.platform = platform
        self.capabilities = capabilities or Capabilities()
        self.done: list[Delivery] = []  # every action carried out, in order
        self.fail_next: list[SendError] = []

    @property
    def sent(self) -> list[Delivery]:
        """The messages sent (not edits, pins and other actions)."""
        return [d for d in self.done if isinstance(d.action, SendMessage)]

    async def perform(self, delivery: Delivery) -> str | None:
        if self.fail_next:
            raise self.fail_next.pop(0)
        self.done.append(delivery)
        return f"remote-{delivery.outbox_id}"
