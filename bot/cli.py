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


@app.command()
def run(config: ConfigOption = None) -> None:
    """Run the bot on the chat platforms that are configured (`platforms` in [bot])."""
    from bot.app import build_app

    settings = _settings(config)
    transports, runners = [], []
    if "matrix" in settings.platforms:
        from bot.matrix.runner import matrix_transport, run_matrix

        matrix = matrix_transport(settings)
        transports.append(matrix)
        runners.append(lambda built, stop: run_matrix(built, matrix, stop))
    if not runners:
        typer.echo(
            'No chat platform is configured: set platforms = ["matrix"] in [bot] '
            '(see README, "Run on Matrix"), or use `ouderkring console`.',
            err=True,
        )
        raise typer.Exit(1)
    try:
        built = build_app(settings, transports)
    except SchemaOutdated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    from bot.matrix.client import MatrixLoginError

    try:
        asyncio.run(_serve(built, runners))
    except MatrixLoginError as exc:
        typer.echo(f"Matrix login refused: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        built.close()


async def _serve(built, runners) -> None:  # type: ignore[no-untyped-def]
    """Every platform's listener and one outbox sender, until SIGINT or SIGTERM."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.ensure_future(r(built, stop)) for r in runners]
    tasks.append(asyncio.ensure_future(built.dispatcher.run(stop=stop)))
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if task.exception() is not None:
                stop.set()
                raise task.exception()  # type: ignore[misc]
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)


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
