"""What a handler gets: the incoming message, the person, the services bound to this one
transaction, and a way to answer. Handlers never touch a session or a platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.engine.types import Choice, Incoming, Outgoing
from community.clock import Clock
from community.i18n import Translator
from community.models import Conversation, Person, Role
from community.services import conversations, people
from config import Settings


@dataclass
class Context:
    incoming: Incoming
    session: Session
    settings: Settings
    translator: Translator
    clock: Clock
    person: Person | None
    locale: str
    replies: list[Outgoing] = field(default_factory=list)
    erased: bool = False

    # -- who is talking -------------------------------------------------------------------------
    @property
    def role(self) -> Role:
        if self.settings.is_admin(self.incoming.platform, self.incoming.user_id):
            return Role.ADMIN
        return self.person.role if self.person is not None else Role.GUEST

    def ensure_person(self, role: Role = Role.GUEST) -> Person:
        """The person talking, stored now if this is their first message that needs it."""
        if self.person is None:
            incoming = self.incoming
            self.person = people.create(
                self.session,
                incoming.platform,
                incoming.user_id,
                incoming.chat_id,
                self.clock,
                role=role,
            )
        return self.person

    def erase_person(self) -> None:
        """Delete the person and all their data; replies still go out, linked to no one."""
        people.erase(self.session, self.require_person())
        self.person, self.erased = None, True

    def require_person(self) -> Person:
        if self.person is None:
            raise LookupError("this handler needs a registered person")
        return self.person

    # -- answering ------------------------------------------------------------------------------
    def t(self, msgid: str, **values: Any) -> str:
        return self.translator.t(self.locale, msgid, **values)

    def tn(self, msgid: str, plural_id: str, count: int, **values: Any) -> str:
        return self.translator.tn(self.locale, msgid, plural_id, count, **values)

    def say(
        self, msgid: str, *, choices: tuple[Choice, ...] = (), multi: bool = False, **values: Any
    ) -> None:
        self.say_text(self.t(msgid, **values), choices=choices, multi=multi)

    def say_text(self, text: str, *, choices: tuple[Choice, ...] = (), multi: bool = False) -> None:
        self.replies.append(Outgoing(self.incoming.chat_id, text, choices, multi))

    def set_locale(self, locale: str) -> None:
        self.locale = locale
        if self.person is not None:
            self.person.locale = locale

    # -- dialogue state -------------------------------------------------------------------------
    @property
    def state(self) -> Conversation | None:
        return None if self.person is None else conversations.current(self.session, self.person)

    def enter(self, flow: str, step: str, **data: Any) -> Conversation:
        return conversations.enter(
            self.session, self.require_person(), flow, step, self.clock, data
        )

    def remember(self, **changes: Any) -> None:
        state = self.state
        if state is not None:
            conversations.update(state, self.clock, **changes)

    def leave(self) -> None:
        if self.person is not None:
            conversations.leave(self.session, self.person)
