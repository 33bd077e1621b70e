"""`ouderkring backup` and `restore` on SQLite and PostgreSQL: a database with parents in it is
backed up, changed, restored, and is as it was, at the schema head. The commands run in this
process (tests/support/cli.py), one test as a real process."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from community.db import head_revision
from tests.support.cli import Ran, environment, run_cli

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, url: str, stdin: str = "") -> Ran:
    """The command in this process (tests/support/cli.py): what a subprocess would show."""
    return run_cli(args, cwd, stdin, environment(OUDERKRING_DATABASE_URL=url))


def _people(url: str) -> list[str]:
    """Who is talking to the bot (in the middle of onboarding)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT user_id FROM dialogue_state ORDER BY 1"))
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def _needs_pg_tools(url: str) -> None:
    if url.startswith("postgresql") and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        pytest.skip("pg_dump and pg_restore are not installed")


@pytest.mark.slow
def test_backup_then_restore_brings_the_data_back_at_the_schema_head(
    database_url: str, tmp_path: Path
) -> None:
    _needs_pg_tools(database_url)
    made = _run(["demo"], tmp_path, database_url, "anna: /start ARNHEM\nanna: 2\n")
    assert made.returncode == 0, made.stderr
    assert _people(database_url) == ["anna"]

    saved = _run(["backup", "saved.backup"], tmp_path, database_url)
    assert saved.returncode == 0, saved.stderr
    assert "Backup written to" in saved.stdout
    backup_file = tmp_path / "saved.backup"
    # The backup holds everyone's data: private like the database.
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600

    # After the backup: bram joins. The restore takes the database back to before him.
    later = _run(["console"], tmp_path, database_url, "bram: /start ARNHEM\n")
    assert later.returncode == 0, later.stderr
    assert _people(database_url) == ["anna", "bram"]

    restored = _run(["restore", "saved.backup"], tmp_path, database_url)
    assert restored.returncode == 0, restored.stderr
    assert _people(database_url) == ["anna"]
    current = _run(["db", "current"], tmp_path, database_url)
    assert f"Database: {head_revision()}." in current.stdout

    # The restored database works: anna goes on where she was.
    resumed = _run(["console"], tmp_path, database_url, "anna: 1\n")
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith("to anna: What is your postcode?")


def test_a_backup_does_not_overwrite_a_file_unless_asked(database_url: str, tmp_path: Path) -> None:
    _needs_pg_tools(database_url)
    assert _run(["db", "upgrade"], tmp_path, database_url).returncode == 0
    (tmp_path / "old.backup").write_text("an older backup")
    refused = _run(["backup", "old.backup"], tmp_path, database_url)
    assert refused.returncode == 1
    assert "already exists: choose another name, or add --overwrite" in refused.stderr
    assert (tmp_path / "old.backup").read_text() == "an older backup"
    assert _run(["backup", "old.backup", "--overwrite"], tmp_path, database_url).returncode == 0
    assert (tmp_path / "old.backup").read_bytes() != b"an older backup"


def test_sqlite_backup_while_another_connection_writes(tmp_path: Path) -> None:
    """The online backup copies what was committed, also when it is still only in the
    write-ahead log, and nothing of a transaction still open."""
    url = f"sqlite:///{tmp_path / 'live.db'}"
    assert _run(["demo"], tmp_path, url, "anna: /start ARNHEM\n").returncode == 0
    writer = sqlite3.connect(tmp_path / "live.db", isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")  # the commit below stays in the -wal file
        writer.execute("UPDATE dialogue_state SET locale = 'tr'")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE dialogue_state SET user_id = 'not committed'")
        saved = _run(["backup", "copy.db"], tmp_path, url)
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert saved.returncode == 0, saved.stderr
    copy = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT user_id, locale FROM dialogue_state").fetchall() == [
            ("anna", "tr")
        ]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        copy.close()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ouderkring.db'}"
    assert _run(["db", "upgrade"], tmp_path, url).returncode == 0
    (tmp_path / "notes.txt").write_text("not a database")
    refused = _run(["restore", "notes.txt"], tmp_path, url)
    assert refused.returncode == 1
    assert "is not an SQLite database file" in refused.stderr
    assert "Traceback" not in refused.stderr
    missing = _run(["restore", "gone.db"], tmp_path, url)
    assert missing.returncode == 1 and "does not exist" in missing.stderr


def test_restore_of_an_older_backup_says_to_upgrade(tmp_path: Path) -> None:
    """A backup made before an upgrade comes back at its own schema; the command says so."""
    from community import db

    old = tmp_path / "old.db"
    engine = db.make_engine(f"sqlite:///{old}")
    db.upgrade(engine, "0010")
    engine.dispose()
    url = f"sqlite:///{tmp_path / 'ouderkring.db'}"
    assert _run(["db", "upgrade"], tmp_path, url).returncode == 0
    restored = _run(["restore", str(old)], tmp_path, url)
    assert restored.returncode == 0, restored.stderr
    assert "Database schema: 0010" in restored.stdout
    assert "run `ouderkring db upgrade` before you start" in restored.stdout
    assert _run(["db", "upgrade"], tmp_path, url).returncode == 0


def test_postgresql_without_pg_dump_says_what_to_install(tmp_path: Path) -> None:
    url = "postgresql+psycopg://ouderkring:hush@127.0.0.1:9/ouderkring"
    # A real process, as the proof that the entry point runs these commands too.
    env = environment(PYTHONPATH=str(ROOT), OUDERKRING_DATABASE_URL=url, PATH=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "backup", "x.dump"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("pg_dump is not installed here.")
    assert "apt-get install postgresql-client" in done.stderr
    assert "hush" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.dump").exists()
