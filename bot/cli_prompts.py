"""`ouderkring reach` and `ouderkring prompts import`: the professionals' tools on the command
line. The work is done in `community/services/prompts/` and `prompt_import.py`; this module
only parses and prints."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot import cli_shared
from bot.cli_shared import ConfigOption
from config.locales import LOCALES

if TYPE_CHECKING:
    from community.i18n import Translator
    from community.services.prompt_import import Planned, Stored

prompts_app = typer.Typer(
    help="Weekly prompts: import prepared prompts.", no_args_is_help=True, rich_markup_mode=None
)

CommunityOption = Annotated[
    str | None, typer.Option("--community", help="Community slug (needed if several).")
]


def register(app: typer.Typer) -> None:
    """Add `reach` to the `ouderkring` command (`prompts` is added as a group)."""
    app.command("reach")(reach_command)


def reach_command(
    community: CommunityOption = None,
    language: Annotated[
        str, typer.Option("--language", help=f"Language of the list: {', '.join(LOCALES)}.")
    ] = "en",
    config: ConfigOption = None,
) -> None:
    """Call list: parents our messages do not reach, and parents who got 2 or more prompts in
    the last 4 weeks and answered none (to phone or visit; no reply never means no interest)."""
    from community.services import prompts

    if language not in LOCALES:
        typer.echo(f"Unknown language {language!r}. Use one of: {', '.join(LOCALES)}.", err=True)
        raise typer.Exit(2)
    built = cli_shared.built_app(config)
    try:
        with built.session_factory() as session:
            chosen = cli_shared.chosen_community(session, community)
            report = prompts.reach_report(session, chosen, built.clock)
            typer.echo(prompts.reach_text(report, chosen.name, built.translator, language))
    finally:
        built.close()


@prompts_app.command("import")
def prompts_import(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A TOML file of [[prompt]] entries.")
    ],
    community: CommunityOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only check the file; store nothing.")
    ] = False,
    anyway: Annotated[
        bool, typer.Option("--anyway", help="Store texts the plain-language check flags.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Import prompts prepared in a TOML file. Each text gets the plain-language check of /new;
    flagged texts are refused unless --anyway. Importing a file again stores nothing twice.

    \b
    One entry per prompt:
      [[prompt]]
      kind = "invitation"               # tip, question or invitation
      send = "2026-10-12 10:00"         # when it goes out (local time)
      text.nl = "Kom naar de bibliotheek."
      text.en = "Come to the library."  # more languages: optional
      age_bands = ["2-4"]               # optional: 0-2, 2-4, 4-6, 6-12
      neighbourhood = "Presikhaaf-Oost" # optional: a name or a postcode
      event = "2026-10-14 10:00"        # invitations: when it is
      place = "Bibliotheek, Kortestraat 16"  # invitations: where
      key = "library-october"           # optional: names the prompt
    """
    from community.services import prompt_import

    built = cli_shared.built_app(config)
    try:
        with built.session_factory.begin() as session:
            chosen = cli_shared.chosen_community(session, community)
            try:
                planned = prompt_import.read(file, chosen, built.settings.prompts, built.clock)
            except prompt_import.PromptFileError as exc:
                typer.echo(str(exc), err=True)
                raise typer.Exit(2) from None
            if _print_planned(planned, built.translator) and not anyway:
                typer.echo("Fix the flagged texts, or import them with --anyway.", err=True)
                raise typer.Exit(2)
            if dry_run:
                typer.echo(f"Dry run: {len(planned)} prompts checked, nothing stored.")
                session.rollback()
                return
            done = prompt_import.store(session, chosen, planned, built.clock)
            _print_stored(done, chosen.name)
    finally:
        built.close()


def _print_planned(planned: list[Planned], translator: Translator) -> bool:
    """Each prompt of the file, with what the plain-language check flags; True if any."""
    flagged = False
    for item in planned:
        when = item.send.strftime("%Y-%m-%d %H:%M UTC")
        typer.echo(f"{item.number}. {item.kind}, {when}: {item.texts['nl']}")
        for locale, problems in item.problems.items():
            flagged = True
            for problem in problems:
                typer.echo(f"   {locale}: {translator.t('en', f'plain.{problem}')}")
    return flagged


def _print_stored(done: Stored, community_name: str) -> None:
    typer.echo(f"Stored {len(done.new)} prompts for {community_name}.")
    for numbers, what in (
        (done.updated, "Updated (not sent yet)"),
        (done.already, "Already there, not stored again"),
        (done.sent, "Already sent, left as they were"),
    ):
        if numbers:
            typer.echo(f"{what}: prompt {', '.join(map(str, numbers))}.")
