"""Drive the engine like a person types in the console, and read back what the bot sent.

Dialogue tests read like the conversation::

    chat.say("anna: /start ARNHEM")   # -> list of texts the bot sent, in order
"""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.console import parse_line
from bot.engine.types import Incoming, OutboundMessage
from tests.support.transport import RecordingTransport


class Chat:
    def __init__(self, app: App, transport: RecordingTransport) -> None:
        self.app = app
        self.transport = transport

    def send(self, incoming: Incoming) -> list[OutboundMessage]:
        before = len(self.transport.sent)
        self.app.engine.handle(incoming)
        asyncio.run(self.app.dispatcher.dispatch_due())
        return self.transport.sent[before:]

    def messages(self, line: str) -> list[OutboundMessage]:
        incoming = parse_line(line)
        assert incoming is not None, f"not a console line: {line!r}"
        return self.send(incoming)

    def say(self, line: str) -> list[str]:
        return [message.text for message in self.messages(line)]

    def last_choices(self, line: str) -> list[str]:
        sent = self.messages(line)
        assert sent and sent[-1].choices, f"no buttons after {line!r}: {[m.text for m in sent]}"
        return [choice.label for choice in sent[-1].choices]

    def onboard(
        self,
        user: str,
        *,
        language: str = "English",
        postcode: str = "6825 AB",
        ages: tuple[str, ...] = ("1",),
        home: tuple[str, ...] = ("2",),
        buddy: str = "1",
    ) -> list[str]:
        """Walk a parent through onboarding with typed answers; return everything sent."""
        said = self.say(f"{user}: /start ARNHEM")
        for line in (language, "1", postcode, *ages, "Done", *home, "Done", buddy):
            said += self.say(f"{user}: {line}")
        return said
