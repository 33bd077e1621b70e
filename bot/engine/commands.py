"""A command: which handler it runs, and which roles may use it where. The commands themselves
are listed in the handler table (bot/engine/handler_table.py); `/help` is built from it, so a
role only ever sees the commands it may use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.context import Context
from community.models import Role

Handler = Callable[[Context], None]

REGISTERED = frozenset(
    {Role.PARENT, Role.TRANSLATOR, Role.PROFESSIONAL, Role.COORDINATOR, Role.ADMIN}
)
STAFF = frozenset({Role.COORDINATOR, Role.ADMIN})
PARENTS = frozenset({Role.PARENT})


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    roles: frozenset[Role] | None = REGISTERED  # None: everyone, also people not joined yet
    help_by_role: tuple[tuple[Role, str], ...] = ()  # a role that may do less is told so
    in_groups: bool = False  # typed in a group room (linking it), not in a private chat
    # The handler itself checks the group's community and says more than a plain refusal
    # (a group of another community, a member who has not joined); otherwise the engine lets
    # a group command through only in a group of the speaker's own community.
    room_checked: bool = False
    anywhere: bool = False  # in any group room, for everyone (the rules of the group)

    def __post_init__(self) -> None:
        if self.anywhere:  # a command for any room checks the room itself
            object.__setattr__(self, "room_checked", True)

    def allowed(self, role: Role) -> bool:
        return self.roles is None or role in self.roles

    @property
    def help_id(self) -> str:
        return f"help.cmd.{self.name}"

    def help_for(self, role: Role) -> str:
        return dict(self.help_by_role).get(role, self.help_id)


# Only for people who have not joined: /help of someone who has does not offer it.
JOINING_ONLY = {"start"}
