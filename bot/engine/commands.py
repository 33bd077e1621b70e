"""The command table: which command runs which handler, and which roles may use it.

`/help` is built from this table, so a role only ever sees the commands it may use.
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


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    roles: frozenset[Role] | None  # None: everyone, also people who have not joined yet
    help_by_role: tuple[tuple[Role, str], ...] = ()  # a role that may do less is told so
    in_groups: bool = False  # typed in a group room (linking it), not in a private chat
    # The handler itself checks the group's community and says more than a plain refusal
    # (a group of another community, a member who has not joined); otherwise the engine lets
    # a group command through only in a group of the speaker's own community.
    room_checked: bool = False
    anywhere: bool = False  # in any group room, for everyone (the rules of the group)

    def allowed(self, role: Role) -> bool:
        return self.roles is None or role in self.roles

    @property
    def help_id(self) -> str:
        return f"help.cmd.{self.name}"

    def help_for(self, role: Role) -> str:
        return dict(self.help_by_role).get(role, self.help_id)


COMMANDS: dict[str, Command] = {}


def command(
    name: str,
    roles: frozenset[Role] | None = REGISTERED,
    help_by_role: dict[Role, str] | None = None,
    in_groups: bool = False,
    room_checked: bool = False,
    anywhere: bool = False,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in COMMANDS:
            raise ValueError(f"two commands named /{name}")
        help_ids = tuple((help_by_role or {}).items())
        COMMANDS[name] = Command(
            name, handler, roles, help_ids, in_groups, room_checked or anywhere, anywhere
        )
        return handler

    return register


# Only for people who have not joined: /help of someone who has does not offer it.
JOINING_ONLY = {"start"}


def visible_to(role: Role) -> list[Command]:
    return [
        cmd
        for cmd in COMMANDS.values()
        if cmd.allowed(role) and not (role is not Role.GUEST and cmd.name in JOINING_ONLY)
    ]
