"""The `ouderkring` command: parses input and calls the app. No logic of its own."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from community.db import SchemaOutdated

app = typer.Typer(
    help="Ouderkring: a chat bot that connects parents to each other and to school.",
    no_args_is_help=True,
    add_completion=False,
    # Tracebacks with local variables could show a token or database password.
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="The TOML config file (default: $OUDERKRING_CONFIG, "
        "else the shipped example with the Arnhem demo community).",
    ),
]


def _settings(config: Path | None):  # type: ignore[no-untyped-def]
    from config import ConfigError, load_settings

    try:
        return load_settings(config)
    except ConfigError as exc:
        typer.echo(f"Configuration error in {exc.path}, field {exc.field}: {exc.problem}", err=True)
        raise typer.Exit(2) from None


def _console(config: Path | None, migrate: bool) -> None:
    from bot.app import build_app
    from bot.console import ConsoleTransport, run_console

    settings = _settings(config)
    try:
        built = build_app(settings, [ConsoleTransport(sys.stdout)], migrate=migrate)
    except SchemaOutdated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    try:
        asyncio.run(run_console(built, sys.stdin))
    finally:
        built.close()


@app.callback()
def _logging(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="More log lines.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@app.command()
def demo(config: ConfigOption = None) -> None:
    """Try the bot now: set up the database and chat in the console with the demo community."""
    typer.echo(
        "Ouderkring demo. Try:  anna: /start ARNHEM   The user 'admin' is the admin.", err=True
    )
    _console(config, migrate=True)


@app.command()
def console(config: ConfigOption = None) -> None:
    """Chat with the bot in the terminal: lines NAME: TEXT or NAME@ROOM: TEXT."""
    _console(config, migrate=False)


# The adapter module of each chat platform; each has `run_forever(settings)`.
PLATFORM_RUNNERS = {"telegram": "bot.telegram.run"}


@app.command()
def run(config: ConfigOption = None) -> None:
    """Run the bot on the chat platforms that are configured (Telegram, Matrix)."""
    import importlib

    settings = _settings(config)
    runnable = [name for name in settings.platforms if name in PLATFORM_RUNNERS]
    if not runnable:
        typer.echo(
            'No chat platform to run: set platforms = ["telegram"] in the config file '
            "(and OUDERKRING_TELEGRAM_TOKEN). Use `ouderkring console` to run the bot in the "
            "terminal.",
            err=True,
        )
        raise typer.Exit(1)
    if len(runnable) > 1:
        typer.echo(f"Run one platform a process for now ({', '.join(runnable)}).", err=True)
        raise typer.Exit(2)
    module = importlib.import_module(PLATFORM_RUNNERS[runnable[0]])
    try:
        module.run_forever(settings)
    except SchemaOutdated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except module.FATAL as exc:  # a wrong token, another instance running
        typer.echo(f"{runnable[0]}: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command()
def link(
    community: Annotated[
        str | None, typer.Option(help="Community slug (default: every community).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the QR codes (PNG and SVG).")] = Path("."),
    config: ConfigOption = None,
) -> None:
    """Print each community's Telegram deep link and write it as a QR code for a poster."""
    from bot.telegram.links import deep_link, write_qr
    from bot.telegram.run import bot_username

    settings = _settings(config)
    chosen = [c for c in settings.communities if community in (None, c.slug)]
    if not chosen:
        slugs = ", ".join(c.slug for c in settings.communities) or "none configured"
        typer.echo(f"No community {community!r} ({slugs}).", err=True)
        raise typer.Exit(2)
    if not (settings.telegram and settings.telegram.username) and not settings.telegram_token:
        typer.echo(
            "Set [telegram] username in the config, or OUDERKRING_TELEGRAM_TOKEN to ask Telegram.",
            err=True,
        )
        raise typer.Exit(2)
    username = asyncio.run(bot_username(settings))
    for spec in chosen:
        url = deep_link(username, spec.invite_code)
        png, svg = write_qr(url, out, f"{spec.slug}-telegram")
        typer.echo(f"{spec.name}: {url}")
        typer.echo(f"  QR code: {png}  {svg}")


@app.command("check-config")
def check_config(config: ConfigOption = None) -> None:
    """Read the configuration and say whether it is valid."""
    settings = _settings(config)
    names = ", ".join(c.name for c in settings.communities) or "none"
    typer.echo(f"{settings.source}: valid. Communities: {names}.")


@app.command()
def code(
    role: Annotated[str, typer.Argument(help="coordinator or professional")],
    community: Annotated[
        str | None, typer.Option(help="Community slug (needed if several).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Make a one-time code that makes its user a coordinator or professional."""
    from bot.app import build_app
    from community.models import Role
    from community.services import communities, role_codes

    if role not in (Role.COORDINATOR.value, Role.PROFESSIONAL.value):
        typer.echo("ROLE must be coordinator or professional.", err=True)
        raise typer.Exit(2)
    settings = _settings(config)
    try:
        built = build_app(settings)
    except SchemaOutdated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    with built.session_factory.begin() as session:
        every = communities.all_communities(session)
        chosen = (
            communities.by_slug(session, community)
            if community
            else (every[0] if len(every) == 1 else None)
        )
        if chosen is None:
            slugs = ", ".join(c.slug for c in every) or "none configured"
            typer.echo(f"Name the community with --community ({slugs}).", err=True)
            raise typer.Exit(2)
        secret = role_codes.create(
            session, chosen, Role(role), built.clock, settings.role_code_days
        )
    built.close()
    typer.echo(f"One-time {role} code for {chosen.name}, valid {settings.role_code_days} days:")
    typer.echo(f"/start {secret}")


@db_app.command("upgrade")
def db_upgrade(config: ConfigOption = None) -> None:
    """Create or update the database schema to this version."""
    from community import db

    settings = _settings(config)
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    typer.echo(f"Database schema is at {db.current_revision(engine)}.")
    engine.dispose()


@db_app.command("current")
def db_current(config: ConfigOption = None) -> None:
    """Show the schema version of the database and the one this version needs."""
    from community import db

    settings = _settings(config)
    engine = db.make_engine(settings.database_url)
    typer.echo(f"Database: {db.current_revision(engine) or 'empty'}. Needed: {db.head_revision()}.")
    engine.dispose()


def main() -> None:
    app()
