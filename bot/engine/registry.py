"""The handlers one engine runs, looked up by name: its commands (in `/help` order), button
actions, dialogue questions and flows. Built from the one table the composition root hands over
(bot/engine/handler_table.py); nothing registers itself at import."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from bot.engine.buttons import ButtonAction
from bot.engine.commands import JOINING_ONLY, Command
from bot.engine.dialogue import Flow, Question
from community.models import Role

Entry = Command | ButtonAction | Question | Flow
T = TypeVar("T")


def _add(table: dict[str, T], kind: str, name: str, item: T) -> None:
    if not name or name in table:
        raise ValueError(f"two {kind} named {name!r}" if name else f"a {kind} with no name")
    table[name] = item


class Handlers:
    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self.commands: dict[str, Command] = {}
        self.buttons: dict[str, ButtonAction] = {}
        self.questions: dict[str, Question] = {}
        self.flows: dict[str, Flow] = {}
        for entry in entries:
            if isinstance(entry, Command):
                _add(self.commands, "commands", entry.name, entry)
            elif isinstance(entry, ButtonAction):
                _add(self.buttons, "button actions", entry.name, entry)
            elif isinstance(entry, Question):
                _add(self.questions, "questions", entry.name, entry)
            else:
                _add(self.flows, "flows", entry.name, entry)
        for each in self.flows.values():
            missing = [step for step in each.steps if step not in self.questions]
            if missing:
                raise ValueError(f"flow {each.name!r} asks unknown questions {missing}")

    def visible_to(self, role: Role) -> list[Command]:
        """The commands `/help` shows `role`, in the table's order."""
        return [
            cmd
            for cmd in self.commands.values()
            if cmd.allowed(role) and not (role is not Role.GUEST and cmd.name in JOINING_ONLY)
        ]

    def topics(self) -> dict[str, str]:
        """Button action name -> the topic it answers (community/buttons.py closes by it)."""
        return {action.name: action.topic or action.name for action in self.buttons.values()}
