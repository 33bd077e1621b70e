"""The `ouderkring` command's answers to an installer's slips (issue 17), through typer's
CliRunner: unknown community or language, the import format in --help, flags shown as flags,
a missing file, a wrong admin, and `console` in an empty folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import App
from bot.cli import app as cli
from bot.cli import community_problem, main


def _run(args: list[str], database_url: str | None = None) -> tuple[int, str]:
    env = {"OUDERKRING_DATABASE_URL": database_url, "OUDERKRING_CONFIG": None}
    result = CliRunner().invoke(cli, args, env=env, prog_name="ouderkring")
    return result.exit_code, result.output


def test_an_unknown_community_or_language_names_the_known_ones(app: App, database_url: str) -> None:
    code, out = _run(["reach", "--community", "utrecht"], database_url)
    assert code == 2
    assert out.strip() == "There is no community 'utrecht'. Known communities: arnhem."
    code, out = _run(["reach", "--language", "fr"], database_url)
    assert code == 2
    assert out.strip() == "Unknown language 'fr'. Use one of: nl, en, ar, tr, pl, uk."
    code, out = _run(["reach", "--language", "nl"], database_url)
    assert code == 0 and out.startswith("Ouders om te bellen of te bezoeken")


def test_several_or_no_communities_are_named() -> None:
    assert community_problem(None, ["arnhem", "ede"]) == (
        "There are several communities. Choose one with --community (arnhem, ede)."
    )
    assert community_problem("arnhem", []) == (
        "There is no community yet. Add one under [[community]] in the config file."
    )


def test_a_missing_prompts_file_is_one_plain_line(app: App, database_url: str) -> None:
    code, out = _run(["prompts", "import", "nowhere.toml"], database_url)
    assert code == 2
    assert out.splitlines() == ["There is no file nowhere.toml."]


def test_the_help_of_prompts_import_shows_the_format_and_flags_as_flags() -> None:
    code, out = _run(["prompts", "import", "--help"])
    assert code == 0
    assert out.startswith("Usage: ouderkring prompts import [OPTIONS] ")
    assert "[[prompt]]" in out
    for line in ('kind = "invitation"', 'send = "2026-10-12 10:00"', 'text.nl = "'):
        assert line in out
    assert "<bool>" not in out
    assert "--dry-run  " in out and "--anyway  " in out


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Through `main()`, which turns a config error into plain lines (CliRunner skips it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["ouderkring", *args])
        with pytest.raises(SystemExit) as exited:
            main()
    return int(exited.value.code or 0), capsys.readouterr().err


def test_a_wrong_admin_shows_the_expected_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "one.toml").write_text('[bot]\nadmins = ["12345"]\n')
    code, out = _main(["check-config", "-c", str(tmp_path / "one.toml")], capsys)
    assert code == 2
    assert out.strip().endswith(
        "field bot.admins[0]: '12345' is not valid: use \"platform:user id\", "
        'such as "telegram:123456789" or "matrix:@ann:example.org"'
    )
    (tmp_path / "text.toml").write_text('[bot]\nadmins = "telegram:1"\n')
    code, out = _main(["check-config", "-c", str(tmp_path / "text.toml")], capsys)
    assert code == 2
    assert out.strip().endswith('must be a list, such as admins = ["telegram:123456789"]')


def test_console_in_an_empty_folder_leaves_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _run(["console"])
    assert code == 1
    assert out.splitlines() == [
        f"There is no database at {tmp_path / 'ouderkring.db'} yet.",
        "Start with `ouderkring demo`, or make it with `ouderkring db upgrade`.",
    ]
    assert list(tmp_path.iterdir()) == []
