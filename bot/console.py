"""The console transport: the bot in a terminal, for trying it out and for tests.

Input, one message a line:  ``NAME: TEXT`` (private message from NAME) or ``NAME@ROOM: TEXT``
(a message in group room ROOM; ``+NAME@ROOM: TEXT`` when NAME is an admin of that group).
Output: ``to NAME: TEXT`` or ``to @ROOM: TEXT``; more lines of
the same message are indented, and buttons follow as ``[1] Nederlands  [2] English``. Answer a
button with its number or its label (a typed answer), or press it: ``NAME: [2]`` presses button
2 of the last message with buttons in that chat, as a tap on a phone does. ``NAME joins @ROOM``
and ``NAME leaves @ROOM`` are a person joining or leaving a group room; ``/tick`` runs the
scheduler's jobs once, now, ``/tick 16:00`` after moving the clock on to 16:00
(bot/console_jobs.py). In a line, ``$CODE`` is the one-time code the bot showed last (a script
cannot know it beforehand). Other actions show what a platform would do,
for example ``to @tips: [pinned] #12`` or ``to @tips: [admitted] anna``; a room the bot makes
is named after its title (``@tips``). Lines starting with ``#`` and empty lines are skipped.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.app import App
from bot.console_jobs import move_to, parse_tick, run_jobs
from bot.engine.media import decode_data_url
from bot.engine.port import Capabilities, Delivery, MediaUnavailable
from bot.engine.threads import run_blocking
from bot.engine.types import EventKind, Incoming
from community.actions import (
    AdmitMember,
    Button,
    ClearButtons,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    InviteMember,
    Media,
    PinMessage,
    RemoveMember,
    SendMessage,
    Target,
)
from community.pictograms import shown

PLATFORM = "console"
_LINE = re.compile(
    r"^\s*(?P<admin>\+)?(?P<user>[^\s:@+]+)(?:@(?P<room>[^\s:@]+))?\s*:\s?(?P<text>.*)$"
)
_MEMBER = re.compile(r"^\s*(?P<user>[^\s:@+]+)\s+(?P<verb>joins|leaves)\s+@(?P<room>[^\s:@]+)\s*$")
_CODE = re.compile(r"^/start ([0-9A-Z]+)$")  # the message a one-time code comes in
_PRESS = re.compile(r"^\[\s*(?P<number>[0-9]+)\s*\]$")


@dataclass(frozen=True)
class Press:
    """``NAME: [N]``: a tap on button N of the chat's last message with buttons."""

    user: str
    chat_id: str
    number: int
    admin: bool | None = None


def parse_line(line: str) -> Incoming | None:
    """Turn one input line into an Incoming, or None when it is not of the form NAME: TEXT (or
    NAME joins @ROOM, NAME leaves @ROOM)."""
    parsed = parse(line)
    return parsed if isinstance(parsed, Incoming) else None


def parse(line: str) -> Incoming | Press | None:
    """One input line: a message or a membership change (Incoming), a press, or None."""
    line = line.rstrip("\r\n")
    member = _MEMBER.match(line)
    if member is not None:
        kind = EventKind.MEMBER_JOINED if member["verb"] == "joins" else EventKind.MEMBER_LEFT
        return Incoming(PLATFORM, member["user"], f"@{member['room']}", False, kind=kind)
    match = _LINE.match(line)
    if match is None:
        return None
    user, room, text = match["user"], match["room"], match["text"]
    chat_id = f"@{room}" if room else user
    # In a group the console knows who is its admin: the line says so.
    admin = bool(match["admin"]) if room else None
    press = _PRESS.match(text.strip())
    if press is not None:
        return Press(user, chat_id, int(press["number"]), admin)
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


def render(delivery: Delivery, made: str | None = None) -> str:
    """What a platform would show or do, as text; `made`: the id of a room it made."""
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
            if made is not None:
                lines[0] += f" {made}"
        case _:
            lines = [f"[{action.kind}]"]
    return f"to {delivery.chat_id}: {lines[0]}" + "".join(f"\n{line}" for line in lines[1:])


def save_voice(media: Media, folder: Path) -> Path | None:
    """A voice note the bot made (a data: URL) as a file in `folder`, named by its content, so
    that it can be played; the same note is written once."""
    if media.kind != "voice" or not media.ref.startswith("data:"):
        return None
    try:
        fetched = decode_data_url(media)
    except MediaUnavailable:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"voice-{hashlib.sha256(fetched.data).hexdigest()[:16]}.ogg"
    if not path.exists():
        path.write_bytes(fetched.data)
    return path


class ConsoleTransport:
    """Prints; a message's number is its outbox id, so an edit or pin can name it. Remembers
    each chat's last message with buttons (for ``NAME: [N]``) and names the rooms it makes
    after their titles. Voice notes are written as files to `voice_folder` (default: one in the
    temporary folder), and their path is printed:
    ``to anna: [voice /tmp/ouderkring-voice/voice-....ogg, 2.4 s]``."""

    platform = PLATFORM
    capabilities = Capabilities(buttons=False, edit=False)

    def __init__(self, output: TextIO, voice_folder: Path | None = None) -> None:
        self.output = output
        self.voice_folder = voice_folder or Path(tempfile.gettempdir()) / "ouderkring-voice"
        self.choices: dict[str, tuple[int, tuple[Button, ...]]] = {}
        self.rooms: set[str] = set()
        self.code: str | None = None  # the last one-time code shown, for ``$CODE`` in a script

    async def perform(self, delivery: Delivery) -> str | None:
        action = delivery.action
        media = action.media if isinstance(action, SendMessage) else None
        path = save_voice(media, self.voice_folder) if media is not None else None
        if media is not None and path is not None:
            seconds = f", {media.duration_ms / 1000:.1f} s" if media.duration_ms else ""
            print(f"to {delivery.chat_id}: [voice {path}{seconds}]", file=self.output, flush=True)
            return str(delivery.outbox_id)
        made = self._room_id(action.name) if isinstance(action, CreateRoom) else None
        print(render(delivery, made), file=self.output, flush=True)
        if made is not None:
            return made
        if isinstance(action, SendMessage) and action.buttons:
            self.choices[delivery.chat_id] = (delivery.outbox_id, action.buttons)
        if isinstance(action, SendMessage) and (code := _CODE.match(action.text)):
            self.code = code[1]
        return str(delivery.outbox_id)

    def _room_id(self, name: str) -> str:
        """``@tips`` for a room called "Tips"; a number after it when the name was used."""
        slug = re.sub(r"[^0-9a-z]+", "-", name.lower()).strip("-") or "room"
        room, n = f"@{slug}", 1
        while room in self.rooms:
            n += 1
            room = f"@{slug}-{n}"
        self.rooms.add(room)
        return room

    def press(self, press: Press) -> Incoming | None:
        """The button press ``NAME: [N]`` stands for, or None when there is no such button."""
        last = self.choices.get(press.chat_id)
        if last is None or not 1 <= press.number <= len(last[1]):
            return None
        outbox_id, buttons = last
        return Incoming(
            PLATFORM, press.user, press.chat_id, press.chat_id == press.user,
            kind=EventKind.BUTTON, choice=buttons[press.number - 1].data,
            ref=Target(outbox_id=outbox_id, remote_id=str(outbox_id)),
            sender_is_chat_admin=press.admin,
        )  # fmt: skip


async def run_console(
    app: App, source: TextIO, errors: TextIO = sys.stderr, transport: ConsoleTransport | None = None
) -> None:
    """Read lines until end of input, handling each and sending what it queued."""
    if source.isatty():
        print("Type NAME: TEXT (for example  anna: /start ARNHEM). Ctrl-D ends.", file=errors)
    console = transport or next(
        (t for t in app.dispatcher.transports.values() if isinstance(t, ConsoleTransport)), None
    )
    await app.dispatcher.dispatch_due()  # whatever a previous run left in the outbox
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, source.readline)
        if not line:
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.strip().split(" ")[0] == "/tick":
            await _tick(app, line, errors)
            continue
        if "$CODE" in line and console is not None and console.code is not None:
            line = line.replace("$CODE", console.code)
        parsed = parse(line)
        if isinstance(parsed, Press):
            parsed = console.press(parsed) if console is not None else None
            if parsed is None:
                print("(no such button on the last message with buttons)", file=errors)
                continue
        if parsed is None:
            print("(not understood: write NAME: TEXT, for example  anna: hello)", file=errors)
            continue
        await app.process(parsed)
        await app.dispatcher.dispatch_due()


async def _tick(app: App, line: str, errors: TextIO) -> None:
    """``/tick`` or ``/tick HH:MM``: the scheduler's jobs once (the clock moved on first)."""
    at = parse_tick(line)
    if isinstance(at, str):
        print(at, file=errors)
        return
    if at is not None:
        if not move_to(app, at):
            print("(this clock cannot be moved)", file=errors)
            return
        local = app.clock.now().astimezone(app.settings.prompts.zone)
        print(f"(the time is now {local:%A %H:%M})", file=errors)
    await run_blocking(run_jobs, app)
    await app.dispatcher.dispatch_due()
