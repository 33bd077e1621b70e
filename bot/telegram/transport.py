"""`Delivery` -> Bot API call: the Telegram side of the engine's port.

Each action becomes one Bot API call (a long text two or more). Telegram's answers are turned
into what the outbox understands:

- `429 retry_after` -> `SendError(retry_after=...)`: the row is sent later, not lost;
- `403` (the person blocked the bot, deleted their account, never started it) ->
  `SendError(unreachable=True)`: the person is marked unreachable, not retried;
- "message is not modified" (the edit is already there) and "message to delete not found"
  -> done; "message to edit not found" / "can't be edited" -> permanent failure;
- a network error or timeout -> retried later. Telegram has no idempotency key: a timeout
  after Telegram accepted a message can send it twice (see README).

Media from another platform (or a `data:` URL) is fetched there and uploaded as a file; the
file id Telegram gives the upload is cached, so the next parent gets it without a new upload.
Media that is gone or too big: the text goes without it (see `bot.engine.media`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import MessageLimit
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.engine.media import MediaSources, UploadCache, is_foreign
from bot.engine.port import Delivery, MediaUnavailable, SendError
from bot.kit.dispatch import dispatch
from bot.kit.media import sources, text_without_file
from bot.telegram import CAPABILITIES
from bot.telegram.limiter import retry_after_seconds
from bot.telegram.media import TelegramMediaSource
from community.actions import (
    AdmitMember,
    Button,
    ClearButtons,
    DeleteMessage,
    EditMessage,
    InviteMember,
    Media,
    PinMessage,
    RemoveMember,
    SendMessage,
)
from community.pictograms import shown

log = logging.getLogger(__name__)

PLATFORM = "telegram"
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH  # 1024
SHORT_LABEL = 14  # buttons with labels this short go two on a row
_MEDIA_METHODS = {
    "photo": "send_photo",
    "voice": "send_voice",
    "video": "send_video",
    "audio": "send_audio",
    "document": "send_document",
    "animation": "send_animation",
    "sticker": "send_sticker",
}
_DONE_MARKERS = ("message is not modified", "message to delete not found")
_GONE_MARKERS = ("message to edit not found", "message can't be edited")
_USER_GONE = (
    "chat not found",
    "user not found",
    "peer_id_invalid",
    "user is deactivated",
)


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """Inline keyboard for the buttons: one a row, or two a row when all labels are short."""
    if not buttons:
        return None
    per_row = 2 if len(buttons) > 2 and all(len(b.label) <= SHORT_LABEL for b in buttons) else 1
    items = [InlineKeyboardButton(shown(b), callback_data=b.data) for b in buttons]
    return InlineKeyboardMarkup([items[i : i + per_row] for i in range(0, len(items), per_row)])


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut a long text into parts Telegram accepts, at line breaks where possible."""
    text = text if text.strip() else "\u2026"
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    parts.append(text)
    return parts


def chat_ref(chat_id: str) -> int | str:
    """Telegram chat ids are integers; `@channelname` stays a string."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


class TelegramTransport:
    """Carries out actions with a python-telegram-bot `Bot` (an `ExtBot` with a rate limiter)."""

    platform = PLATFORM
    capabilities = CAPABILITIES

    def __init__(self, bot: Bot, media_sources: MediaSources | None = None) -> None:
        self.bot = bot
        self.media_source = TelegramMediaSource(bot)
        self.media_sources = sources(PLATFORM, self.media_source, media_sources)
        # foreign file -> Telegram's file id of the uploaded copy, and the kind it went as
        self.uploads: UploadCache[tuple[str, str]] = UploadCache()

    async def perform(self, delivery: Delivery) -> str | None:
        action = delivery.action
        try:
            return await self._perform(delivery)
        except RetryAfter as exc:
            raise SendError("telegram 429", retry_after=retry_after_seconds(exc)) from None
        except Forbidden as exc:
            private = not str(delivery.chat_id).startswith("-") or isinstance(action, InviteMember)
            reason = f"telegram 403: {exc.message}"
            raise SendError(reason, unreachable=private, permanent=True) from None
        except ChatMigrated as exc:
            # A group became a supergroup with a new id; the room must be linked again.
            raise SendError(f"chat migrated to {exc.new_chat_id}", permanent=True) from None
        except BadRequest as exc:
            message = exc.message.lower()
            if any(marker in message for marker in _DONE_MARKERS):
                return delivery.target_remote_id  # already as wanted
            if isinstance(action, ClearButtons) and any(m in message for m in _GONE_MARKERS):
                return None  # a closed question's message is gone: no buttons left to take off
            if isinstance(action, AdmitMember) and (
                "hide_requester_missing" in message or "user_already_participant" in message
            ):
                return None  # the request was answered already (or withdrawn)
            private = not str(delivery.chat_id).startswith("-")
            gone = private and any(marker in message for marker in _USER_GONE)
            raise SendError(
                f"telegram 400: {exc.message}", permanent=True, unreachable=gone
            ) from None
        except NetworkError as exc:  # timeouts included: try again later
            raise SendError(f"telegram network: {exc.message}") from None
        except TelegramError as exc:
            raise SendError(f"telegram: {exc.message}") from None

    async def _perform(self, delivery: Delivery) -> str | None:
        methods = {
            SendMessage: self._send,
            AdmitMember | InviteMember | RemoveMember: self._member,
            EditMessage: self._edit,
            ClearButtons: self._clear,
            PinMessage: self._pin,
            DeleteMessage: self._delete,
        }
        return await dispatch(delivery, methods, "Telegram", self.capabilities)

    async def _edit(self, delivery: Delivery) -> str | None:
        action = delivery.action
        assert isinstance(action, EditMessage) and delivery.target_remote_id
        await self.bot.edit_message_text(
            action.text[:TEXT_LIMIT],
            chat_id=chat_ref(delivery.chat_id),
            message_id=int(delivery.target_remote_id),
            reply_markup=keyboard(action.buttons),
        )
        return delivery.target_remote_id

    async def _clear(self, delivery: Delivery) -> str | None:
        assert delivery.target_remote_id
        await self.bot.edit_message_reply_markup(
            chat_id=chat_ref(delivery.chat_id),
            message_id=int(delivery.target_remote_id),
            reply_markup=None,
        )
        return delivery.target_remote_id

    async def _pin(self, delivery: Delivery) -> str | None:
        assert delivery.target_remote_id
        await self.bot.pin_chat_message(
            chat_ref(delivery.chat_id), int(delivery.target_remote_id), disable_notification=True
        )
        return delivery.target_remote_id

    async def _delete(self, delivery: Delivery) -> str | None:
        assert delivery.target_remote_id
        await self.bot.delete_message(chat_ref(delivery.chat_id), int(delivery.target_remote_id))
        return delivery.target_remote_id

    async def _send(self, delivery: Delivery) -> str:
        action, chat = delivery.action, chat_ref(delivery.chat_id)
        assert isinstance(action, SendMessage)
        markup = keyboard(action.buttons)
        if action.media is not None:
            return await self._send_media(chat, action.media, action.text, markup)
        return await self._send_text(chat, action.text, markup)

    async def _send_text(
        self, chat: int | str, text: str, markup: InlineKeyboardMarkup | None
    ) -> str:
        parts = split_text(text)
        sent: Message | None = None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            sent = await self.bot.send_message(chat, part, reply_markup=markup if last else None)
        assert sent is not None
        return str(sent.message_id)

    async def _send_media(
        self, chat: int | str, media: Media, text: str, markup: InlineKeyboardMarkup | None
    ) -> str:
        if not is_foreign(media, PLATFORM):
            return (await self._send_file(chat, media, media.ref, text, markup))[0]
        async with self.uploads.lock(media):
            known = self.uploads.get(media)
            if known is not None:
                own, kind = known
                try:
                    sent_id, _ = await self._send_file(
                        chat, replace(media, kind=kind), own, text, markup
                    )
                except BadRequest as exc:
                    if not _voice_refused(media, exc):
                        raise
                    sent_id, _ = await self._send_file(
                        chat, replace(media, kind="audio"), own, text, markup
                    )
                return sent_id
            try:
                fetched = await self.media_sources.fetch(media)
            except MediaUnavailable as exc:
                return await self._send_without_file(chat, media, text, markup, str(exc))
            upload = InputFile(fetched.data, filename=fetched.filename)
            try:
                sent_id, file_id = await self._send_file(chat, media, upload, text, markup)
            except BadRequest as exc:
                if _voice_refused(media, exc):
                    # this person's Telegram takes no voice messages: the note as an audio
                    # file (for them only: the next parent still gets a voice note)
                    upload = InputFile(fetched.data, filename=fetched.filename)
                    audio = replace(media, kind="audio")
                    return (await self._send_file(chat, audio, upload, text, markup))[0]
                if media.kind != "photo" or "photo" not in exc.message.lower():
                    raise
                # Telegram takes photos up to 10 MB in common formats; another image (a big
                # one, an SVG from Matrix) still reaches the parent, as a file
                log.info("photo refused (%s); sending it as a file", exc.message)
                upload = InputFile(fetched.data, filename=fetched.filename)
                media = replace(media, kind="document")
                sent_id, file_id = await self._send_file(chat, media, upload, text, markup)
            if file_id is not None:
                self.uploads.put(media, (file_id, media.kind))
            return sent_id

    async def _send_without_file(
        self,
        chat: int | str,
        media: Media,
        text: str,
        markup: InlineKeyboardMarkup | None,
        reason: str,
    ) -> str:
        return await self._send_text(chat, text_without_file(media, text, reason), markup)

    async def _send_file(
        self,
        chat: int | str,
        media: Media,
        file: str | InputFile,
        text: str,
        markup: InlineKeyboardMarkup | None,
    ) -> tuple[str, str | None]:
        """Send the media (a file id, URL or upload); the message id of the last message it
        took and Telegram's file id for the file."""
        method = _MEDIA_METHODS.get(media.kind, "send_document")
        caption = text or media.caption or None
        long_caption = caption is not None and len(caption) > CAPTION_LIMIT
        send = getattr(self.bot, method)
        kwargs: dict[str, object] = (
            {} if method == "send_sticker" else {"caption": None if long_caption else caption}
        )
        if method in ("send_voice", "send_audio") and media.duration_ms:
            kwargs["duration"] = max(1, round(media.duration_ms / 1000))  # whole seconds
        sent: Message = await send(
            chat, file, reply_markup=None if long_caption else markup, **kwargs
        )
        file_id = _file_id(sent)
        if long_caption and caption is not None:
            for part in split_text(caption):
                sent = await self.bot.send_message(chat, part)
            if markup is not None:
                await self.bot.edit_message_reply_markup(
                    chat_id=chat, message_id=sent.message_id, reply_markup=markup
                )
        return str(sent.message_id), file_id

    async def _member(self, delivery: Delivery) -> str | None:
        action, chat = delivery.action, chat_ref(delivery.chat_id)
        assert isinstance(action, AdmitMember | InviteMember | RemoveMember)
        user_id = int(action.user_id)
        if isinstance(action, AdmitMember):
            if action.approve:
                await self.bot.approve_chat_join_request(chat, user_id)
            else:
                await self.bot.decline_chat_join_request(chat, user_id)
            return None
        if isinstance(action, InviteMember):
            # A bot cannot add someone to a group. It makes a personal link that asks to join
            # (the bot approves the request) and sends it to the person in private, where
            # Telegram shows it as a "join group" card. The link is the row's remote id.
            link = await self.bot.create_chat_invite_link(
                chat, name=f"ouderkring {user_id}"[:32], creates_join_request=True
            )
            await self.bot.send_message(user_id, link.invite_link)
            return link.invite_link
        # Remove without a lasting ban: ban, then lift the ban (they may ask to join again).
        await self.bot.ban_chat_member(chat, user_id)
        await self.bot.unban_chat_member(chat, user_id, only_if_banned=True)
        return None


def _voice_refused(media: Media, exc: BadRequest) -> bool:
    """Telegram refuses voice messages to people who turned them off (a privacy setting)."""
    return media.kind == "voice" and "voice_messages_forbidden" in exc.message.lower()


def _file_id(message: Message) -> str | None:
    """The file id of the media a message carries (the largest size of a photo)."""
    if message.photo:
        return message.photo[-1].file_id
    attachment = message.effective_attachment
    file_id = getattr(attachment, "file_id", None)
    return str(file_id) if file_id else None
