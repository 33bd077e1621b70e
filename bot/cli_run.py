"""`ouderkring run`: the bot on the configured platforms, with the outbox sender, the leader's
scheduler and pollers (bot/leader.py) and the health and metrics server (bot/metrics.py); and
`ouderkring link`, each platform's join links as QR codes. Both read the platform registry
(bot/platforms.py) and know no platform by name."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot import cli_shared
from bot.cli_shared import ConfigOption
from community.db import SchemaOutdated

if TYPE_CHECKING:
    from bot.kit.platform import Platform, Started
    from config import Settings


def register(app: typer.Typer) -> None:
    """Add `run` and `link` to the `ouderkring` command."""
    app.command("run")(run)
    app.command("link")(link)


def run(config: ConfigOption = None) -> None:
    """Run the bot on the chat platforms that are configured (`platforms`)."""
    from bot.logs import announce, use_format
    from bot.platforms import PLATFORMS

    settings = cli_shared.load(config)
    use_format(settings.monitoring.log_format)
    if settings.privacy.controller is None:
        announce(
            "Warning: the config has no [privacy] table: /privacy cannot tell parents who runs "
            "the bot (README, Configuration).",
            logging.WARNING,
        )
    if not settings.platforms:
        typer.echo(
            'No chat platform is configured: set platforms = ["telegram"] and/or ["matrix"] '
            'in the config (README, "Run on Telegram", "Run on Matrix"), or use '
            "`ouderkring console`.",
            err=True,
        )
        raise typer.Exit(1)
    raise typer.Exit(run_platforms(settings, PLATFORMS))


def run_platforms(settings: Settings, registry: Mapping[str, Platform]) -> int:
    """Build the app on the platforms `settings.platforms` names and serve until stopped; the
    exit status (0 stopped, 1 a problem only the operator can fix, 3 leadership lost)."""
    from bot.app import build_app
    from bot.engine.port import PlatformFatal
    from bot.leader import LeadershipLost
    from bot.logs import announce

    started = [registry[name].start(settings) for name in settings.platforms]
    try:
        built = build_app(settings, [s.transport for s in started])
    except SchemaOutdated as exc:
        announce(str(exc), logging.ERROR)
        return 1
    try:
        asyncio.run(_serve(built, started))
    except PlatformFatal as exc:  # a wrong token, a second instance: one line, no token
        announce(f"{exc.platform_title}: {exc}", logging.ERROR)
        return 1
    except LeadershipLost as exc:
        announce(f"Stopped: {exc}", logging.ERROR)
        return 3
    finally:
        built.close()
    return 0


async def _serve(built, started: Sequence[Started]) -> None:  # type: ignore[no-untyped-def]
    """Every platform's listener, one outbox sender, the leadership (the scheduler, and the
    listeners that only the leader runs) and the health server, until SIGINT or SIGTERM."""
    import signal

    from bot.leader import Leadership

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    lead = Leadership(built)
    tasks = [asyncio.ensure_future(s.run(built, stop, lead)) for s in started]
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


def link(
    community: Annotated[
        str | None, typer.Option(help="Community slug (default: every community).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the QR codes (PNG and SVG).")] = Path("."),
    config: ConfigOption = None,
) -> None:
    """Print each community's join links (Telegram deep links) and write each as a QR code for
    a poster."""
    from bot.kit.qr import write_qr
    from bot.platforms import PLATFORMS

    settings = cli_shared.load(config)
    chosen = [c for c in settings.communities if community in (None, c.slug)]
    if not chosen:
        known = [c.slug for c in settings.communities]
        typer.echo(cli_shared.community_problem(community, known), err=True)
        raise typer.Exit(2)
    linking = [p for p in PLATFORMS.values() if p.links is not None and p.link_problem]
    problems = {p.name: p.link_problem(settings) for p in linking}  # type: ignore[misc]
    ready = [p for p in linking if problems[p.name] is None]
    if not ready:
        for problem in problems.values():
            typer.echo(problem, err=True)
        raise typer.Exit(2)
    for platform in ready:
        assert platform.links is not None
        urls = asyncio.run(platform.links(settings, [spec.invite_code for spec in chosen]))
        for spec, url in zip(chosen, urls, strict=True):
            png, svg = write_qr(url, out, f"{spec.slug}-{platform.name}")
            typer.echo(f"{spec.name}: {url}")
            typer.echo(f"  QR code: {png}  {svg}")
