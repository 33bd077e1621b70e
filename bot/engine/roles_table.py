"""Who may use what, where: the one source for the README's roles table and for the test that
tries every command and button as every role (tests/bot/engine/test_role_table.py).

The rules are read from the handler table (bot/engine/handler_table.py), so a new command is
in the table and in the test as soon as it is listed there. Regenerate the README's table with
``python -m bot.engine.roles_table --write``.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path

from bot.engine.buttons import ButtonAction
from bot.engine.commands import Command
from bot.engine.handler_table import HANDLERS
from community.i18n import Translator
from community.models import Role

ROLES: tuple[Role, ...] = (
    Role.GUEST,
    Role.PARENT,
    Role.TRANSLATOR,
    Role.PROFESSIONAL,
    Role.COORDINATOR,
    Role.ADMIN,
)
README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN, END = "<!-- roles table: begin -->", "<!-- roles table: end -->"


class Place(enum.Enum):
    PRIVATE = "a private chat with the bot"
    OWN_GROUP = "a group room of their own community"
    OTHER_GROUP = "a group room of another community"


def command_allowed(command: Command, role: Role, place: Place) -> bool:
    """Whether `role` may use `command` in `place`. A guest belongs to no community yet, so no
    group room is their own; an admin belongs to every community."""
    if not command.allowed(role):
        return False
    if place is Place.PRIVATE:
        return True
    if not command.in_groups:
        return False  # answered with a request for a private message
    if command.anywhere or role is Role.ADMIN:
        return True
    return place is Place.OWN_GROUP and role is not Role.GUEST


def button_allowed(action: ButtonAction, role: Role, place: Place) -> bool:
    """Buttons outside a dialogue are pressed in a private chat; in a group they do nothing."""
    return place is Place.PRIVATE and action.allowed(role)


def _cells(allowed: list[bool]) -> str:
    return " | ".join("yes" if ok else "-" for ok in allowed)


def _where(command: Command) -> str:
    if command.anywhere:
        return "in a private chat and in any group room"
    if command.in_groups:
        return "in a group room of their community (admin: any)"
    return "in a private chat"


def render(translator: Translator | None = None) -> str:
    """The README's roles table: every command and button action, and who may use it."""
    translator = translator or Translator(("en",))
    names = " | ".join(role.value for role in ROLES)
    lines = [
        f"| command | {names} | where | what |",
        "|---|" + "---|" * len(ROLES) + "---|---|",
    ]
    for command in HANDLERS.commands.values():
        place = Place.OWN_GROUP if command.in_groups else Place.PRIVATE
        allowed = [command_allowed(command, role, place) for role in ROLES]
        what = translator.t("en", command.help_id)
        lines.append(f"| `/{command.name}` | {_cells(allowed)} | {_where(command)} | {what} |")
    lines += ["", f"| button | {names} |", "|---|" + "---|" * len(ROLES)]
    for action in HANDLERS.buttons.values():
        allowed = [button_allowed(action, role, Place.PRIVATE) for role in ROLES]
        lines.append(f"| `{action.name}` | {_cells(allowed)} |")
    return "\n".join(lines) + "\n"


def readme_table(text: str) -> str:
    """The table between the markers in the README's text."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[start:end].strip("\n") + "\n"


def write(path: Path = README) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    path.write_text(text[:start] + "\n" + render() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        sys.stdout.write(render())
