"""Media on any platform: each transport fetches another platform's file through the shared
sources, and when a file cannot be had (gone, too big, refused) the parent still gets the
words without it."""

from __future__ import annotations

import logging

from bot.engine.media import MediaSources
from bot.engine.port import MediaSource, SendError
from community.actions import Media

log = logging.getLogger(__name__)


def sources(platform: str, own: MediaSource, shared: MediaSources | None) -> MediaSources:
    """Every platform's source in this process (the composition root shares one), else this
    platform's own only."""
    return shared or MediaSources({platform: own})


def text_without_file(media: Media, text: str, reason: str) -> str:
    """The words to send instead of a file that cannot be had; a permanent SendError when
    there are none (nothing at all would reach the parent)."""
    words = text or media.caption or ""
    if not words:
        raise SendError(f"{media.kind} not available: {reason}", permanent=True)
    log.warning("sending the text without its %s: %s", media.kind, reason)
    return words
