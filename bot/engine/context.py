"""What a handler gets: the incoming event, the person and their language, what the platform
can do, and what the event queues (`out`: bot/engine/outbound.py), with the few ways to answer
that need the speaker's language or dialogue: say something, ask, tell another person in theirs.
The domain services bound to this one transaction are `domain`. Handlers never touch a session
or a platform."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.engine.outbound import Outbound
from bot.engine.port import Capabilities
from bot.engine.types import EventKind, Incoming
from community.actions import (
    Button,
    ClearButtons,
    EditMessage,
    Media,
    SealedMessage,
    SendMessage,
)
from community.buttons import question_data
from community.clock import Clock
from community.i18n import Translator
from community.models import DialogueState, Person, Role
from community.services.domain import Domain
from community.services.outbox import Outgoing
from community.services.people import Speaker
from config import Settings

if TYPE_CHECKING:
    from bot.engine.registry import Handlers


@dataclass(frozen=True)
class Choice:
    """A button as a question sees it: a key that means something to the question, a label.
    The engine turns it into a `Button` whose data also names the question it belongs to."""

    key: str
    label: str


@dataclass
class Context:
    incoming: Incoming
    domain: Domain
    settings: Settings
    translator: Translator
    clock: Clock
    person: Person | None
    locale: str
    handlers: Handlers  # what commands, buttons and questions there are
    capabilities: Capabilities = field(default_factory=Capabilities)
    out: Outbound = field(default_factory=Outbound)  # what this event queues
    _row: DialogueState | None = None  # the dialogue state, loaded by the engine

    # -- who is talking -------------------------------------------------------------------------
    @property
    def role(self) -> Role:
        if self.settings.is_admin(self.incoming.platform, self.incoming.user_id):
            return Role.ADMIN
        return self.person.role if self.person is not None else Role.GUEST

    @property
    def speaker(self) -> Speaker | None:
        """The stored person talking, as plain values (None for a stranger)."""
        return Speaker.of(self.person) if self.person is not None else None

    def ensure_person(self, role: Role = Role.GUEST) -> Person:
        """The person talking, stored now (with the language they chose) if they were not."""
        if self.person is None:
            incoming = self.incoming
            chosen = self._row.locale if self._row is not None else None
            self.person = self.domain.people.create(
                incoming.platform, incoming.user_id, incoming.chat_id, role, chosen
            )
            if self._row is not None:
                self.domain.dialogues.link_person(self._row, self.person)
        return self.person

    def erase_person(self) -> None:
        """Delete the person and all their data; replies still go out, linked to no one, and
        are deleted once sent. Only the language they chose is kept, under a pseudonym."""
        self.domain.privacy.erase(self.require_person())
        self.person, self._row, self.out.erased = None, None, True
        incoming = self.incoming
        self.domain.dialogues.remember_erased_locale(
            incoming.platform, incoming.user_id, self.locale
        )

    def require_person(self) -> Person:
        if self.person is None:
            raise LookupError("this handler needs a registered person")
        return self.person

    # -- words ----------------------------------------------------------------------------------
    def t(self, msgid: str, **values: Any) -> str:
        return self.translator.t(self.locale, msgid, **values)

    def tn(self, msgid: str, plural_id: str, count: int, **values: Any) -> str:
        return self.translator.tn(self.locale, msgid, plural_id, count, **values)

    # -- answering the speaker ------------------------------------------------------------------
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
        state = self.state
        token = state.token if state is not None else "-"
        return tuple(Button(c.label, question_data(token, c.key)) for c in choices)

    def update_pressed(
        self, text: str, *, choices: tuple[Choice, ...] = (), multi: bool = False
    ) -> bool:
        """Change the message whose button was just pressed, where the platform can edit.
        Returns False when it cannot (the caller then says something short instead)."""
        ref = self.incoming.ref
        if self.incoming.kind is not EventKind.BUTTON or ref is None or not self.capabilities.edit:
            return False
        self.out.to_speaker.append(EditMessage(ref, text, self.buttons(choices), multi))
        self.out.handled_press = True
        return True

    def clear_pressed(self) -> None:
        """Take the buttons off the pressed message, so it cannot be pressed twice."""
        ref = self.incoming.ref
        if ref is not None and self.capabilities.edit and not self.out.handled_press:
            self.out.to_speaker.append(ClearButtons(ref))
            self.out.handled_press = True

    def set_locale(self, locale: str) -> None:
        self.locale = locale
        if self.person is not None:
            self.person.locale = locale
        self.domain.dialogues.remember_locale(self.incoming.platform, self.incoming.user_id, locale)

    # -- telling others -------------------------------------------------------------------------
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

    # -- dialogue state -------------------------------------------------------------------------
    @property
    def state(self) -> DialogueState | None:
        """The open question, if any."""
        row = self._row
        return row if row is not None and row.flow is not None else None

    def enter(self, flow: str, step: str, **data: Any) -> DialogueState:
        """Go to a question: a new token makes the buttons of every earlier question old."""
        incoming = self.incoming
        self._row = self.domain.dialogues.enter(
            incoming.platform, incoming.user_id, self.person, flow, step, data,
            secrets.token_hex(3), incoming.chat_id if incoming.is_private else None,
        )  # fmt: skip
        return self._row

    def remember(self, **changes: Any) -> None:
        state = self.state
        if state is not None:
            self.domain.dialogues.remember(state, **changes)

    def leave(self) -> None:
        state = self.state
        if state is not None:
            self.domain.dialogues.leave(state)

    # -- what this event queues -----------------------------------------------------------------
    def outgoing(self) -> list[Outgoing]:
        """Everything to queue, in order: the replies to the speaker, then the rest."""
        stranger = self.person is None and self._row is None and self.incoming.is_private
        return self.out.rows(self.incoming, self.person, stranger, self.domain.quoted)
