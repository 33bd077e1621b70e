"""Telegram update -> platform-neutral `Incoming`. Pure translation: no I/O, no decisions.

Every update keeps its `update_id` as the event id (prefixed with the bot's id, as each bot
counts its own updates), so the engine, which stores handled event ids in the same transaction
as the handler's writes, handles a replayed update only once.
Media stay on Telegram: only the file id is kept, nothing is downloaded.
"""

from __future__ import annotations

from typing import Any

from telegram import (
    CallbackQuery,
    ChatJoinRequest,
    ChatMemberUpdated,
    Message,
    MessageReactionUpdated,
    ReactionTypeEmoji,
    Update,
    User,
)
from telegram.constants import ChatType

from bot.engine.types import EventKind, Incoming, Media, Quoted, Target, parse_command

PLATFORM = "telegram"
# The update types the adapter asks Telegram for (chat_member and message_reaction come only
# when asked for, and only to a bot that is admin of the group).
ALLOWED_UPDATES = (
    "message",
    "edited_message",
    "callback_query",
    "chat_join_request",
    "chat_member",
    "message_reaction",
)
_PRESENT = {"member", "administrator", "creator", "restricted"}


def to_incoming(
    update: Update, bot_username: str | None = None, bot_id: int | str | None = None
) -> Incoming | None:
    """The `Incoming` for one update, or None for what the bot does not handle (a message of
    another bot, a command addressed to another bot, a channel post, ...)."""
    event_id = event_id_of(update, bot_id)
    if update.callback_query is not None:
        return _button(update.callback_query, event_id)
    if update.chat_join_request is not None:
        return _join_request(update.chat_join_request, event_id)
    if update.chat_member is not None:
        return _membership(update.chat_member, event_id)
    if update.message_reaction is not None:
        return _reaction(update.message_reaction, event_id)
    if update.message is not None:
        return _message(update.message, event_id, bot_username, EventKind.MESSAGE)
    if update.edited_message is not None:
        return _message(update.edited_message, event_id, bot_username, EventKind.EDIT)
    return None


def event_id_of(update: Update, bot_id: int | str | None = None) -> str:
    """`<bot id>:<update id>`: another bot on the same database counts from 1 again."""
    return f"{bot_id}:{update.update_id}" if bot_id is not None else str(update.update_id)


def _language(user: User | None) -> str | None:
    return user.language_code if user is not None else None


def _name(user: User | None) -> str | None:
    return user.full_name if user is not None else None


def _is_private(chat_type: str) -> bool:
    return chat_type == ChatType.PRIVATE


def media_of(message: Message) -> tuple[Media, ...]:
    """The photo, voice note, video, audio or document of a message, by Telegram file id."""
    caption = message.caption
    if message.photo:
        biggest = max(message.photo, key=lambda size: size.width * size.height)
        return (
            Media("photo", biggest.file_id, caption, "image/jpeg", biggest.file_size, PLATFORM),
        )
    for kind in ("voice", "video", "video_note", "audio", "document", "animation", "sticker"):
        item = getattr(message, kind, None)
        if item is not None:
            mime = getattr(item, "mime_type", None)
            name = "video" if kind == "video_note" else kind
            return (Media(name, item.file_id, caption, mime, item.file_size, PLATFORM),)
    return ()


def _message(
    message: Message, event_id: str, bot_username: str | None, kind: EventKind
) -> Incoming | None:
    user = message.from_user
    if message.migrate_to_chat_id is not None:
        # The group became a supergroup with a new chat id; this is the old chat's last word.
        who = str(user.id) if user is not None else ""
        return Incoming(
            PLATFORM,
            who,
            str(message.chat.id),
            False,
            kind=EventKind.ROOM_MOVED,
            moved_to=str(message.migrate_to_chat_id),
            event_id=event_id,
        )
    if user is None or user.is_bot or message.chat.type == ChatType.CHANNEL:
        return None
    text = message.text or message.caption or ""
    media = media_of(message)
    if kind is EventKind.MESSAGE and not text and not media:
        # Service messages (members joining, pins, title changes) come as chat_member updates
        # or not at all; nothing to handle.
        return None
    common: dict[str, Any] = {
        "kind": kind,
        "media": media,
        "language_hint": _language(user),
        "event_id": event_id,
        "sender_name": _name(user),
        "message_id": str(message.message_id),
    }
    user_id, chat_id = str(user.id), str(message.chat.id)
    private = _is_private(message.chat.type)
    if kind is EventKind.EDIT:
        common["ref"] = Target(remote_id=str(message.message_id))
    elif message.reply_to_message is not None and not private:
        # A reply in a group names the message it answers (a coordinator's /delete, /report).
        replied = message.reply_to_message
        common["ref"] = Target(remote_id=str(replied.message_id))
        author = replied.from_user
        common["quoted"] = Quoted(
            str(author.id) if author is not None and not author.is_bot else None,
            _name(author),
            replied.text or replied.caption or "",
        )
    if message.text and _addressed_elsewhere(message.text, bot_username):
        return None
    if message.text:
        return Incoming.from_text("telegram", user_id, chat_id, private, text, **common)
    return Incoming("telegram", user_id, chat_id, private, text=text, **common)


def _addressed_elsewhere(text: str, bot_username: str | None) -> bool:
    """`/start@OtherBot` in a group is for another bot."""
    command, _ = parse_command(text)
    if command is None or bot_username is None:
        return False
    head = text.strip().split()[0]
    if "@" not in head:
        return False
    return head.split("@", 1)[1].lower() != bot_username.lower()


def _button(query: CallbackQuery, event_id: str) -> Incoming | None:
    message = query.message
    if message is None or query.data is None:
        return None  # an inline-mode button or a game: not ours
    return Incoming(
        PLATFORM,
        str(query.from_user.id),
        str(message.chat.id),
        _is_private(message.chat.type),
        kind=EventKind.BUTTON,
        choice=query.data,
        ref=Target(remote_id=str(message.message_id)),
        language_hint=_language(query.from_user),
        event_id=event_id,
        sender_name=_name(query.from_user),
    )


def _join_request(request: ChatJoinRequest, event_id: str) -> Incoming:
    return Incoming(
        PLATFORM,
        str(request.from_user.id),
        str(request.chat.id),
        False,
        kind=EventKind.JOIN_REQUEST,
        language_hint=_language(request.from_user),
        event_id=event_id,
        sender_name=_name(request.from_user),
    )


def _membership(change: ChatMemberUpdated, event_id: str) -> Incoming | None:
    was = change.old_chat_member.status in _PRESENT
    now = change.new_chat_member.status in _PRESENT
    if was == now or change.chat.type == ChatType.PRIVATE:
        return None  # a promotion, a restriction: not a join or a leave
    user = change.new_chat_member.user
    return Incoming(
        PLATFORM,
        str(user.id),
        str(change.chat.id),
        False,
        kind=EventKind.MEMBER_JOINED if now else EventKind.MEMBER_LEFT,
        language_hint=_language(user),
        event_id=event_id,
        sender_name=_name(user),
    )


def _reaction(change: MessageReactionUpdated, event_id: str) -> Incoming | None:
    user = change.user
    emojis = [r.emoji for r in change.new_reaction if isinstance(r, ReactionTypeEmoji)]
    if user is None or not emojis:
        return None  # anonymous (a channel), or a reaction taken away
    return Incoming(
        PLATFORM,
        str(user.id),
        str(change.chat.id),
        _is_private(change.chat.type),
        kind=EventKind.REACTION,
        reaction=emojis[-1],
        ref=Target(remote_id=str(change.message_id)),
        language_hint=_language(user),
        event_id=event_id,
    )
