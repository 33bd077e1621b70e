"""The `ouderkring` command: parses input and calls the app. No logic of its own, except turning
the mistakes an installer can fix into one or two plain lines instead of a traceback."""

from __future__ import annotations

import asyncio
import os
import sys
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from bot.cli_i18n import i18n_app
from bot.cli_match import register as register_match
from bot.cli_ops import register as register_ops
from bot.cli_prompts import prompts_app
from bot.cli_prompts import register as register_prompts
from bot.cli_roles import role_app
from bot.cli_run import register as register_run
from community.db import SchemaOutdated
from config.exposure import current_user

if TYPE_CHECKING:
    from config import Settings

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

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="The TOML config file (default: $OUDERKRING_CONFIG, "
        "else the shipped example with the Arnhem demo community).",
    ),
]


# The settings of this run, so that a database error can say which URL and where it was set.
_SETTINGS: ContextVar[Settings | None] = ContextVar("settings", default=None)


def _settings(config: Path | None) -> Settings:
    from bot.logs import protect
    from bot.platforms import load_settings
    from config.exposure import exposed_config_warning

    settings = load_settings(config)
    _SETTINGS.set(settings)
    protect(settings)  # before anything can log a token, e.g. `link` asking Telegram
    warning = exposed_config_warning(settings.source)
    if warning is not None:
        typer.echo(warning, err=True)
    return settings


def _console(config: Path | None, migrate: bool) -> None:
    from bot.app import build_app
    from bot.console import ConsoleTransport, run_console
    from community.clock import ShiftedClock

    settings = _settings(config)
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


def _chosen_community(session, slug: str | None):  # type: ignore[no-untyped-def]
    """The community --community names, or the only one; exits 2 naming the choices."""
    from community.services import communities

    every = communities.all_communities(session)
    chosen = communities.by_slug(session, slug) if slug else None
    if chosen is None and slug is None and len(every) == 1:
        chosen = every[0]
    if chosen is None:
        typer.echo(community_problem(slug, [c.slug for c in every]), err=True)
        raise typer.Exit(2)
    return chosen


def community_problem(slug: str | None, known: list[str]) -> str:
    """Why --community chose nothing, naming the communities there are."""
    if not known:
        return "There is no community yet. Add one under [[community]] in the config file."
    names = ", ".join(known)
    if slug is not None:
        return f"There is no community {slug!r}. Known communities: {names}."
    return f"There are several communities. Choose one with --community ({names})."


def _built(config: Path | None):  # type: ignore[no-untyped-def]
    from bot.app import build_app

    try:
        return build_app(_settings(config))
    except SchemaOutdated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


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


# -- mistakes an installer can fix ------------------------------------------------------------


def _url_and_where() -> tuple[URL | None, str]:
    """The database URL in use (None if it does not parse) and where the installer changes it."""
    from config.settings import ENV_DATABASE_URL

    settings = _SETTINGS.get()
    if os.environ.get(ENV_DATABASE_URL):
        where = f"the environment variable {ENV_DATABASE_URL}"
    elif settings is not None:
        where = f"[database].url in {settings.source}"
    else:
        where = "[database].url in the config file"
    if settings is None:
        return None, where
    try:
        return make_url(settings.database_url), where
    except (ArgumentError, ValueError):
        return None, where


def _sqlite_problem(url: URL, where: str) -> str:
    name = url.database or ""
    if url.query.get("uri") == "true" and name.startswith("file:"):
        name = name.removeprefix("file:")  # SQLite's URI form, e.g. for mode=ro
    path = Path(name).expanduser().absolute()
    folder = path.parent
    if not folder.is_dir():
        return (
            f"The folder {folder} of the SQLite database does not exist.\n"
            f"Create it (mkdir -p {folder}) or change {where}."
        )
    if path.is_dir():
        return f"The SQLite database {path} is a folder.\nChange {where} to a file name."
    return (
        f"The SQLite database {path} cannot be opened for writing (read-only file or folder).\n"
        f"Let the user {current_user()} write the file and its folder {folder} "
        f"(SQLite writes -wal and -shm files next to it), or change {where}."
    )


def _database_problem(exc: DBAPIError) -> str | None:
    """What is wrong with the database or the way to it; None for what looks like a bug."""
    url, where = _url_and_where()
    driver_message = str(exc.orig).strip()
    first_line = driver_message.splitlines()[0] if driver_message else type(exc.orig).__name__
    if url is not None and url.get_backend_name() == "sqlite":
        if "unable to open" in driver_message or "readonly" in driver_message:
            return _sqlite_problem(url, where)
        if "not a database" in driver_message:
            return f"{url.database} is not an SQLite database file.\nChange {where}."
        if "locked" in driver_message or "disk" in driver_message:
            return f"The SQLite database cannot be used: {first_line}.\nCheck {where}."
        return None  # e.g. an SQL syntax error: a bug, worth its traceback
    if not isinstance(exc, OperationalError):
        return None  # PostgreSQL's other errors come from a statement: a bug
    shown = url.render_as_string(hide_password=True) if url is not None else "the database"
    server = f"{url.host or 'localhost'}:{url.port or 5432}" if url is not None else "the server"
    if "password authentication failed" in driver_message or "no password supplied" in (
        driver_message
    ):
        return (
            f"PostgreSQL at {server} refused the user name or password of {shown}.\n"
            f"Check the user and password in {where}."
        )
    if "does not exist" in driver_message:
        # psycopg says which: 'database "x" does not exist' or 'role "x" does not exist'.
        return (
            f"PostgreSQL at {server}: {_after_fatal(first_line)}.\n"
            f"Create it on the server, or correct {where}."
        )
    if "connection failed" in driver_message or "timeout" in driver_message:
        return (
            f"Cannot reach PostgreSQL at {server}: is the server running and does it accept "
            f"connections there?\nStart it, or correct the host and port in {where}."
        )
    return f"The database {shown} cannot be used: {first_line}.\nCheck {where}."


def _after_fatal(line: str) -> str:
    """psycopg's 'connection failed: connection to server at ... failed: FATAL:  x' -> 'x'."""
    return line.rsplit("FATAL:", 1)[-1].strip()


def _explain(exc: Exception) -> tuple[str, int] | None:
    """The message and exit code for a mistake an installer can fix; None for a bug."""
    from config import ConfigError

    if isinstance(exc, ConfigError):
        return exc.describe(), 2
    if isinstance(exc, SchemaOutdated):
        return str(exc), 1
    if isinstance(exc, DBAPIError):
        problem = _database_problem(exc)
        return None if problem is None else (problem, 1)
    if isinstance(exc, ArgumentError):
        return f"The database URL is not valid.\nCorrect {_url_and_where()[1]}.", 2
    if isinstance(exc, ModuleNotFoundError) and exc.name in ("psycopg", "psycopg2"):
        return (
            "The PostgreSQL driver (psycopg) is not installed.\n"
            "Install the postgres extra: pip install 'ouderkring[postgres]' "
            "(in a checkout: pip install -e '.[postgres]').",
            1,
        )
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename} is a folder where a file was expected.", 1
    if isinstance(exc, PermissionError):
        return (
            f"Permission denied: {exc.filename}.\n"
            f"Let the user {current_user()} read (and for the database, write) it.",
            1,
        )
    if isinstance(exc, UnicodeDecodeError):
        return "Input is not UTF-8 text: save it as UTF-8 and try again.", 1
    return None


def main() -> None:
    try:
        app(prog_name="ouderkring")
    except Exception as exc:
        explained = _explain(exc)
        if explained is None:
            raise  # a bug: the traceback helps whoever reports it
        message, code = explained
        typer.echo(message, err=True)
        raise SystemExit(code) from None
