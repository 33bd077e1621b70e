"""Buttons that live outside a dialogue: an RSVP pressed days later, a coordinator's approve or
reject. Such a button carries its action's name and arguments in its data (`a:NAME:ARG:ARG`,
encoded by community/buttons.py), within the 64 bytes every platform allows; nothing is
remembered in memory, so a restart never breaks a button already on a phone. On arrival the
engine checks that the data was sent to the presser (its signature) and the presser's role; the
handler checks the arguments against the database: the thing exists, is still open, and is the
presser's to act on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.context import Context
from community import buttons as codec
from community.actions import Button
from community.models import Role

ButtonHandler = Callable[[Context, tuple[str, ...]], None]


@dataclass(frozen=True)
class ButtonAction:
    name: str
    handler: ButtonHandler
    roles: frozenset[Role] | None = None  # None: anyone who can see the button
    # Buttons of one topic (with the same first argument) answer one thing, asked in steps
    # (an RSVP, then how many children): a later step does not close the earlier one.
    topic: str = ""
    # A typed message that picks none of the buttons still answers (a question prompt's words).
    takes_text: bool = False

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or ":" in self.name:
            raise ValueError(f"bad button action name {self.name!r}")

    def topic_of(self, args: tuple[str, ...]) -> str:
        return f"{self.topic or self.name}:{args[0] if args else ''}"

    def allowed(self, role: Role) -> bool:
        return self.roles is None or role in self.roles


def action_button(label: str, name: str, *args: str | int) -> Button:
    """A button that runs the action `name` of the handler table with `args` when pressed
    (signed for its recipient when the outbox queues it)."""
    return Button(label, codec.action_data(name, *args))
