"""Matrix events (their JSON, as the homeserver sends them) -> `Incoming`. Pure functions.

Working on the event JSON rather than on nio's parsed classes keeps this layer testable with
plain dicts and independent of how nio parses a new event type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.engine.types import EventKind, Incoming, Media, Quoted, Target, parse_command
from bot.matrix import PLATFORM
from bot.matrix.render import normalise_keycap

MEDIA_KINDS = {"m.image": "photo", "m.video": "video", "m.audio": "audio", "m.file": "document"}
VOICE_KEYS = ("org.matrix.msc3245.voice", "m.voice")


@dataclass(frozen=True)
class RoomView:
    """What translation needs to know about the room an event came from."""

    room_id: str
    is_private: bool
    display_names: dict[str, str] | None = None
    # Who may administer the room: a power level of at least the room's `state_default`
    # (and at least 50, a moderator), from the power levels nio keeps for the room.
    admins: frozenset[str] = frozenset()

    def name_of(self, user_id: str) -> str | None:
        if self.display_names and self.display_names.get(user_id):
            return self.display_names[user_id]
        return None


def _media(content: dict[str, Any]) -> Media | None:
    msgtype = content.get("msgtype")
    url = content.get("url")
    if msgtype not in MEDIA_KINDS or not isinstance(url, str) or not url.startswith("mxc://"):
        return None
    kind = MEDIA_KINDS[msgtype]
    if kind == "audio" and any(key in content for key in VOICE_KEYS):
        kind = "voice"
    raw_info = content.get("info")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    body = content.get("body")
    filename = content.get("filename")
    # A caption is a body that is not just the file's name (Matrix spec 1.10 media captions).
    caption = body if isinstance(body, str) and filename and body != filename else None
    size = info.get("size")
    return Media(
        kind,
        url,
        caption,
        info.get("mimetype") if isinstance(info.get("mimetype"), str) else None,
        size if isinstance(size, int) else None,
        PLATFORM,
    )


def translate(event: dict[str, Any], room: RoomView, bot_user_id: str) -> Incoming | None:
    """One timeline event -> an `Incoming`, or None for what the engine need not see."""
    event_type = event.get("type")
    sender = event.get("sender")
    content = event.get("content")
    if not isinstance(sender, str) or not isinstance(content, dict):
        return None
    base: dict[str, Any] = {
        "event_id": event.get("event_id"),
        "sender_name": room.name_of(sender),
    }
    if event_type == "m.room.member":
        return _membership(event, room, bot_user_id, base)
    if event_type == "m.room.tombstone":
        return _tombstone(sender, content, room, base)
    if sender == bot_user_id:  # our own echo
        return None
    read = _BY_TYPE.get(str(event_type))
    return read(event, sender, content, room, base) if read is not None else None


def _tombstone(
    sender: str, content: dict[str, Any], room: RoomView, base: dict[str, Any]
) -> Incoming | None:
    """The room was upgraded: it lives on elsewhere."""
    replacement = content.get("replacement_room")
    if not isinstance(replacement, str) or room.is_private:
        return None
    return Incoming(
        PLATFORM, sender, room.room_id, False, kind=EventKind.ROOM_MOVED,
        moved_to=replacement, **base,
    )  # fmt: skip


def _message(
    event: dict[str, Any], sender: str, content: dict[str, Any], room: RoomView,
    base: dict[str, Any],
) -> Incoming | None:  # fmt: skip
    if content.get("msgtype") == "m.notice":  # other bots; never answer them
        return None
    relates = content.get("m.relates_to")
    if isinstance(relates, dict) and relates.get("rel_type") == "m.replace":
        return _edit(sender, content, relates, room, base)
    event_id = event.get("event_id")
    media = _media(content)
    message = {**base, "message_id": event_id if isinstance(event_id, str) else None}
    replied = relates.get("m.in_reply_to") if isinstance(relates, dict) else None
    # A reply in a group room names the message it answers (a coordinator's /delete).
    if isinstance(replied, dict) and isinstance(replied.get("event_id"), str):
        message["ref"] = None if room.is_private else Target(remote_id=replied["event_id"])
        body = content.get("body")
        if not room.is_private and isinstance(body, str):
            message["quoted"] = _quoted(body, room)
    if media is not None:
        # The caption is the message's text, as on Telegram: "/buddy ..." under a photo.
        text = media.caption or ""
        return Incoming(
            PLATFORM, sender, room.room_id, room.is_private, text, media=(media,), **message
        )
    body = content.get("body")
    if content.get("msgtype") in ("m.text", "m.emote") and isinstance(body, str):
        text = _strip_reply(body)
        if not room.is_private and parse_command(text)[0] is not None:
            message["sender_is_chat_admin"] = sender in room.admins
        return Incoming.from_text(PLATFORM, sender, room.room_id, room.is_private, text, **message)
    return None


def _edit(
    sender: str, content: dict[str, Any], relates: dict[str, Any], room: RoomView,
    base: dict[str, Any],
) -> Incoming:  # fmt: skip
    new = content.get("m.new_content")
    new = new if isinstance(new, dict) else {}
    edited_media = _media(new)  # a changed caption comes with its file
    return Incoming(
        PLATFORM,
        sender,
        room.room_id,
        room.is_private,
        text=str(new.get("body", "")),
        kind=EventKind.EDIT,
        ref=Target(remote_id=str(relates.get("event_id"))),
        media=(edited_media,) if edited_media is not None else (),
        **base,
    )


def _reaction(
    event: dict[str, Any], sender: str, content: dict[str, Any], room: RoomView,
    base: dict[str, Any],
) -> Incoming | None:  # fmt: skip
    relates = content.get("m.relates_to")
    if not isinstance(relates, dict) or relates.get("rel_type") != "m.annotation":
        return None
    reaction = normalise_keycap(str(relates.get("key", "")))
    about = str(relates.get("event_id"))
    return _about(sender, room, EventKind.REACTION, about, base, reaction=reaction)


def _redaction(
    event: dict[str, Any], sender: str, content: dict[str, Any], room: RoomView,
    base: dict[str, Any],
) -> Incoming | None:  # fmt: skip
    redacts = event.get("redacts") or content.get("redacts")
    if not isinstance(redacts, str):
        return None
    return _about(sender, room, EventKind.DELETION, redacts, base)


def _about(
    sender: str, room: RoomView, kind: EventKind, event_id: str, base: dict[str, Any],
    **extra: Any,
) -> Incoming:  # fmt: skip
    """An event about an earlier message (`event_id`): a reaction, a deletion."""
    return Incoming(
        PLATFORM, sender, room.room_id, room.is_private, kind=kind,
        ref=Target(remote_id=event_id), **extra, **base,
    )  # fmt: skip


_BY_TYPE = {"m.room.message": _message, "m.reaction": _reaction, "m.room.redaction": _redaction}


def _quoted(body: str, room: RoomView) -> Quoted | None:
    """The replied message from a client's reply fallback ("> <@anna:x> text"), if it has one
    (newer clients send none: then /report works from the relay map only)."""
    if not body.startswith("> <"):
        return None
    lines = []
    for line in body.split("\n"):
        if not line.startswith(">"):
            break
        lines.append(line[1:].strip())
    head, _, first = lines[0].partition(">")
    user_id = head.lstrip("<").strip()
    if not user_id.startswith("@"):
        return None
    text = "\n".join([first.strip(), *lines[1:]]).strip()
    return Quoted(user_id, room.name_of(user_id), text)


def _strip_reply(body: str) -> str:
    """Drop the quoted fallback ("> <@x> ...") that clients put in front of a reply."""
    if not body.startswith("> "):
        return body
    lines = body.split("\n")
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    if lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def _membership(
    event: dict[str, Any], room: RoomView, bot_user_id: str, base: dict[str, Any]
) -> Incoming | None:
    user_id = event.get("state_key")
    if not isinstance(user_id, str) or user_id == bot_user_id:
        return None
    membership = event["content"].get("membership")
    raw_unsigned = event.get("unsigned")
    unsigned: dict[str, Any] = raw_unsigned if isinstance(raw_unsigned, dict) else {}
    raw_prev = unsigned.get("prev_content")
    prev: dict[str, Any] = raw_prev if isinstance(raw_prev, dict) else {}
    previous = prev.get("membership")
    kind = None
    if membership == "join" and previous != "join" and not room.is_private:
        kind = EventKind.MEMBER_JOINED
    elif membership in ("leave", "ban") and previous in ("join", "invite", "knock"):
        kind = EventKind.MEMBER_LEFT
    elif membership == "knock" and previous != "knock":
        kind = EventKind.JOIN_REQUEST
    if kind is None:
        return None
    base = {**base, "sender_name": room.name_of(user_id)}
    return Incoming(PLATFORM, user_id, room.room_id, room.is_private, kind=kind, **base)
