"""Wiring for `ouderkring run` and `ouderkring link` on Telegram: settings -> options, the app
with the Telegram transport, and the adapter with the outbox sender running alongside."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import Any

from telegram.error import Conflict, InvalidToken

from bot.telegram.adapter import TelegramAdapter, TelegramOptions, make_bot
from bot.telegram.menu import CommandMenus


class TelegramFatal(Exception):
    """A problem only the operator can fix, told in one line (and never with the token)."""


# Errors `ouderkring run` reports in one line instead of a traceback.
FATAL = (TelegramFatal,)


def options_from(settings: Any) -> TelegramOptions:
    """TelegramOptions from the loaded Settings (token from the environment)."""
    tg = settings.telegram
    if not settings.telegram_token:
        raise ValueError("OUDERKRING_TELEGRAM_TOKEN is not set")
    api = tg.api_url.rstrip("/") if tg is not None else "https://api.telegram.org"
    if tg is None:
        return TelegramOptions(token=settings.telegram_token)
    return TelegramOptions(
        token=settings.telegram_token,
        mode=tg.mode,
        webhook_url=tg.webhook_url,
        webhook_listen=tg.webhook_listen,
        webhook_port=tg.webhook_port,
        webhook_secret=tg.webhook_secret,
        username=tg.username,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
    )


def build(settings: Any, options: TelegramOptions | None = None, **build_kwargs: Any):  # type: ignore[no-untyped-def]
    """The app with the Telegram transport, and the adapter that feeds it."""
    from bot.app import build_app

    options = options or options_from(settings)

    async def not_ready(incoming: Any) -> Any:  # replaced below, before any update arrives
        raise RuntimeError("adapter not wired")

    adapter = TelegramAdapter(make_bot(options), not_ready, options)
    app = build_app(settings, [adapter.transport], **build_kwargs)
    adapter.handle = app.process
    adapter.menus = CommandMenus(app.session_factory, app.translator, settings)
    return app, adapter


async def serve(app: Any, adapter: TelegramAdapter, stop: asyncio.Event) -> None:
    """Receive updates and send the outbox until `stop` is set."""

    async def sender(stopped: asyncio.Event) -> None:
        await app.dispatcher.run(stop=stopped)

    await adapter.run(stop, background=sender)


def run_forever(settings: Any) -> None:
    """`ouderkring run` for Telegram: until SIGINT or SIGTERM."""
    app, adapter = build(settings)
    print(
        f"Ouderkring runs on Telegram ({adapter.options.mode}). Ctrl-C or SIGTERM stops it.",
        file=sys.stderr,
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await serve(app, adapter, stop)

    try:
        asyncio.run(main())
    except InvalidToken:  # PTB's own message would print the token
        raise TelegramFatal(
            "Telegram refused the bot token in OUDERKRING_TELEGRAM_TOKEN (check it with @BotFather)"
        ) from None
    except Conflict:
        raise TelegramFatal(
            "another process gets this bot's updates (a second `ouderkring run`?): stop it first"
        ) from None
    finally:
        app.close()


async def bot_username(settings: Any) -> str:
    """The bot's @name: from the config, else from Telegram (getMe)."""
    if settings.telegram is not None and settings.telegram.username:
        return str(settings.telegram.username)
    bot = make_bot(options_from(settings))
    async with bot:
        return str(bot.username)
