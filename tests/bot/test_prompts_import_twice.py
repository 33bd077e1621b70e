"""`ouderkring prompts import` run twice stores each prompt once (issue 17), on SQLite and
PostgreSQL, through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from bot.app import App
from bot.cli import app as cli
from community.models import Prompt
from community.services import prompts

FILE = """
[[prompt]]
kind = "tip"
send = "2031-01-13 10:00"
text.nl = "Lees samen een prentenboek."

[[prompt]]
kind = "invitation"
key = "coffee-january"
send = "2031-01-12 10:00"
text.nl = "Kom naar de koffieochtend."
event = "2031-01-15 09:00"
place = "School De Regenboog"
"""


def _import(database_url: str, path: Path) -> list[str]:
    result = CliRunner().invoke(
        cli, ["prompts", "import", str(path)], env={"OUDERKRING_DATABASE_URL": database_url}
    )
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def _prompts(app: App) -> list[tuple[str | None, str, str | None]]:
    with app.session_factory() as session:
        rows = session.scalars(
            select(Prompt).where(Prompt.key.like("file:%")).order_by(Prompt.id)
        ).all()
        return [(p.texts["nl"], p.due_at.strftime("%d %H:%M"), p.place) for p in rows]


def test_a_second_import_stores_nothing_twice_and_updates_what_changed(
    app: App, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "prompts.toml"
    path.write_text(FILE)
    assert _import(database_url, path)[-1] == "Stored 2 prompts for Ouderkring Arnhem."
    # The programme's own sync leaves imported prompts alone (their keys are not its keys).
    prompts.send_due_prompts(app.session_factory, app.translator, app.clock, app.settings)
    with app.session_factory() as session:
        imported = session.scalars(select(Prompt).where(Prompt.key.like("file:%"))).all()
        assert len(imported) == 2 and not any(p.skipped for p in imported)
    assert _import(database_url, path)[-2:] == [
        "Stored 0 prompts for Ouderkring Arnhem.",
        "Already there, not stored again: prompt 1, 2.",
    ]
    # The tip moves a day, the invitation (known by its key) gets a new text: both updated.
    path.write_text(
        FILE.replace("2031-01-13 10:00", "2031-01-14 10:00").replace(
            "Kom naar de koffieochtend.", "Kom naar de koffieochtend op school."
        )
    )
    assert _import(database_url, path)[-2:] == [
        "Stored 0 prompts for Ouderkring Arnhem.",
        "Updated (not sent yet): prompt 1, 2.",
    ]
    assert _prompts(app) == [
        ("Lees samen een prentenboek.", "14 09:00", None),
        ("Kom naar de koffieochtend op school.", "12 09:00", "School De Regenboog"),
    ]


def test_the_same_prompt_twice_in_one_file_is_refused(
    app: App, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "prompts.toml"
    path.write_text(FILE + FILE.split("[[prompt]]")[1].join(["[[prompt]]", ""]))
    result = CliRunner().invoke(
        cli, ["prompts", "import", str(path)], env={"OUDERKRING_DATABASE_URL": database_url}
    )
    assert result.exit_code == 2
    assert "prompt 3: the same as prompt 1; give each a key" in result.output
    assert _prompts(app) == []
