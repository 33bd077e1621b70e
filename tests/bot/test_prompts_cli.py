"""`ouderkring reach` and `ouderkring prompts import` on a real database (in this process, once
as a real process)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from community.clock import FakeClock
from community.models import Prompt
from community.services import people
from config import load_settings
from tests.support.chat import Chat
from tests.support.cli import Ran, environment, run_cli
from tests.support.transport import RecordingTransport

ROOT = Path(__file__).resolve().parents[2]


def _cli(url: str, *args: str) -> Ran:
    """The command in this process (tests/support/cli.py): what a subprocess would show."""
    return run_cli([*args], env=environment(OUDERKRING_DATABASE_URL=url))


def _cli_process(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(PYTHONPATH=str(ROOT), OUDERKRING_DATABASE_URL=url),
    )


def _app(tmp_path: Path, template: bytes) -> tuple[str, App, Chat]:
    # A copy of the session's migrated template: the database at the newest schema.
    path = tmp_path / "cli.db"
    path.write_bytes(template)
    path.chmod(0o600)
    url = f"sqlite:///{path}"
    settings = dataclasses.replace(load_settings(environ={}), database_url=url)
    transport = RecordingTransport()
    app = build_app(settings, [transport], clock=FakeClock(), migrate=True)
    return url, app, Chat(app, transport)


def test_reach_prints_the_call_list(tmp_path: Path, sqlite_template: bytes) -> None:
    url, app, chat = _app(tmp_path, sqlite_template)
    chat.onboard("anna")
    chat.onboard("bram")
    with app.session_factory.begin() as session:
        anna = people.find(session, "console", "anna")
        assert anna is not None
        anna.unreachable_at = app.clock.now()  # she blocked the bot
    app.close()
    done = _cli(url, "reach")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:4] == [
        "Parents to phone or visit in Ouderkring Arnhem:",
        "",
        "Our messages do not reach them: 1",
        "- Presikhaaf-Oost · Arabic · 0-2 years · Tolkentelefoon advised",
    ]
    assert "not interested" not in done.stdout
    # As a real process: the proof that the entry point runs it too.
    dutch = _cli_process(url, "reach", "--language", "nl", "--community", "arnhem")
    assert dutch.stdout.startswith("Ouders om te bellen of te bezoeken")
    assert _cli(url, "reach", "--community", "nowhere").returncode == 2


GOOD = """
[[prompt]]
kind = "tip"
send = "2031-01-13 10:00"
text.nl = "Lees samen een prentenboek."
text.en = "Read a picture book together."
age_bands = ["0-2"]

[[prompt]]
kind = "invitation"
send = "2031-01-12 10:00"
text.nl = "Kom naar de koffieochtend."
neighbourhood = "6825"
event = "2031-01-15 09:00"
place = "School De Regenboog"
"""


@pytest.mark.slow
def test_prompts_import_checks_the_whole_file_then_stores_it(
    tmp_path: Path, sqlite_template: bytes
) -> None:
    url, app, _ = _app(tmp_path, sqlite_template)
    app.close()
    bad = tmp_path / "bad.toml"
    bad.write_text(
        GOOD.replace('kind = "tip"', 'kind = "poem"').replace("2031-01-15 09:00", "soon")
    )
    refused = _cli(url, "prompts", "import", str(bad))
    assert refused.returncode == 2
    assert "prompt 1.kind: use one of tip, question, invitation" in refused.stderr
    assert "prompt 2.event: use YYYY-MM-DD HH:MM" in refused.stderr

    hard = tmp_path / "hard.toml"
    hard.write_text(GOOD.replace("Lees samen een prentenboek.", "Lees drie boeken samen."))
    flagged = _cli(url, "prompts", "import", str(hard))
    assert flagged.returncode == 2
    assert "nl: Write numbers in digits, like 3." in flagged.stdout
    assert "--anyway" in flagged.stderr

    good = tmp_path / "good.toml"
    good.write_text(GOOD)
    dry = _cli(url, "prompts", "import", str(good), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[-1] == "Dry run: 2 prompts checked, nothing stored."
    stored = _cli(url, "prompts", "import", str(good))
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout.splitlines()[-1] == "Stored 2 prompts for Ouderkring Arnhem."
    with app.session_factory() as session:
        rows = session.scalars(select(Prompt).order_by(Prompt.id)).all()
        assert [(p.kind, p.age_bands, p.place) for p in rows] == [
            ("tip", ["0-2"], None),
            ("invitation", [], "School De Regenboog"),
        ]
        assert rows[1].neighbourhood_id is not None and rows[0].neighbourhood_id is None
        assert rows[1].texts == {"nl": "Kom naar de koffieochtend."}
