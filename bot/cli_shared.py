"""What the `ouderkring` subcommands share: the settings of this run, the community a
command is about, the app built for one command, and the `--config` option."""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from community.db import SchemaOutdated

if TYPE_CHECKING:
    from config import Settings

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
CURRENT: ContextVar[Settings | None] = ContextVar("settings", default=None)


def load(config: Path | None) -> Settings:
    from bot.logs import protect
    from bot.platforms import load_settings
    from config.exposure import exposed_config_warning

    settings = load_settings(config)
    CURRENT.set(settings)
    protect(settings)  # before anything can log a token, e.g. `link` asking Telegram
    warning = exposed_config_warning(settings.source)
    if warning is not None:
        typer.echo(warning, err=True)
    return settings


def chosen_community(session, slug: str | None):  # type: ignore[no-untyped-def]
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


def built_app(config: Path | None):  # type: ignore[no-untyped-def]
    from bot.app import build_app

    try:
        return build_app(load(config))
    except SchemaOutdated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
