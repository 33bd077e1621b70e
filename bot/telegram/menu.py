"""The command menu (`setMyCommands`) per language and per role.

Built from the engine's command table and the `help.cmd.*` catalog texts, so the menu always
lists what `/help` lists:

- all private chats: a parent's commands, once per shipped language (Telegram shows the one
  that matches the app's language) and once without a language (the default locale);
- all group chats: only the commands the bot answers in a group; group admins (coordinators
  made the group) also see the commands typed in a group (`/linkgroup`);
- one person's private chat: the commands of their role in the language they chose, set when
  the adapter first sees them after a start and again when their role or language changes
  (a coordinator sees /code and /community, a parent does not).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

log = logging.getLogger(__name__)

PLATFORM = "telegram"
GROUP_COMMANDS = ("start", "help", "report", "rules")  # what anyone may type in a group
BOTH_CHATS = ("rules",)  # typed in a group and in a private chat alike
_DESCRIPTION_LIMIT = 256


@dataclass
class CommandMenus:
    """What the menus hold; reads the person's role and language from the database."""

    session_factory: Any  # sessionmaker
    translator: Any  # community.i18n.Translator
    settings: Any  # config.Settings
    _set_for: dict[str, tuple[str, str]] = field(default_factory=dict)

    def commands(self, role: Any, locale: str) -> list[BotCommand]:
        from bot.engine.handler_table import HANDLERS

        return [
            BotCommand(cmd.name, self._describe(locale, cmd.help_id))
            for cmd in HANDLERS.visible_to(role)
            if cmd.name.isascii()
            and len(cmd.name) <= 32
            and (not getattr(cmd, "in_groups", False) or cmd.name in BOTH_CHATS)
        ]

    def group_commands(self, locale: str, admins: bool = False) -> list[BotCommand]:
        from bot.engine.handler_table import HANDLERS

        names = list(GROUP_COMMANDS)
        if admins:
            names += [
                c.name
                for c in HANDLERS.commands.values()
                if getattr(c, "in_groups", False) and c.name not in names
            ]
        return [BotCommand(name, self._describe(locale, f"help.cmd.{name}")) for name in names]

    def _describe(self, locale: str, msgid: str) -> str:
        text = self.translator.t(locale, msgid).strip() or msgid
        return text[:_DESCRIPTION_LIMIT]

    def _locales(self) -> list[str]:
        return list(self.translator.locales)

    async def install(self, bot: Bot) -> None:
        """The menus for everyone: private chats per language, and group chats."""
        from community.models import Role

        default = self.settings.default_locale
        private = BotCommandScopeAllPrivateChats()
        groups = BotCommandScopeAllGroupChats()
        admins = BotCommandScopeAllChatAdministrators()
        for locale in (None, *self._locales()):
            words = locale or default
            await self._set(bot, self.commands(Role.PARENT, words), private, locale)
            await self._set(bot, self.group_commands(words), groups, locale)
            await self._set(bot, self.group_commands(words, admins=True), admins, locale)

    async def refresh(self, bot: Bot, user_id: str, role: Any, locale: str | None) -> None:
        """Give one person the menu of their role in their language (once per change)."""
        from community.models import Role

        key = (str(role), locale or "")
        if self._set_for.get(user_id) == key:
            return
        self._set_for[user_id] = key
        scope = BotCommandScopeChat(int(user_id))
        if role is Role.GUEST and not locale:
            # Not (or no longer) known: the all-private-chats menu fits; drop a personal one
            # (someone who erased their data keeps no coordinator menu).
            try:
                await bot.delete_my_commands(scope=scope)
            except TelegramError as exc:
                log.warning("deleteMyCommands failed (%s)", exc.message)
            return
        await self._set(bot, self.commands(role, locale or self.settings.default_locale), scope)

    def lookup(self, user_id: str) -> tuple[Any, str | None]:
        """The role and chosen language of a Telegram user (blocking: run in a thread)."""
        from community.models import Role
        from community.services import people

        if self.settings.is_admin(PLATFORM, user_id):
            with self.session_factory() as session:
                person = people.find(session, PLATFORM, user_id)
                return Role.ADMIN, person.locale if person else None
        with self.session_factory() as session:
            person = people.find(session, PLATFORM, user_id)
            if person is None:
                return Role.GUEST, None
            return person.role, person.locale

    @staticmethod
    async def _set(
        bot: Bot, commands: list[BotCommand], scope: BotCommandScope, language: str | None = None
    ) -> None:
        try:
            await bot.set_my_commands(commands, scope=scope, language_code=language)
        except TelegramError as exc:  # a menu is a convenience: never fatal
            log.warning("setMyCommands failed (%s)", exc.message)
