"""Who is talking: their role, their plain values (`speaker`), the language to answer them in,
and storing or erasing them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.context.dialogue import Dialogue
from bot.engine.outbound import Outbound
from bot.engine.types import Incoming
from community.models import Person, Role
from community.services.domain import Domain
from community.services.people import Speaker
from config import Settings


@dataclass
class Who:
    incoming: Incoming
    domain: Domain
    settings: Settings
    dialogue: Dialogue
    out: Outbound
    person: Person | None  # the stored person (None for a stranger)
    locale: str  # the language to answer in

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
            incoming, row = self.incoming, self.dialogue.row
            chosen = row.locale if row is not None else None
            self.person = self.domain.people.create(
                incoming.platform, incoming.user_id, incoming.chat_id, role, chosen
            )
            self.dialogue.link(self.person.id)
        return self.person

    def require_person(self) -> Person:
        if self.person is None:
            raise LookupError("this handler needs a registered person")
        return self.person

    def erase_person(self) -> None:
        """Delete the person and all their data; replies still go out, linked to no one, and
        are deleted once sent. Only the language they chose is kept, under a pseudonym."""
        self.domain.privacy.erase(self.require_person())
        self.person, self.out.erased = None, True
        self.dialogue.forget()
        incoming = self.incoming
        self.domain.dialogues.remember_erased_locale(
            incoming.platform, incoming.user_id, self.locale
        )

    def set_locale(self, locale: str) -> None:
        self.locale = locale
        if self.person is not None:
            self.person.locale = locale
        self.domain.dialogues.remember_locale(self.incoming.platform, self.incoming.user_id, locale)
