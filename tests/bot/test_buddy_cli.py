"""`ouderkring match`: the round's proposals with their reasons (in this process, once as a
real process)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import build_app
from community.clock import FakeClock
from config import load_settings
from tests.support.chat import Chat
from tests.support.cli import Ran, environment, run_cli
from tests.support.transport import RecordingTransport

ROOT = Path(__file__).resolve().parents[2]


def _migrated(path: Path, template: bytes) -> str:
    """A database at the newest schema: a copy of the session's migrated template."""
    path.write_bytes(template)
    path.chmod(0o600)
    return f"sqlite:///{path}"


def _match(url: str, *args: str) -> Ran:
    """The command in this process (tests/support/cli.py): what a subprocess would show."""
    return run_cli(["match", *args], env=environment(OUDERKRING_DATABASE_URL=url))


def _match_process(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "match", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(PYTHONPATH=str(ROOT), OUDERKRING_DATABASE_URL=url),
    )


@pytest.mark.slow
def test_match_prints_proposals_and_stores_them_only_without_dry_run(
    tmp_path: Path, sqlite_template: bytes
) -> None:
    url = _migrated(tmp_path / "cli.db", sqlite_template)
    settings = dataclasses.replace(load_settings(environ={}), database_url=url)
    transport = RecordingTransport()
    app = build_app(settings, [transport], clock=FakeClock(), migrate=True)
    chat = Chat(app, transport)
    chat.onboard("anna")
    chat.onboard("bilal")
    chat.onboard("tesfay", home=("6",))  # Tigrinya: left over
    app.close()

    dry = _match(url, "--community", "arnhem", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0].startswith("1. parent 1 + parent 2 (")
    assert "Both speak Arabic. Both live in Presikhaaf-Oost." in lines[0]
    assert lines[1:] == [
        "Parents without a proposal this round: 1.",
        "No free parent nearby speaks their language: 1.",
        "• Presikhaaf-Oost: Tigrinya",
        "What helps: a parent nearby with their language, or a wider limit.",
        "Dry run: nothing stored, nobody told.",
    ]
    # One community: no need to name it. As a real process: the entry point says the same.
    assert _match_process(url, "--dry-run").stdout == dry.stdout

    stored = _match(url, "--community", "arnhem")
    assert stored.stdout.splitlines()[-1] == (
        "Stored. A coordinator approves them in the chat with /match."
    )
    waiting = _match(url, "--dry-run").stdout.splitlines()
    assert waiting[0] == "Waiting for a coordinator in Ouderkring Arnhem: 1."
    assert waiting[2:] == lines[1:-1]  # the left-over of the stored round

    unknown = _match(url, "--community", "utrecht", "--dry-run")
    assert unknown.returncode == 2
    assert "There is no community 'utrecht'. Known communities: arnhem." in unknown.stderr


def test_match_picture_writes_the_round_as_a_png(tmp_path: Path, sqlite_template: bytes) -> None:
    url = _migrated(tmp_path / "cli.db", sqlite_template)
    settings = dataclasses.replace(load_settings(environ={}), database_url=url)
    transport = RecordingTransport()
    app = build_app(settings, [transport], clock=FakeClock(), migrate=True)
    chat = Chat(app, transport)
    chat.onboard("anna")
    chat.onboard("bilal")
    app.close()

    path = tmp_path / "round.png"
    done = _match(url, "--dry-run", "--picture", str(path))
    assert done.returncode == 0, done.stderr
    assert f"Picture of the round: {path}" in done.stdout.splitlines()
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == 1080

    nowhere = _match(url, "--dry-run", "--picture", str(tmp_path / "no" / "round.png"))
    assert nowhere.returncode == 1 and "Cannot write the picture to" in nowhere.stderr
