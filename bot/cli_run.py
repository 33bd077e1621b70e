"""`ouderkring run`: the bot on the configured platforms, with the outbox sender, the leader's
scheduler and pollers (bot/leader.py) and the health and metrics server (bot/metrics.py)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated

import typer

from community.db import SchemaOutdated

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="The TOML config file.")]


def register(app: typer.Typer) -> None:
    """Add `run` to the `ouderkring` command."""
    app.command("run")(run)


def run(config: ConfigOption = None) -> None:
    """Run the bot on the chat platforms that are configured (`platforms`)."""
    from bot.app import build_app
    from bot.cli import _settings
    from bot.engine.port import Transport
    from bot.logs import announce, use_format

    settings = _settings(config)

    use_format(settings.monitoring.log_format)
    if settings.privacy.controller is None:
        announce(
            "Warning: the config has no [privacy] table: /privacy cannot tell parents who runs "
            "the bot (README, Configuration).",
            logging.WARNING,
        )
    transports: list[Transport] = []
    runners = []
    if "telegram" in settings.platforms:
        from bot.telegram.run import run_telegram, telegram_adapter

        telegram = telegram_adapter(settings)
        transports.append(telegram.transport)
        runners.append(lambda built, lead, stop: run_telegram(built, telegram, stop, lead))
    if "matrix" in settings.platforms:
        from bot.matrix.runner import matrix_transport, run_matrix

        matrix = matrix_transport(settings)
        transports.append(matrix)
        runners.append(lambda built, lead, stop: run_matrix(built, matrix, stop, lead=lead))
    if not runners:
        typer.echo(
            'No chat platform is configured: set platforms = ["telegram"] and/or ["matrix"] '
            'in the config (README, "Run on Telegram", "Run on Matrix"), or use '
            "`ouderkring console`.",
            err=True,
        )
        raise typer.Exit(1)
    try:
        built = build_app(settings, transports)
    except SchemaOutdated as exc:
        announce(str(exc), logging.ERROR)
        raise typer.Exit(1) from None
    from bot.leader import LeadershipLost
    from bot.matrix.client import MatrixLoginError
    from bot.telegram.run import TelegramFatal

    try:
        asyncio.run(_serve(built, runners))
    except TelegramFatal as exc:  # a wrong token, a second instance: one line, no token
        announce(f"Telegram: {exc}", logging.ERROR)
        raise typer.Exit(1) from None
    except MatrixLoginError as exc:  # a refused access token: one line, no token
        announce(f"Matrix: {exc}", logging.ERROR)
        raise typer.Exit(1) from None
    except LeadershipLost as exc:
        announce(f"Stopped: {exc}", logging.ERROR)
        raise typer.Exit(3) from None
    finally:
        built.close()


async def _serve(built, runners) -> None:  # type: ignore[no-untyped-def]
    """Every platform's listener, one outbox sender, the leadership (the scheduler, and the
    listeners that only the leader runs) and the health server, until SIGINT or SIGTERM."""
    import signal

    from bot.leader import Leadership

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    lead = Leadership(built)
    tasks = [asyncio.ensure_future(r(built, lead, stop)) for r in runners]
    tasks.append(asyncio.ensure_future(lead.run(stop)))
    tasks.append(asyncio.ensure_future(built.dispatcher.run(stop=stop)))
    listen = built.settings.monitoring.listen
    if listen is not None and built.metrics is not None:
        from bot.metrics import serve

        served = serve(built.metrics, built.session_factory, listen, stop)
        tasks.append(asyncio.ensure_future(served))
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if task.exception() is not None:
                stop.set()
                raise task.exception()  # type: ignore[misc]
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
