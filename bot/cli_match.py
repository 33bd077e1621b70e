"""`ouderkring match`: a buddy round from the command line, as a coordinator sees it in /match
(in English)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot import cli_shared
from bot.cli_shared import ConfigOption
from community.db import SchemaOutdated


def register(app: typer.Typer) -> None:
    """Add `match` to the `ouderkring` command."""
    app.command("match")(match_command)


def match_command(
    community: Annotated[
        str | None, typer.Option(help="Community slug (needed if several).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only print the proposals; store nothing.")
    ] = False,
    picture: Annotated[
        Path | None, typer.Option(help="Also write the round at a glance to this PNG file.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Buddy round: print the matcher's proposals with their reasons. Without --dry-run they are
    stored for the coordinators, who approve them in the chat with /match."""
    from bot.app import build_app
    from community.services import buddies, buddy_limits

    settings = cli_shared.load(config)
    try:
        built = build_app(settings)
    except SchemaOutdated as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    try:
        with built.session_factory.begin() as session:
            chosen = cli_shared.chosen_community(session, community)
            waiting = buddies.open_proposals(session, chosen)
            if waiting:
                typer.echo(f"Waiting for a coordinator in {chosen.name}: {len(waiting)}.")
                proposals = [buddies.as_proposal(pair) for pair in waiting]
                left_over = buddies.stored_left_over(waiting[0].round)
            elif dry_run:
                result = buddies.run_matcher(session, chosen, built.clock)
                proposals, left_over = result.proposals, result.left_over
            else:
                new, result = buddies.new_round(session, chosen, built.clock)
                proposals = [buddies.as_proposal(p) for p in new.pairs] if new else []
                left_over = result.left_over
            _print_proposals(proposals)
            passes = buddy_limits.passes_text(chosen, proposals, built.translator, "en")
            if passes is not None:
                typer.echo(passes)
            # The parents left without a buddy and why, as a coordinator sees them in /match
            # (in English, like the rest of this command).
            summary = buddies.left_over_text(session, left_over, built.translator, "en")
            if summary is not None:
                typer.echo(summary)
            if picture is not None:
                _write_picture(picture, session, chosen, proposals, left_over, built.translator)
            _print_outcome(chosen.name, proposals, dry_run, bool(waiting))
    finally:
        built.close()


def _write_picture(path: Path, session, community, proposals, left_over, translator) -> None:  # type: ignore[no-untyped-def]
    """The picture /match sends a coordinator (community/services/round_picture.py), in
    English like the rest of this command."""
    from community.services import round_picture

    counts = round_picture.round_counts(session, community, proposals, left_over)
    try:
        path.write_bytes(round_picture.png(counts, translator, "en"))
    except OSError as exc:
        typer.echo(f"Cannot write the picture to {path}: {exc.strerror}.", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Picture of the round: {path}")


def _print_proposals(proposals) -> None:  # type: ignore[no-untyped-def]
    """One numbered line a proposal, with its reasons (language names in English)."""
    from community.i18n import language_name

    codes = {code for p in proposals for code in (p.language, *_codes(p))}
    names = {code: language_name(code, "en") for code in codes}
    for number, proposal in enumerate(proposals, 1):
        weaker = ", weaker: second pass" if proposal.second_pass else ""
        typer.echo(
            f"{number}. parent {proposal.a} + parent {proposal.b} "
            f"({proposal.weight} points{weaker}): {proposal.describe(names)}"
        )


def _print_outcome(name: str, proposals, dry_run: bool, waiting: bool) -> None:  # type: ignore[no-untyped-def]
    if not proposals:
        typer.echo(f"No buddy pairs to propose in {name} now.")
    elif dry_run and not waiting:
        typer.echo("Dry run: nothing stored, nobody told.")
    elif not waiting:
        typer.echo("Stored. A coordinator approves them in the chat with /match.")


def _codes(proposal):  # type: ignore[no-untyped-def]
    return [r.language for r in proposal.reasons if r.language]
