"""The `ouderkring` command, run as a real process: help, demo from piped input, db upgrade."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from community.db import head_revision

ROOT = Path(__file__).resolve().parents[2]


def _run(
    args: list[str], tmp_path: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        cwd=tmp_path,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**environ, "PYTHONPATH": str(ROOT)},
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    out = _run(["--help"], tmp_path).stdout
    for name in ("demo", "console", "run", "db", "code", "check-config"):
        assert f" {name} " in out
    assert "upgrade" in _run(["db", "--help"], tmp_path).stdout


def test_demo_runs_a_piped_conversation_and_keeps_it(tmp_path: Path) -> None:
    first = _run(["demo"], tmp_path, "anna: /start ARNHEM\nanna: 2\n")
    assert first.returncode == 0, first.stderr
    assert "to anna: Welcome to Ouderkring Arnhem!" in first.stdout
    assert "[1] Yes, that is OK  [2] No" in first.stdout
    # A second run on the same SQLite file resumes where anna was.
    second = _run(["console"], tmp_path, "anna: 1\n")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("to anna: What is your postcode?")
    assert (tmp_path / "ouderkring.db").exists()


def test_console_refuses_an_outdated_schema(tmp_path: Path) -> None:
    result = _run(["console"], tmp_path, "anna: hi\n")
    assert result.returncode == 1
    assert "Run: ouderkring db upgrade" in result.stderr
    upgraded = _run(["db", "upgrade"], tmp_path)
    assert upgraded.returncode == 0 and str(head_revision()) in upgraded.stdout


def test_bad_config_is_refused_with_file_field_problem(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[bot]\ndefault_locale = 'fr'\n")
    result = _run(["check-config", "-c", "bad.toml"], tmp_path)
    assert result.returncode == 2
    assert "bad.toml, field bot.default_locale" in result.stderr


@pytest.mark.parametrize("role", ["coordinator", "professional"])
def test_code_command_makes_a_code_that_works_once(tmp_path: Path, role: str) -> None:
    _run(["db", "upgrade"], tmp_path)
    made = _run(["code", role], tmp_path)
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip().splitlines()[-1].split()[1]
    chat = _run(["console"], tmp_path, f"x: /start {code}\nx: English\ny: /start {code}\n")
    assert f"Welcome! You are now {role} at Ouderkring Arnhem." in chat.stdout
    assert "to y: Die code ken ik niet." in chat.stdout
