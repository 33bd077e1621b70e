"""The console transport: the bot in a terminal, for trying it out and for tests.

Input, one message a line:  ``NAME: TEXT`` (private message from NAME) or ``NAME@ROOM: TEXT``
(a message in group room ROOM; ``+NAME@ROOM: TEXT`` when NAME is an admin of that group).
Output: ``to NAME: TEXT`` or ``to @ROOM: TEXT``; more lines of
the same message are indented, and buttons follow as ``[1] Nederlands  [2] English``. Answer a
button with its number or its label. Other actions show what a platform would do, for example
``to @tips: [pinned] #12`` or ``to @tips: [admitted] anna``. Lines starting with ``#`` and empty
lines are skipped.
"""

from __future__ import annotations

import asyncio
import re
import sys
from typing import TextIO

from bot.app import App
from bot.engine.media import decode_data_url
from bot.engine.port import Capabilities, Delivery, MediaUnavailable
from bot.engine.types import Incoming
from community.actions import (
    AdmitMember,
    ClearButtons,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    InviteMember,
    Media,
    PinMessage,
    RemoveMember,
    SendMessage,
)
from community.pictograms import shown

PLATFORM = "console"
_LINE = re.compile(
    r"^\s*(?P<admin>\+)?(?P<user>[^\s:@+]+)(?:@(?P<room>[^\s:@]+))?\s*:\s?(?P<text>.*)$"
)


def parse_line(line: str) -> Incoming | None:
    """Turn one input line into an Incoming, or None when it is not of the form NAME: TEXT."""
    match = _LINE.match(line.rstrip("\r\n"))
    if match is None:
        return None
    user, room, text = match["user"], match["room"], match["text"]
    chat_id = f"@{room}" if room else user
    # In a group the console knows who is its admin: the line says so.
    admin = bool(match["admin"]) if room else None
    return Incoming.from_text(
        PLATFORM, user, chat_id, room is None, text, sender_is_chat_admin=admin
    )


def _message(text: str, buttons: tuple[str, ...]) -> list[str]:
    first, *rest = text.split("\n") or [""]
    lines = [first, *(f"    {line}" for line in rest)]
    if buttons:
        lines.append("    " + "  ".join(f"[{i}] {label}" for i, label in enumerate(buttons, 1)))
    return lines


def _media_label(media: Media) -> str:
    """The kind, and for a named file the bot made (a data: URL) its name and size."""
    header = media.ref.partition(",")[0]
    if not media.ref.startswith("data:") or ";name=" not in header:
        return media.kind
    try:
        fetched = decode_data_url(media)
    except MediaUnavailable:
        return media.kind
    return f"{media.kind} {fetched.filename}, {len(fetched.data)} bytes"


def render(delivery: Delivery) -> str:
    """What a platform would show or do, as text."""
    action, ref = delivery.action, f"#{delivery.target_remote_id}"
    match action:
        case SendMessage():
            lines = _message(action.text, tuple(shown(b) for b in action.buttons))
            if action.media is not None:
                lines[0] = f"[{_media_label(action.media)}] {lines[0]}".rstrip()
        case EditMessage():
            lines = _message(
                f"[edited {ref}] {action.text}", tuple(shown(b) for b in action.buttons)
            )
        case ClearButtons():
            lines = [f"[buttons removed from {ref}]"]
        case PinMessage():
            lines = [f"[pinned] {ref}"]
        case DeleteMessage():
            lines = [f"[deleted] {ref}"]
        case AdmitMember():
            lines = [f"[{'admitted' if action.approve else 'refused'}] {action.user_id}"]
        case InviteMember():
            lines = [f"[invited] {action.user_id}"]
        case RemoveMember():
            lines = [f"[removed] {action.user_id}"]
        case CreateRoom():
            lines = [f"[created {'space' if action.space else 'room'}] {action.name}"]
        case _:
            lines = [f"[{action.kind}]"]
    return f"to {delivery.chat_id}: {lines[0]}" + "".join(f"\n{line}" for line in lines[1:])


class ConsoleTransport:
    """Prints; a message's number is its outbox id, so an edit or pin can name it."""

    platform = PLATFORM
    capabilities = Capabilities(buttons=False, edit=False)

    def __init__(self, output: TextIO) -> None:
        self.output = output

    async def perform(self, delivery: Delivery) -> str | None:
        print(render(delivery), file=self.output, flush=True)
        if isinstance(delivery.action, CreateRoom):
            return f"@room{delivery.outbox_id}"
        return str(delivery.outbox_id)


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
        await app.process(incoming)
        await app.dispatcher.dispatch_due()
