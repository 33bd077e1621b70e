"""The console transport: the bot in a terminal, for trying it out and for tests.

Input, one message a line:  ``NAME: TEXT`` (private message from NAME) or ``NAME@ROOM: TEXT``
(a message in group room ROOM). Output: ``to NAME: TEXT`` or ``to @ROOM: TEXT``; more lines of
the same message are indented, and buttons follow as ``[1] Nederlands  [2] English``. Answer a
button with its number or its label. Lines starting with ``#`` and empty lines are skipped.
"""

from __future__ import annotations

import asyncio
import re
import sys
from typing import TextIO

from bot.app import App
from bot.engine.types import Incoming, OutboundMessage

PLATFORM = "console"
_LINE = re.compile(r"^\s*(?P<user>[^\s:@]+)(?:@(?P<room>[^\s:@]+))?\s*:\s?(?P<text>.*)$")


def parse_line(line: str) -> Incoming | None:
    """Turn one input line into an Incoming, or None when it is not of the form NAME: TEXT."""
    match = _LINE.match(line.rstrip("\r\n"))
    if match is None:
        return None
    user, room, text = match["user"], match["room"], match["text"]
    chat_id = f"@{room}" if room else user
    return Incoming.from_text(PLATFORM, user, chat_id, room is None, text)


def render(message: OutboundMessage) -> str:
    first, *rest = message.text.split("\n") or [""]
    lines = [f"to {message.chat_id}: {first}", *(f"    {line}" for line in rest)]
    if message.choices:
        lines.append(
            "    " + "  ".join(f"[{i}] {c.label}" for i, c in enumerate(message.choices, 1))
        )
    return "\n".join(lines)


class ConsoleTransport:
    platform = PLATFORM

    def __init__(self, output: TextIO) -> None:
        self.output = output

    async def send(self, message: OutboundMessage) -> str | None:
        print(render(message), file=self.output, flush=True)
        return None


async def run_console(app: App, source: TextIO, errors: TextIO = sys.stderr) -> None:
    """Read lines until end of input, handling each and sending what it queued."""
    if source.isatty():
        print("Type NAME: TEXT (for example  anna: /start ARNHEM). Ctrl-D ends.", file=errors)
    await app.dispatcher.dispatch_due()  # whatever a previous run left in the outbox
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, source.readline)
        if not line:
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        incoming = parse_line(line)
        if incoming is None:
            print("(not understood: write NAME: TEXT, for example  anna: hello)", file=errors)
            continue
        app.engine.handle(incoming)
        await app.dispatcher.dispatch_due()
