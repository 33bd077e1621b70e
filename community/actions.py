"""What the bot asks a chat platform to do: a small set of typed, serialisable actions.

Every action becomes one outbox row (`kind` plus a JSON payload), so ordering, retries and crash
safety hold for all of them. Both platforms (and the console) implement every kind; an action
that acts on an earlier message names it by `Target`: the outbox row that sent it (the sender
resolves it to the platform's id once that row is sent) or the platform's own message id.

Nothing here knows a platform: the domain (community services, scheduled jobs) and the engine
build these values; the adapters carry them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

# Telegram allows 64 bytes of callback data per button; every platform gets the same limit.
MAX_BUTTON_DATA = 64


@dataclass(frozen=True)
class Media:
    """A photo, video, voice note or document, kept where the platform keeps it."""

    kind: str  # "photo", "video", "voice", "audio", "document"
    ref: str  # the platform's reference: a Telegram file id, a Matrix mxc:// URI, a URL
    caption: str | None = None
    mime_type: str | None = None
    size: int | None = None
    # The platform that holds `ref` (a Telegram file id means nothing on Matrix): a transport
    # given media from another platform fetches it there and uploads it. None: a URL or data: URL.
    origin: str | None = None
    duration_ms: int | None = None  # of a voice note or audio (Matrix shows it)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Media:
        return cls(
            str(data["kind"]),
            str(data["ref"]),
            data.get("caption"),
            data.get("mime_type"),
            data.get("size"),
            data.get("origin"),
            data.get("duration_ms"),
        )


@dataclass(frozen=True)
class Button:
    """A button: the label the person sees and the data that comes back when it is pressed."""

    label: str
    data: str

    def __post_init__(self) -> None:
        if len(self.data.encode()) > MAX_BUTTON_DATA:
            raise ValueError(f"button data longer than {MAX_BUTTON_DATA} bytes: {self.data!r}")


@dataclass(frozen=True)
class Target:
    """An earlier message: the outbox row that sent it, or the platform's own id for it, or
    (`earlier`) the message queued that many places before this action in the same event
    (send the rules, then pin them); the outbox turns that into the row's id."""

    outbox_id: int | None = None
    remote_id: str | None = None
    earlier: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"outbox_id": self.outbox_id, "remote_id": self.remote_id}
        if self.earlier is not None:
            data["earlier"] = self.earlier
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Target:
        outbox_id = data.get("outbox_id")
        remote_id = data.get("remote_id")
        earlier = data.get("earlier")
        return cls(
            int(outbox_id) if outbox_id is not None else None,
            str(remote_id) if remote_id is not None else None,
            int(earlier) if earlier is not None else None,
        )


class Action:
    """Base of every action; `kind` is what the outbox row stores."""

    kind: ClassVar[str] = ""

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def target(self) -> Target | None:
        return None

    def live(self) -> Action:
        """What to carry out when the row is delivered straight from memory, in the event that
        queued it; only a sealed message differs from what is stored."""
        return self


@dataclass(frozen=True)
class SendMessage(Action):
    """A message with optional buttons (`multi`: several may be ticked) and media. `asks`: it
    waits for typed words (a question prompt), so it is the chat's open question like a message
    with buttons is (bot/engine/replies.py)."""

    kind: ClassVar[str] = "send"
    text: str
    buttons: tuple[Button, ...] = ()
    multi: bool = False
    media: Media | None = None
    asks: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text}
        if self.buttons:
            data["buttons"] = [[b.label, b.data] for b in self.buttons]
        if self.multi:
            data["multi"] = True
        if self.media is not None:
            data["media"] = self.media.to_json()
        if self.asks:
            data["asks"] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SendMessage:
        media = data.get("media")
        return cls(
            str(data.get("text", "")),
            tuple(Button(str(label), str(value)) for label, value in data.get("buttons", [])),
            bool(data.get("multi", False)),
            Media.from_json(media) if media else None,
            bool(data.get("asks", False)),
        )


@dataclass(frozen=True)
class SealedMessage(Action):
    """A message carrying a secret (a one-time code) that must never be stored. The outbox row
    holds only `fallback` ("Your code was not sent...") and the code record's id: the secret
    travels in memory, delivered right after the event that made it. A row sent from the
    database instead (the process stopped in between) sends the fallback, and the code is
    voided (`community.services.role_codes`)."""

    kind: ClassVar[str] = "sealed"
    text: str = field(repr=False)  # the secret: never in a payload, a log or a repr
    fallback: str
    code_id: int

    def to_json(self) -> dict[str, Any]:
        return {"text": self.fallback, "code_id": self.code_id}

    def live(self) -> Action:
        return SendMessage(self.text)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SendMessage:
        return SendMessage(str(data.get("text", "")))  # what is stored: the fallback


@dataclass(frozen=True)
class Voice(Action):
    """The message before it, spoken: `text` read aloud in the language of `locale`, sent as a
    voice note. The row stays small (the words, not the audio): the sender makes the audio when
    it sends the row (bot/voice), once per text and language."""

    kind: ClassVar[str] = "voice"
    text: str
    locale: str

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "locale": self.locale}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Voice:
        return cls(str(data.get("text", "")), str(data.get("locale", "")))


@dataclass(frozen=True)
class EditMessage(Action):
    """Change an earlier message's text and buttons (no buttons: they are removed)."""

    kind: ClassVar[str] = "edit"
    message: Target
    text: str
    buttons: tuple[Button, ...] = ()
    multi: bool = False

    @property
    def target(self) -> Target:
        return self.message

    def to_json(self) -> dict[str, Any]:
        data = SendMessage(self.text, self.buttons, self.multi).to_json()
        return {**data, "target": self.message.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EditMessage:
        send = SendMessage.from_json(data)
        return cls(Target.from_json(data["target"]), send.text, send.buttons, send.multi)


@dataclass(frozen=True)
class _OnMessage(Action):
    """An action on one earlier message of the chat the row is addressed to."""

    message: Target

    @property
    def target(self) -> Target:
        return self.message

    def to_json(self) -> dict[str, Any]:
        return {"target": self.message.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Any:
        return cls(Target.from_json(data["target"]))


@dataclass(frozen=True)
class ClearButtons(_OnMessage):
    """Take the buttons off an earlier message, so that they cannot be pressed again."""

    kind: ClassVar[str] = "clear_buttons"


@dataclass(frozen=True)
class PinMessage(_OnMessage):
    kind: ClassVar[str] = "pin"


@dataclass(frozen=True)
class DeleteMessage(_OnMessage):
    """Delete (Telegram) or redact (Matrix) an earlier message."""

    kind: ClassVar[str] = "delete"


@dataclass(frozen=True)
class _MemberAction(Action):
    """An action on one member (platform user id) of the chat the row is addressed to."""

    user_id: str

    def to_json(self) -> dict[str, Any]:
        return {"user_id": self.user_id}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Any:
        return cls(str(data["user_id"]))


@dataclass(frozen=True)
class AdmitMember(Action):
    """Answer a join request: approve or decline."""

    kind: ClassVar[str] = "admit"
    user_id: str
    approve: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "approve": self.approve}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AdmitMember:
        return cls(str(data["user_id"]), bool(data.get("approve", True)))


@dataclass(frozen=True)
class InviteMember(_MemberAction):
    kind: ClassVar[str] = "invite"


@dataclass(frozen=True)
class RemoveMember(_MemberAction):
    kind: ClassVar[str] = "remove"


@dataclass(frozen=True)
class CreateRoom(Action):
    """Make a group room (where the platform lets a bot do that: Matrix). The row's chat is the
    place to create it in (a space id, or "" for none); the new room's id comes back as the
    row's remote id, and `key` tells the community service which room it is."""

    kind: ClassVar[str] = "create_room"
    key: str  # e.g. "community:3:tips"
    name: str
    topic: str = ""
    space: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "topic": self.topic, "space": self.space}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CreateRoom:
        return cls(
            str(data["key"]), str(data["name"]), str(data.get("topic", "")), bool(data["space"])
        )


ACTION_TYPES: dict[str, Any] = {
    cls.kind: cls
    for cls in (
        SendMessage,
        SealedMessage,
        Voice,
        EditMessage,
        ClearButtons,
        PinMessage,
        DeleteMessage,
        AdmitMember,
        InviteMember,
        RemoveMember,
        CreateRoom,
    )
}


def action_from_row(kind: str, payload: dict[str, Any]) -> Action:
    """Rebuild the action an outbox row holds."""
    try:
        cls = ACTION_TYPES[kind]
    except KeyError:
        raise ValueError(f"unknown action kind {kind!r}") from None
    action: Action = cls.from_json(payload)
    return action
