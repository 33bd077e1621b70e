"""Backups of the database and their restore.

SQLite is copied with SQLite's online backup API: a consistent copy while the bot runs (the
write-ahead log included), never a half-written file. PostgreSQL is backed up with its own
tools, `pg_dump` and `pg_restore`; the password goes to them in the environment (PGPASSWORD),
never on their command line, where every user of the computer could read it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from community.db import sqlite_path


class BackupError(Exception):
    """A backup or restore that cannot be done, told in plain words with what to do."""


@dataclass(frozen=True)
class Tool:
    """A PostgreSQL client program to run: its arguments and the extra environment."""

    argv: list[str]
    env: dict[str, str]


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _database_file(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise BackupError("The database is in memory or read-only: there is no file to back up.")
    return path.expanduser().absolute()


def _check_sqlite_file(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} is not an SQLite database file.")


def _read_only(path: Path) -> sqlite3.Connection:
    # A URI, percent-encoded, so that a '?' or '#' in a folder name is not read as a parameter.
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup from one file to another; `source` stays as it is."""
    with (
        contextlib.closing(_read_only(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        # A backup is one file: no write-ahead log beside it to lose on the way.
        dst.execute("PRAGMA journal_mode=DELETE")


def backup_sqlite(url: str, target: Path, overwrite: bool = False) -> Path:
    """Copy the SQLite database of `url` to `target` (readable by its owner only). The copy is
    made beside the target and renamed at the end: a failed backup never spoils an older one."""
    source = _database_file(url)
    _check_sqlite_file(source)
    target = target.expanduser().absolute()
    if target == source:
        raise BackupError("The backup file cannot be the database itself: choose another name.")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} already exists: choose another name, or add --overwrite.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist: create it first.")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    # The backup holds everyone's data: private from its first byte, like the database.
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        _copy(source, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def check_sqlite_backup(source: Path) -> None:
    """Refuse a file that is not a whole SQLite database (PRAGMA integrity_check)."""
    _check_sqlite_file(source)
    with contextlib.closing(_read_only(source)) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()
    if result is None or result[0] != "ok":
        raise BackupError(f"{source} is damaged (SQLite's integrity check failed).")


def restore_sqlite(url: str, source: Path) -> Path:
    """Replace the database of `url` with the backup `source`, through SQLite itself (so the
    database's write-ahead log cannot mix old and new pages). The bot must be stopped."""
    source = source.expanduser().absolute()
    check_sqlite_backup(source)
    target = _database_file(url)
    if target == source:
        raise BackupError("The backup file is the database itself: nothing to restore.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist: create it first.")
    if not target.exists():
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    with (
        contextlib.closing(_read_only(source)) as src,
        contextlib.closing(sqlite3.connect(target, timeout=5)) as dst,
    ):
        try:
            src.backup(dst)
        except sqlite3.OperationalError as exc:
            raise BackupError(
                f"The database {target} is in use ({exc}): stop the bot first."
            ) from None
    return target


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the password as PGPASSWORD."""
    parsed = make_url(url)
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed here. Install the PostgreSQL client programs "
            f"(Debian: apt-get install postgresql-client), or run {name} on the database "
            f"server (README, Backups)."
        )
    return found


def pg_dump(url: str, target: Path) -> Tool:
    """The `pg_dump` run that writes a backup of `url` to `target` (custom format)."""
    uri, env = _libpq(url)
    argv = [_program("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", uri]
    return Tool(argv, env)


def backup_postgresql(url: str, target: Path, overwrite: bool = False) -> Path:
    """Run pg_dump into a file beside `target`, renamed at the end (as for SQLite)."""
    target = target.expanduser().absolute()
    if target.exists() and not overwrite:
        raise BackupError(f"{target} already exists: choose another name, or add --overwrite.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist: create it first.")
    partial = target.with_name(f".{target.name}.partial")
    try:
        run_tool(pg_dump(url, partial))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def pg_restore(url: str, source: Path) -> Tool:
    """The `pg_restore` run that puts the backup `source` back into the database of `url`,
    replacing what is there (--clean)."""
    source = source.expanduser().absolute()
    if not source.is_file():
        raise BackupError(f"{source} does not exist or is not a file.")
    uri, env = _libpq(url)
    argv = [
        _program("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={uri}",
        str(source),
    ]
    return Tool(argv, env)


def run_tool(tool: Tool) -> None:
    """Run a PostgreSQL client program; its own error message tells what went wrong."""
    umask = os.umask(0o077)  # pg_dump's file holds everyone's data: owner only
    try:
        done = subprocess.run(
            tool.argv, env={**os.environ, **tool.env}, capture_output=True, text=True
        )
    finally:
        os.umask(umask)
    if done.returncode != 0:
        name = Path(tool.argv[0]).name
        message = done.stderr.strip() or f"exit code {done.returncode}"
        raise BackupError(f"{name} failed: {message}")
