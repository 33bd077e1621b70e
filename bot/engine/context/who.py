"""Who is talking: their role, their plain values (`speaker`), the language to answer them in,
and storing or erasing them. The stored person stays in the domain: `speaker` is read from it
afresh each time, so it shows what a handler just changed through the domain."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.context.dialogue import Dialogue
from bot.engine.outbound import Outbound
from bot.engine.types import Incoming
from community.models import Role
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
    person_id: int | None  # the stored person (None for a stranger)
    locale: str  # the language to answer in

    @property
    def speaker(self) -> Speaker | None:
        """The stored person talking, as plain values (None for a stranger)."""
        return self.domain.people.speaker(self.person_id) if self.person_id is not None else None

    @property
    def role(self) -> Role:
        if self.settings.is_admin(self.incoming.platform, self.incoming.user_id):
            return Role.ADMIN
        role = self.domain.people.role(self.person_id) if self.person_id is not None else None
        return role if role is not None else Role.GUEST

    def require_speaker(self) -> Speaker:
        """The stored person talking, for a handler that needs one."""
        speaker = self.speaker
        if speaker is None:
            raise LookupError("this handler needs a registered person")
        return speaker

    def ensure_speaker(self, role: Role = Role.GUEST) -> Speaker:
        """The person talking, stored now (with the language they chose) if they were not."""
        if self.person_id is None:
            incoming, row = self.incoming, self.dialogue.row
            chosen = row.locale if row is not None else None
            created = self.domain.people.create(
                incoming.platform, incoming.user_id, incoming.chat_id, role, chosen
            )
            self.person_id = created.id
            self.dialogue.link(self.person_id)
        return self.require_speaker()

    def erase_person(self) -> None:
        """Delete the person and all their data; replies still go out, linked to no one, and
        are deleted once sent. Only the language they chose is kept, under a pseudonym."""
        self.domain.privacy.erase(self.require_speaker())
        self.person_id, self.out.erased = None, True
        self.dialogue.forget()
        incoming = self.incoming
        self.domain.dialogues.remember_erased_locale(
            incoming.platform, incoming.user_id, self.locale
        )

    def set_locale(self, locale: str) -> None:
        self.locale = locale
        speaker = self.speaker
        if speaker is not None:
            self.domain.people.set_locale(speaker, locale)
        incoming = self.incoming
        row = self.domain.dialogues.remember_locale(incoming.platform, incoming.user_id, locale)
        self.dialogue.row = row
