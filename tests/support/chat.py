"""Drive the engine like a person types in the console, and read back what the bot sent.

Dialogue tests read like the conversation::

    chat.say("anna: /start ARNHEM")   # -> list of texts the bot sent, in order
    chat.press("anna", message, "Yes, stop")   # a real button press on an earlier message
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from bot.app import App
from bot.console import parse_line
from bot.engine.port import Delivery
from bot.engine.types import Incoming
from community.actions import Button, SendMessage, Target
from community.services import outbox, people
from community.services.outbox import Outgoing
from tests.support.transport import RecordingTransport


@dataclass(frozen=True)
class Sent:
    """A message the bot sent, as a test reads it."""

    delivery: Delivery

    @property
    def chat_id(self) -> str:
        return self.delivery.chat_id

    @property
    def action(self) -> SendMessage:
        assert isinstance(self.delivery.action, SendMessage)
        return self.delivery.action

    @property
    def text(self) -> str:
        return self.action.text

    @property
    def choices(self) -> tuple[Button, ...]:
        return self.action.buttons

    @property
    def remote_id(self) -> str:
        return f"remote-{self.delivery.outbox_id}"


class Chat:
    def __init__(self, app: App, transport: RecordingTransport) -> None:
        self.app = app
        self.transport = transport
        # One event loop for the whole conversation, as the bot has: what is bound to its loop
        # (the PostgreSQL connection of the "sent" marks) lives from one event to the next,
        # instead of being made again for every event on a new loop.
        # Closed when the Chat is collected, maybe while a test's own loop runs: a plain loop's
        # close() needs no loop to run (asyncio.Runner's does).
        self._loop = asyncio.new_event_loop()
        weakref.finalize(self, self._loop.close)

    def _run(self, work: Coroutine[Any, Any, None]) -> None:
        self._loop.run_until_complete(work)

    def run(self, incoming: Incoming) -> list[Delivery]:
        """Handle one event and send what it queued; every action carried out."""
        before = len(self.transport.done)

        async def go() -> None:
            await self.app.process(incoming)
            await self.app.dispatcher.dispatch_due()

        self._run(go())
        return self.transport.done[before:]

    def deliver(self, user: str, action: SendMessage) -> Sent:
        """Queue `action` for the stored person `user` through the outbox, as a service does
        (which signs its action buttons for them), and send it."""
        with self.app.session_factory.begin() as session:
            person = people.find(session, "console", user)
            assert person is not None, f"{user} is not stored"
            chat_id = person.private_chat_id or user
            item = Outgoing("console", chat_id, action, person.id)
            outbox.enqueue_all(session, [item], self.app.clock)
        before = len(self.transport.done)
        self._run(self.app.dispatcher.dispatch_due())
        sent = [Sent(d) for d in self.transport.done[before:] if isinstance(d.action, SendMessage)]
        return sent[-1]

    def flush(self) -> list[Sent]:
        """Send what waits in the outbox (a job queued it, not a message), as the sender does
        between events; the messages sent."""
        before = len(self.transport.done)
        self._run(self.app.dispatcher.dispatch_due())
        return [Sent(d) for d in self.transport.done[before:] if isinstance(d.action, SendMessage)]

    def send(self, incoming: Incoming) -> list[Sent]:
        return [Sent(d) for d in self.run(incoming) if isinstance(d.action, SendMessage)]

    def messages(self, line: str) -> list[Sent]:
        incoming = parse_line(line)
        assert incoming is not None, f"not a console line: {line!r}"
        return self.send(incoming)

    def say(self, line: str) -> list[str]:
        return [message.text for message in self.messages(line)]

    def last_choices(self, line: str) -> list[str]:
        sent = self.messages(line)
        assert sent and sent[-1].choices, f"no buttons after {line!r}: {[m.text for m in sent]}"
        return [choice.label for choice in sent[-1].choices]

    def press(self, user: str, message: Sent, label: str) -> list[Sent]:
        """Press the button labelled `label` on an earlier message, as a platform with real
        buttons sends it: the button's data and a reference to the message."""
        self.last_press = self.press_all(user, message, label)
        return [Sent(d) for d in self.last_press if isinstance(d.action, SendMessage)]

    def press_all(self, user: str, message: Sent, label: str) -> list[Delivery]:
        """Like `press`, but returns every action (edits, removed buttons too)."""
        data = next(b.data for b in message.choices if b.label == label)
        ref = Target(outbox_id=message.delivery.outbox_id, remote_id=message.remote_id)
        return self.run(Incoming.button("console", user, message.chat_id, data, ref=ref))

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
