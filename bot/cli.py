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
    """Run the bot on the chat platforms that are configured (Telegram, Matrix)."""
    settings = _settings(config)
    typer.echo(
        "No chat platform adapter is in this version yet (Telegram and Matrix come next). "
        "Use `ouderkring console` to run the bot in the terminal.",
        err=True,
    )
    del settings
    raise typer.Exit(1)


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


@app.command("match")
def match_command(
    community: Annotated[
        str | None, typer.Option(help="Community slug (needed if several).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only print the proposals; store nothing.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Buddy round: print the matcher's proposals with their reasons. Without --dry-run they are
    stored for the coordinators, who approve them in the chat with /match."""
    from bot.app import build_app
    from community.i18n import language_name
    from community.services import buddies, communities

    settings = _settings(config)
    try:
        built = build_app(settings)
    except SchemaOutdated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    try:
        with built.session_factory.begin() as session:
            every = communities.all_communities(session)
            chosen = communities.by_slug(session, community) if community else None
            if chosen is None and community is None and len(every) == 1:
                chosen = every[0]
            if chosen is None:
                slugs = ", ".join(c.slug for c in every) or "none configured"
                typer.echo(f"Name the community with --community ({slugs}).", err=True)
                raise typer.Exit(2)
            waiting = buddies.open_proposals(session, chosen)
            if waiting:
                typer.echo(f"Waiting for a coordinator in {chosen.name}: {len(waiting)}.")
                proposals = [buddies.as_proposal(pair) for pair in waiting]
            elif dry_run:
                proposals = buddies.run_matcher(session, chosen, built.clock).proposals
            else:
                new = buddies.start_round(session, chosen, built.clock)
                proposals = [buddies.as_proposal(p) for p in new.pairs] if new else []
            codes = {code for p in proposals for code in (p.language, *_codes(p))}
            names = {code: language_name(code, "en") for code in codes}
            for number, proposal in enumerate(proposals, 1):
                typer.echo(
                    f"{number}. parent {proposal.a} + parent {proposal.b} "
                    f"({proposal.weight} points): {proposal.describe(names)}"
                )
            if not proposals:
                typer.echo(f"No buddy pairs to propose in {chosen.name} now.")
            elif dry_run and not waiting:
                typer.echo("Dry run: nothing stored, nobody told.")
            elif not waiting:
                typer.echo("Stored. A coordinator approves them in the chat with /match.")
    finally:
        built.close()


def _codes(proposal):  # type: ignore[no-untyped-def]
    return [r.language for r in proposal.reasons if r.language]


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
