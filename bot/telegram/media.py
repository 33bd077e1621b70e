"""Telegram as a `MediaSource`: a file id -> `getFile` -> the bytes from the file URL.

Bots may download files up to 20 MB; Telegram answers a bigger one with "file is too big".
"""

from __future__ import annotations

import mimetypes
import posixpath

from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.engine.media import file_name
from bot.engine.port import FetchedMedia, MediaUnavailable, SendError
from bot.telegram.limiter import retry_after_seconds
from community.actions import Media


class TelegramMediaSource:
    """Fetches the files the bot received on Telegram, for sending them on another platform."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def fetch(self, media: Media, limit: int) -> FetchedMedia:
        try:
            file = await self.bot.get_file(media.ref)
            if file.file_size is not None and file.file_size > limit:
                raise MediaUnavailable(f"Telegram file of {file.file_size} bytes")
            data = bytes(await file.download_as_bytearray())
        except RetryAfter as exc:
            raise SendError("telegram 429 (file)", retry_after=retry_after_seconds(exc)) from None
        except (BadRequest, Forbidden, InvalidToken) as exc:
            # wrong or expired file id, file too big; the download URL answers 404 as
            # "InvalidToken" in python-telegram-bot
            raise MediaUnavailable(f"telegram file: {exc.message}") from None
        except TelegramError as exc:  # network errors and timeouts: try again later
            raise SendError(f"telegram file: {exc.message}") from None
        path = file.file_path or ""
        mime_type = media.mime_type or mimetypes.guess_type(path)[0] or "application/octet-stream"
        name = posixpath.basename(path) if "." in posixpath.basename(path) else ""
        return FetchedMedia(data, mime_type, name or file_name(media, mime_type))
