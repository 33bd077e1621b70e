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


@i18n_app.command("check")
def check(
    language: Annotated[
        list[str] | None,
        typer.Option("--language", "-l", help="Only this language (repeat for more)."),
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", "-s", help="One line per language, no message ids.")
    ] = False,
    locales_dir: Annotated[
        Path | None,
        typer.Option("--locales-dir", help="Catalogs to check (default: the shipped ones)."),
    ] = None,
) -> None:
    """List per language the messages that are missing (parents see them in the default
    language or English) and the ones no reviewer has confirmed (marked `# unreviewed`)."""
    from community.catalog_check import catalog_state, report_lines
    from community.i18n import LOCALES_DIR
    from config.locales import LOCALES

    root = locales_dir or LOCALES_DIR
    present = sorted(p.name for p in root.iterdir() if (p / "LC_MESSAGES").is_dir())
    chosen = language or [*LOCALES, *(code for code in present if code not in LOCALES)]
    failed = False
    for code in chosen:
        state = catalog_state(code, root)
        shipped = code in LOCALES
        failed |= shipped and not state.complete
        for line in report_lines(state, shipped, with_ids=not summary):
            typer.echo(line)
    if failed:
        typer.echo(
            "A shipped language misses messages: translate them or leave it out of "
            "LOCALES (config/locales.py).",
            err=True,
        )
        raise typer.Exit(1)
