"""The `ouderkring` command: parses input and calls the app. No logic of its own, except turning
the mistakes an installer can fix into one or two plain lines instead of a traceback."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.cli_errors import explain
from bot.cli_i18n import i18n_app
from bot.cli_match import register as register_match
from bot.cli_ops import register as register_ops
from bot.cli_prompts import prompts_app
from bot.cli_prompts import register as register_prompts
from bot.cli_roles import role_app
from bot.cli_run import register as register_run
from bot.cli_shared import ConfigOption, community_problem, load

if TYPE_CHECKING:
    pass

app = typer.Typer(
    help="Ouderkring: a chat bot that connects parents to each other and to school.",
    no_args_is_help=True,
    add_completion=False,
    # Plain help: flags shown as flags (no "<bool>"), [[prompt]] kept as typed.
    rich_markup_mode=None,
    # Tracebacks with local variables could show a token or database password.
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(db_app, name="db")
app.add_typer(prompts_app, name="prompts")
app.add_typer(role_app, name="role")
app.add_typer(i18n_app, name="i18n")
register_ops(app)  # backup, restore, doctor
register_prompts(app)  # reach


def _console(config: Path | None, migrate: bool) -> None:
    from bot.app import build_app
    from bot.console import ConsoleTransport, run_console
    from community.clock import ShiftedClock

    settings = load(config)
    missing = None if migrate else _missing_sqlite_file(settings.database_url)
    if missing is not None:  # opening it would leave an empty database file behind
        typer.echo(
            f"There is no database at {missing} yet.\n"
            "Start with `ouderkring demo`, or make it with `ouderkring db upgrade`.",
            err=True,
        )
        raise typer.Exit(1)
    # A clock that /tick HH:MM can move on (bot/console_jobs.py).
    built = build_app(
        settings, [ConsoleTransport(sys.stdout)], clock=ShiftedClock(), migrate=migrate
    )
    try:
        asyncio.run(run_console(built, sys.stdin))
    finally:
        built.close()


def _missing_sqlite_file(database_url: str) -> Path | None:
    """The SQLite file of the URL when it does not exist (None for PostgreSQL or memory)."""
    try:
        url = make_url(database_url)
    except (ArgumentError, ValueError):
        return None  # main() explains a bad URL when the app is built
    name = url.database or ""
    if url.get_backend_name() != "sqlite" or name in ("", ":memory:") or name.startswith("file:"):
        return None
    path = Path(name).expanduser().absolute()
    return None if path.exists() else path


@app.callback()
def _logging(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="More log lines.")] = False,
) -> None:
    from bot.logs import configure_logging

    # With the filter that keeps tokens, texts and ids out of every log line (bot/logs.py).
    configure_logging(verbose)


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


register_run(app)  # `ouderkring run` and `link`: bot/cli_run.py
register_match(app)  # `ouderkring match`: bot/cli_match.py


@app.command("check-config")
def check_config(config: ConfigOption = None) -> None:
    """Read the configuration and say whether it is valid."""
    settings = load(config)
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
    settings = load(config)
    built = build_app(settings)
    with built.session_factory.begin() as session:
        every = communities.all_communities(session)
        chosen = (
            communities.by_slug(session, community)
            if community
            else (every[0] if len(every) == 1 else None)
        )
        if chosen is None:
            typer.echo(community_problem(community, [c.slug for c in every]), err=True)
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

    settings = load(config)
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    typer.echo(f"Database schema is at {db.current_revision(engine)}.")
    engine.dispose()


@db_app.command("current")
def db_current(config: ConfigOption = None) -> None:
    """Show the schema version of the database and the one this version needs."""
    from community import db

    settings = load(config)
    engine = db.make_engine(settings.database_url)
    typer.echo(f"Database: {db.current_revision(engine) or 'empty'}. Needed: {db.head_revision()}.")
    engine.dispose()


def main() -> None:
    try:
        app(prog_name="ouderkring")
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            raise  # a bug: the traceback helps whoever reports it
        message, code = explained
        typer.echo(message, err=True)
        raise SystemExit(code) from None
