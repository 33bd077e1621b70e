"""Wiring for `ouderkring run` and `ouderkring link` on Telegram: settings -> options, the
adapter whose transport the app is built with, and the adapter connected to the app. The CLI
runs `run_telegram` next to the app's one outbox sender."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.error import Conflict, InvalidToken

from bot.engine.port import PlatformFatal
from bot.logs import announce
from bot.telegram.adapter import TelegramAdapter, TelegramOptions, make_bot
from bot.telegram.menu import CommandMenus
from bot.telegram.settings import TelegramSettings


class TelegramFatal(PlatformFatal):
    """A problem only the operator can fix, told in one line (and never with the token)."""

    platform_title = "Telegram"


def telegram_section(settings: Any) -> TelegramSettings:
    """The `[telegram]` section of loaded Settings (the defaults when it has none)."""
    return settings.section("telegram") or TelegramSettings()


def options_from(settings: Any) -> TelegramOptions:
    """TelegramOptions from the loaded Settings (token from the environment)."""
    tg = telegram_section(settings)
    if not tg.token:
        raise ValueError("OUDERKRING_TELEGRAM_TOKEN is not set")
    api = tg.api_url.rstrip("/")
    return TelegramOptions(
        token=tg.token,
        mode=tg.mode,
        webhook_url=tg.webhook_url,
        webhook_listen=tg.webhook_listen,
        webhook_port=tg.webhook_port,
        webhook_secret=tg.webhook_secret,
        username=tg.username,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
    )


def telegram_adapter(settings: Any, options: TelegramOptions | None = None) -> TelegramAdapter:
    """The adapter (and with it the transport, `adapter.transport`) before the app exists:
    the app is built with the transport, then `run_telegram` connects the two."""
    options = options or options_from(settings)

    async def not_wired(incoming: Any) -> Any:  # replaced by run_telegram before any update
        raise RuntimeError("the Telegram adapter is not connected to the app")

    return TelegramAdapter(make_bot(options), not_wired, options)


def connect(app: Any, adapter: TelegramAdapter) -> None:
    """Updates go to the app; the command menus read the app's database and catalogs."""
    adapter.handle = app.process
    adapter.menus = CommandMenus(app.session_factory, app.translator, app.settings)


async def run_telegram(
    app: Any, adapter: TelegramAdapter, stop: asyncio.Event, lead: Any | None = None
) -> None:
    """Receive Telegram updates until `stop` is set (the outbox sender runs beside it). Long
    polling waits until this process leads (`lead`: bot/leader.py; Telegram serves one poller);
    behind a webhook every process takes the updates posted to it."""
    connect(app, adapter)
    announce(f"Ouderkring runs on Telegram ({adapter.options.mode}). Ctrl-C or SIGTERM stops it.")
    may_poll = None if lead is None else (lambda: lead.wait(stop))
    adapter.handle = app.accept  # replies go in the background: no chat waits for another
    try:
        await adapter.run(stop, may_poll=may_poll)
    except InvalidToken:  # PTB's own message would print the token
        raise TelegramFatal(
            "the bot token in OUDERKRING_TELEGRAM_TOKEN was refused (check it with @BotFather)"
        ) from None
    except Conflict:
        raise TelegramFatal(
            "another process gets this bot's updates (a second `ouderkring run`?): stop it first"
        ) from None
    finally:
        await app.drain()


def build(settings: Any, options: TelegramOptions | None = None, **build_kwargs: Any):  # type: ignore[no-untyped-def]
    """The app with the Telegram transport, and the adapter connected to it (for tests)."""
    from bot.app import build_app

    adapter = telegram_adapter(settings, options)
    app = build_app(settings, [adapter.transport], **build_kwargs)
    connect(app, adapter)
    return app, adapter


async def bot_username(settings: Any) -> str:
    """The bot's @name: from the config, else from Telegram (getMe)."""
    username = telegram_section(settings).username
    if username:
        return username
    bot = make_bot(options_from(settings))
    async with bot:
        return str(bot.username)


async def check_token(settings: Any) -> str:
    """For `ouderkring doctor`: ask Telegram who the token belongs to (getMe) and, in webhook
    mode, whether Telegram has trouble posting updates. What was found, in one line; a
    TelegramFatal in plain words when something is wrong (never with the token)."""
    from telegram.error import NetworkError, TelegramError

    options = options_from(settings)
    bot = make_bot(options)
    try:
        async with bot:
            found = f"the token belongs to @{bot.username}"
            if options.mode != "webhook":
                return found
            info = await bot.get_webhook_info()
    except InvalidToken:
        raise TelegramFatal(
            "Telegram refused the bot token in OUDERKRING_TELEGRAM_TOKEN: check it with @BotFather"
        ) from None
    except NetworkError as exc:
        raise TelegramFatal(
            f"cannot reach the Bot API at {options.base_url.removesuffix('/bot')} ({exc.message}): "
            "check the network and [telegram] api_url"
        ) from None
    except TelegramError as exc:
        raise TelegramFatal(f"Telegram answered: {exc.message}") from None
    if info.url != options.webhook_url:
        return f"{found}; the webhook is not set yet (`ouderkring run` sets it at start)"
    if info.last_error_message:
        raise TelegramFatal(
            f"Telegram cannot post updates to {info.url}: {info.last_error_message} "
            f"({info.pending_update_count} waiting): check the reverse proxy and its certificate"
        )
    return f"{found}; Telegram posts updates to the webhook without errors"
