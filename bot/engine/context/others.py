"""Telling others: a message to another person in their own language, or to a group room in
its community's; it is queued in `out` (bot/engine/outbound.py) with the event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.engine.outbound import Outbound
from community.actions import Button, Media, SendMessage
from community.i18n import Translator
from config import Settings


class Addressee(Protocol):
    """Whom a message goes to: a person (as plain `Speaker` values, or as stored)."""

    @property
    def id(self) -> int: ...
    @property
    def platform(self) -> str: ...
    @property
    def platform_user_id(self) -> str: ...
    @property
    def private_chat_id(self) -> str | None: ...
    @property
    def locale(self) -> str | None: ...


@dataclass
class Others:
    translator: Translator
    settings: Settings
    out: Outbound

    def tell(
        self,
        person: Addressee,
        msgid: str,
        *,
        buttons: tuple[Button, ...] = (),
        media: Media | None = None,
        key: str | None = None,
        **values: Any,
    ) -> None:
        """A message to another person (or the speaker as a person), in their own language."""
        text = self.translator.t(person.locale or self.settings.default_locale, msgid, **values)
        chat_id = person.private_chat_id or person.platform_user_id
        action = SendMessage(text, buttons, False, media)
        self.out.act(person.platform, chat_id, action, key=key, person_id=person.id)

    def post(self, platform: str, chat_id: str, locale: str, msgid: str, **values: Any) -> None:
        """A message to a group room, in the language given (the room's community's)."""
        self.out.act(platform, chat_id, SendMessage(self.translator.t(locale, msgid, **values)))
