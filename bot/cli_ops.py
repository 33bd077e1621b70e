"""`ouderkring backup`, `restore` and `doctor`: the installer's toolkit. The work is done in
`community/backup.py` and `bot/doctor.py`; this module only parses and prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot import cli_shared
from bot.cli_shared import ConfigOption


def register(app: typer.Typer) -> None:
    """Add the commands of this module to the `ouderkring` command."""
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("doctor")(doctor)


def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write.")],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace FILE if it exists.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Back up the database to FILE while the bot runs: SQLite with its online backup API,
    PostgreSQL with pg_dump (custom format, for pg_restore)."""
    from community import backup as backups

    settings = cli_shared.load(config)
    try:
        if backups.is_sqlite(settings.database_url):
            written = backups.backup_sqlite(settings.database_url, file, overwrite)
        else:
            written = backups.backup_postgresql(settings.database_url, file, overwrite)
    except backups.BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Backup written to {written} ({written.stat().st_size} bytes).")
    typer.echo(f"Restore it with: ouderkring restore {written}")


def restore(
    file: Annotated[Path, typer.Argument(help="A file made by `ouderkring backup`.")],
    config: ConfigOption = None,
) -> None:
    """Replace the database with the backup FILE. Stop the bot first; everything written
    after the backup is lost."""
    from community import backup as backups
    from community import db

    settings = cli_shared.load(config)
    try:
        if backups.is_sqlite(settings.database_url):
            backups.restore_sqlite(settings.database_url, file)
        else:
            backups.run_tool(backups.pg_restore(settings.database_url, file))
    except backups.BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    engine = db.make_engine(settings.database_url)
    try:
        current, head = db.current_revision(engine), db.head_revision()
    finally:
        engine.dispose()
    typer.echo(f"Restored {file}. Database schema: {current or 'empty'}.")
    if current != head:
        typer.echo(f"This version needs {head}: run `ouderkring db upgrade` before you start.")


def doctor(
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="Only the config and the database, nothing over the network "
            "(for a container's health check).",
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Check the installation and say in plain words what is wrong and what to do:
    the config, the database, the platform tokens, the webhook, the outbox, disk space and
    file permissions. Exit code 0 when all is well, 1 when something is wrong."""
    from bot.doctor import run_checks

    healthy = True
    for line in run_checks(config, quick=quick):
        typer.echo(line.render())
        healthy = healthy and line.ok
    if not healthy:
        raise typer.Exit(1)
