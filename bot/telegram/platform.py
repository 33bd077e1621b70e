"""Telegram as a registry entry (bot/platforms.py): its section, its transport and listener
(long polling or webhook), its deep links."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from bot.kit.platform import Platform
from bot.telegram import CAPABILITIES
from bot.telegram.settings import ENV_TELEGRAM_TOKEN, load_telegram
from config.settings import Settings


class _Started:
    def __init__(self, settings: Settings) -> None:
        from bot.telegram.run import telegram_adapter

        self.adapter = telegram_adapter(settings)
        self.transport = self.adapter.transport

    async def run(self, app: Any, stop: asyncio.Event, lead: Any | None) -> None:
        from bot.telegram.run import run_telegram

        await run_telegram(app, self.adapter, stop, lead)


def _link_problem(settings: Settings) -> str | None:
    section = settings.section("telegram")
    if section is not None and (section.username or section.token):
        return None
    return f"Set [telegram] username in the config, or {ENV_TELEGRAM_TOKEN} to ask Telegram."


async def _links(settings: Settings, codes: Sequence[str]) -> list[str]:
    from bot.telegram.links import deep_link
    from bot.telegram.run import bot_username

    username = await bot_username(settings)
    return [deep_link(username, code) for code in codes]


async def _check(settings: Settings, timeout: float) -> str:
    from bot.telegram.run import TelegramFatal, check_token

    section = settings.section("telegram")
    if section is None or not section.token:
        raise TelegramFatal(f"set the bot token in {ENV_TELEGRAM_TOKEN}")
    try:
        return await asyncio.wait_for(check_token(settings), timeout)
    except TimeoutError:
        raise TelegramFatal("the Bot API did not answer in time: check the network") from None


TELEGRAM = Platform(
    name="telegram",
    capabilities=CAPABILITIES,
    load_section=load_telegram,
    start=_Started,
    link_problem=_link_problem,
    links=_links,
    check=_check,
)
