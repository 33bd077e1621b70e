"""Platform-neutral events: what an adapter hands the engine.

An adapter turns a platform event into an `Incoming`; the engine answers with actions
(`community.actions`) queued in the outbox, already in each recipient's language. Nothing here
knows a platform.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from community.actions import Button, Media, Target

__all__ = ["Button", "EventKind", "Incoming", "Media", "Quoted", "Target", "parse_command"]


class EventKind(enum.StrEnum):
    MESSAGE = "message"  # text, a command, or media
    BUTTON = "button"  # a button press; `choice` holds the button's data
    REACTION = "reaction"  # an emoji on an earlier message; `reaction` holds it
    JOIN_REQUEST = "join_request"  # someone asks to join a group room
    MEMBER_JOINED = "member_joined"
    MEMBER_LEFT = "member_left"
    EDIT = "edit"  # an earlier message of the user was changed; `text` is the new text
    DELETION = "deletion"  # an earlier message of the user was deleted
    # The group room lives on under a new id (a Telegram group that became a supergroup, an
    # upgraded Matrix room); `moved_to` holds the new id.
    ROOM_MOVED = "room_moved"


@dataclass(frozen=True)
class Quoted:
    """The message a reply in a group room answers, as the platform hands it along (Telegram
    always, a Matrix client in its reply fallback): its author and text, for /report. Never
    stored as such."""

    user_id: str | None  # None: the bot's own message, or not known
    name: str | None
    text: str


@dataclass(frozen=True)
class Incoming:
    platform: str
    user_id: str
    chat_id: str
    is_private: bool
    text: str = ""
    command: str | None = None  # without the slash, lower case
    args: tuple[str, ...] = ()
    kind: EventKind = EventKind.MESSAGE
    choice: str | None = None  # the data of a pressed button
    reaction: str | None = None  # the emoji of a reaction
    ref: Target | None = None  # the earlier message this event acts on
    media: tuple[Media, ...] = ()
    language_hint: str | None = None  # the platform's guess, never taken as the parent's choice
    event_id: str | None = None  # for deduplication of replayed platform updates
    sender_name: str | None = None  # a display name for relaying; never stored
    moved_to: str | None = None  # ROOM_MOVED: the room's new chat id
    # The platform's id of this message (a Telegram message id, a Matrix event id), so that a
    # relayed copy can follow it when it is edited or deleted. For an edit: see `ref`.
    message_id: str | None = None
    # For a command typed in a group: is the sender an administrator of that group on the
    # platform (Telegram getChatMember, Matrix power level)? None: the adapter did not ask.
    sender_is_chat_admin: bool | None = None
    quoted: Quoted | None = None  # a reply in a group: the message it answers

    @classmethod
    def from_text(
        cls, platform: str, user_id: str, chat_id: str, is_private: bool, text: str, **extra: Any
    ) -> Incoming:
        """Split a typed line into a command with arguments, or keep it as free text."""
        command, args = parse_command(text)
        return cls(
            platform, user_id, chat_id, is_private, text=text, command=command, args=args, **extra
        )

    @classmethod
    def button(cls, platform: str, user_id: str, chat_id: str, data: str, **extra: Any) -> Incoming:
        return cls(platform, user_id, chat_id, True, kind=EventKind.BUTTON, choice=data, **extra)


def parse_command(text: str) -> tuple[str | None, tuple[str, ...]]:
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2:
        return None, ()
    head, *args = stripped[1:].split()
    # "/start@OuderkringBot" in Telegram groups names the bot after the command.
    name = head.split("@", 1)[0].lower()
    if not name.isascii() or not name.replace("_", "").isalnum():
        return None, ()
    return name, tuple(args)
