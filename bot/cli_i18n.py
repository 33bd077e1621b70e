"""`ouderkring i18n check`: per language, which messages are missing and which wait for a
reviewer. Exit code 1 when a shipped language misses a message (a CI check); unreviewed
messages are listed but do not fail it, since parents may see them. The work is done in
`community/catalog_check.py`; this module only parses and prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

i18n_app = typer.Typer(
    help="Message catalogs: what is missing or unreviewed.", no_args_is_help=True
)


@i18n_app.callback()
def _group() -> None:
    """Message catalogs: what is missing or unreviewed."""


LocalesDir = Annotated[
    Path | None,
    typer.Option("--locales-dir", help="The catalogs (default: the shipped ones)."),
]


@i18n_app.command("check")
def check(
    language: Annotated[
        list[str] | None,
        typer.Option("--language", "-l", help="Only this language (repeat for more)."),
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", "-s", help="One line per language, no message ids.")
    ] = False,
    texts: Annotated[
        bool,
        typer.Option(
            "--texts", "-t", help="Show the English text and the translation beside each id."
        ),
    ] = False,
    locales_dir: LocalesDir = None,
) -> None:
    """List per language the messages that are missing (parents see them in the default
    language or English) and the ones no reviewer has confirmed (marked `# unreviewed`)."""
    from community.catalog_check import catalog_state, report_lines, texts_of
    from community.i18n import LOCALES_DIR, catalog_path
    from config.locales import FALLBACK_LOCALE, LOCALES

    root = locales_dir or LOCALES_DIR
    present = sorted(p.name for p in root.iterdir() if (p / "LC_MESSAGES").is_dir())
    chosen = language or [*LOCALES, *(code for code in present if code not in LOCALES)]
    english = texts_of(FALLBACK_LOCALE, root) if texts else None
    failed = False
    for code in chosen:
        state = catalog_state(code, root)
        shipped = code in LOCALES
        failed |= shipped and not state.complete
        shown = None
        if english is not None:
            own = texts_of(code, root) if catalog_path(code, root).is_file() else {}
            shown = {key: f"{text}  ->  {own.get(key, '')}" for key, text in english.items()}
        for line in report_lines(state, shipped, not summary, shown):
            typer.echo(line)
    if failed:
        typer.echo(
            "A shipped language misses messages: translate them or leave it out of "
            "LOCALES (config/locales.py).",
            err=True,
        )
        raise typer.Exit(1)


@i18n_app.command("reviewed")
def reviewed(
    language: Annotated[str, typer.Argument(help="The language code, such as ar.")],
    ids: Annotated[
        list[str] | None, typer.Argument(help="Message ids a reviewer confirmed.")
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every message of the language was reviewed.")
    ] = False,
    locales_dir: LocalesDir = None,
) -> None:
    """Remove the unreviewed mark of messages a native speaker read and confirmed (the same as
    deleting their `# unreviewed` line by hand)."""
    from community.catalog_check import mark_reviewed
    from community.i18n import LOCALES_DIR, catalog_path

    root = locales_dir or LOCALES_DIR
    if not catalog_path(language, root).is_file():
        typer.echo(f"No catalog for {language!r} in {root}.", err=True)
        raise typer.Exit(2)
    if not ids and not every:
        typer.echo("Name the message ids that were reviewed, or give --all.", err=True)
        raise typer.Exit(2)
    removed = mark_reviewed(language, None if every else set(ids or ()), root)
    typer.echo(f"{language}: {removed} messages marked as reviewed.")
