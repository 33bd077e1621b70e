"""The mistakes an installer can fix, each turned into one or two plain lines (and an exit
code) instead of a traceback: the config, the database and the way to it, files."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from bot.cli_shared import CURRENT
from community.db import SchemaOutdated
from config.exposure import current_user


def _url_and_where() -> tuple[URL | None, str]:
    """The database URL in use (None if it does not parse) and where the installer changes it."""
    from config.settings import ENV_DATABASE_URL

    settings = CURRENT.get()
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


def explain(exc: Exception) -> tuple[str, int] | None:
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
