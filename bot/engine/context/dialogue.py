"""The speaker's dialogue: the question a multi-step conversation (joining, a new prompt, a
profile change) asks them now, as the dialogue state the engine loaded with the event."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from bot.engine.types import Incoming
from community.services.domain import Domain
from community.views import DialogueView


@dataclass
class Dialogue:
    incoming: Incoming
    domain: Domain
    row: DialogueView | None  # stored even with no question open (the chosen language)
    person_id: int | None  # the speaker, once stored

    @property
    def state(self) -> DialogueView | None:
        """The open question, if any."""
        row = self.row
        return row if row is not None and row.flow is not None else None

    def enter(self, flow: str, step: str, **data: Any) -> DialogueView:
        """Go to a question: a new token makes the buttons of every earlier question old."""
        incoming = self.incoming
        self.row = self.domain.dialogues.enter(
            incoming.platform, incoming.user_id, self.person_id, flow, step, data,
            secrets.token_hex(3), incoming.chat_id if incoming.is_private else None,
        )  # fmt: skip
        return self.row

    def remember(self, **changes: Any) -> None:
        state = self.state
        if state is not None:
            self.row = self.domain.dialogues.remember(state, **changes)

    def leave(self) -> None:
        state = self.state
        if state is not None:
            self.row = self.domain.dialogues.leave(state)

    def link(self, person_id: int) -> None:
        """The speaker was just stored: their dialogue is theirs now."""
        self.person_id = person_id
        if self.row is not None:
            self.row = self.domain.dialogues.link_person(self.row, person_id)

    def forget(self) -> None:
        """The speaker was erased, their dialogue state with them."""
        self.row, self.person_id = None, None
