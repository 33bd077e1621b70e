"""Telling others: a message to another person in their own language, or to a group room in
its community's; it is queued in `out` (bot/engine/outbound.py) with the event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.engine.outbound import Outbound
from community.actions import Button, Media, SendMessage
from community.i18n import Translator
from community.models import Person
from config import Settings


@dataclass
class Others:
    translator: Translator
    settings: Settings
    out: Outbound

    def tell(
        self,
        person: Person,
        msgid: str,
        *,
        buttons: tuple[Button, ...] = (),
        media: Media | None = None,
        key: str | None = None,
        **values: Any,
    ) -> None:
        """A message to another person (or the speaker as a person), in their own language."""
        text = self.translator.t(person.locale or self.settings.default_locale, msgid, **values)
        self.out.act_for(person, SendMessage(text, buttons, False, media), key=key)

    def post(self, platform: str, chat_id: str, locale: str, msgid: str, **values: Any) -> None:
        """A message to a group room, in the language given (the room's community's)."""
        self.out.act(platform, chat_id, SendMessage(self.translator.t(locale, msgid, **values)))
