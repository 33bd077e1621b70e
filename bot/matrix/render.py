"""Actions -> Matrix event content. Pure functions, no network.

Matrix has no buttons a bot can attach, so choices become numbered options with keycap emoji
(1️⃣ 2️⃣ ...): a parent answers by typing the number or by reacting with the emoji. The text
without the options is kept in the content (`TEXT_KEY`), so that the options can be taken off
later (`ClearButtons`) by an edit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from community.actions import Button, Media
from community.pictograms import shown

TEXT_KEY = "nl.ouderkring.text"  # the message text without its numbered options
KEYCAP = "\ufe0f\u20e3"
_TEN = "\U0001f51f"  # 🔟
_KEYCAP_RE = re.compile("^([0-9])\ufe0f?\u20e3$")

MSGTYPES = {
    "photo": "m.image",
    "video": "m.video",
    "voice": "m.audio",
    "audio": "m.audio",
    "document": "m.file",
    "animation": "m.video",
    "sticker": "m.image",
}


def keycap(number: int) -> str:
    """The emoji for option `number` (1..10); plain digits beyond that."""
    if 0 <= number <= 9:
        return f"{number}{KEYCAP}"
    if number == 10:
        return _TEN
    return f"{number}."


def normalise_keycap(key: str) -> str:
    """A keycap reaction as clients send it (with or without U+FE0F) -> the form we send."""
    match = _KEYCAP_RE.match(key.strip())
    if match:
        return keycap(int(match.group(1)))
    return key


def options_text(text: str, buttons: Sequence[Button]) -> str:
    if not buttons:
        return text
    lines = [f"{keycap(i)} {shown(button)}" for i, button in enumerate(buttons, 1)]
    return f"{text}\n\n" + "\n".join(lines) if text else "\n".join(lines)


def message_content(text: str, buttons: Sequence[Button] = ()) -> dict[str, Any]:
    content: dict[str, Any] = {"msgtype": "m.text", "body": options_text(text, buttons)}
    if buttons:
        content[TEXT_KEY] = text
    return content


def media_content(media: Media, text: str = "", filename: str | None = None) -> dict[str, Any]:
    """An m.image / m.audio / m.video / m.file event for media kept at an mxc:// URI. With a
    `filename` the caption goes in `body` and the name in `filename` (as Matrix 1.10 has it);
    without a caption the body is the file name."""
    caption = media.caption or text
    content: dict[str, Any] = {
        "msgtype": MSGTYPES.get(media.kind, "m.file"),
        "body": caption or filename or media.kind,
        "url": media.ref,
    }
    if filename:
        content["filename"] = filename
    info: dict[str, Any] = {}
    if media.mime_type:
        info["mimetype"] = media.mime_type
    if media.size is not None:
        info["size"] = media.size
    if media.duration_ms is not None:
        info["duration"] = media.duration_ms  # milliseconds, as m.audio has it
    if info:
        content["info"] = info
    if media.kind == "voice":
        content["org.matrix.msc3245.voice"] = {}
    return content


def edit_content(original_event_id: str, new_content: dict[str, Any]) -> dict[str, Any]:
    """An m.replace edit: the fallback body for old clients plus the new content."""
    return {
        "msgtype": new_content.get("msgtype", "m.text"),
        "body": f"* {new_content.get('body', '')}",
        "m.new_content": new_content,
        "m.relates_to": {"rel_type": "m.replace", "event_id": original_event_id},
    }


def without_options(content: dict[str, Any]) -> dict[str, Any] | None:
    """The content of a message with its numbered options taken off, or None if it had none."""
    current = content.get("m.new_content", content)
    if TEXT_KEY not in current:
        return None
    return message_content(str(current[TEXT_KEY]))
