"""Answering the speaker, in their language: words, messages, the buttons of the question
their dialogue asks, and the message whose button they pressed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.engine.context.dialogue import Dialogue
from bot.engine.context.who import Who
from bot.engine.outbound import Outbound
from bot.engine.port import Capabilities
from bot.engine.types import EventKind
from community.actions import (
    Button,
    ClearButtons,
    EditMessage,
    Media,
    SealedMessage,
    SendMessage,
    Target,
)
from community.buttons import question_data
from community.i18n import Translator


@dataclass(frozen=True)
class Choice:
    """A button as a question sees it: a key that means something to the question, a label.
    The engine turns it into a `Button` whose data also names the question it belongs to."""

    key: str
    label: str


@dataclass
class Reply:
    translator: Translator
    capabilities: Capabilities
    out: Outbound
    who: Who  # whose language
    dialogue: Dialogue  # whose question the buttons belong to
    # The message whose button was pressed (or whose question a typed answer answers).
    pressed: Target | None
    kind: EventKind

    def t(self, msgid: str, **values: Any) -> str:
        return self.translator.t(self.who.locale, msgid, **values)

    def tn(self, msgid: str, plural_id: str, count: int, **values: Any) -> str:
        return self.translator.tn(self.who.locale, msgid, plural_id, count, **values)

    def say(
        self,
        msgid: str,
        *,
        choices: tuple[Choice, ...] = (),
        multi: bool = False,
        media: Media | None = None,
        **values: Any,
    ) -> None:
        self.say_text(self.t(msgid, **values), choices=choices, multi=multi, media=media)

    def say_text(
        self,
        text: str,
        *,
        choices: tuple[Choice, ...] = (),
        multi: bool = False,
        media: Media | None = None,
        buttons: tuple[Button, ...] = (),
    ) -> None:
        self.out.to_speaker.append(
            SendMessage(text, buttons or self.buttons(choices), multi, media)
        )

    def say_sealed(self, text: str, *, fallback: str, code_id: int) -> None:
        """A reply carrying a one-time code: the code goes out from memory and is never stored;
        should it not go now, `fallback` is sent instead and the code voided."""
        self.out.to_speaker.append(SealedMessage(text, fallback, code_id))

    def buttons(self, choices: tuple[Choice, ...]) -> tuple[Button, ...]:
        """Buttons for the current question: their data names the question (its token)."""
        state = self.dialogue.state
        token = state.token if state is not None else "-"
        return tuple(Button(c.label, question_data(token, c.key)) for c in choices)

    def update_pressed(
        self, text: str, *, choices: tuple[Choice, ...] = (), multi: bool = False
    ) -> bool:
        """Change the message whose button was just pressed, where the platform can edit.
        Returns False when it cannot (the caller then says something short instead)."""
        ref = self.pressed
        if self.kind is not EventKind.BUTTON or ref is None or not self.capabilities.edit:
            return False
        self.out.to_speaker.append(EditMessage(ref, text, self.buttons(choices), multi))
        self.out.handled_press = True
        return True

    def clear_pressed(self) -> None:
        """Take the buttons off the pressed message, so it cannot be pressed twice."""
        ref = self.pressed
        if ref is not None and self.capabilities.edit and not self.out.handled_press:
            self.out.to_speaker.append(ClearButtons(ref))
            self.out.handled_press = True
