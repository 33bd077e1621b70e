"""The SQLite database is private to the bot's user: the file (and with it SQLite's -wal and
-shm files) is created 0600 before anything is written; a folder the installer made is left as
it is; an existing file others can read gets a warning."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from community import db


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():  # type: ignore[no-untyped-def]
    """A umask that lets everyone read new files, as on many servers."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_database_file_is_owner_only(tmp_path: Path, loose_umask) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    path = folder / "ouderkring.db"
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        db.upgrade(engine)
        with engine.begin() as connection:  # WAL: the -wal and -shm files exist while open
            connection.execute(text("CREATE TABLE t (x TEXT)"))
            connection.execute(text("INSERT INTO t VALUES ('x')"))
            files = [p for p in folder.iterdir() if p.name.startswith("ouderkring.db")]
            assert {p.name for p in files} >= {"ouderkring.db", "ouderkring.db-wal"}
            assert all(mode(p) == 0o600 for p in files), {p.name: oct(mode(p)) for p in files}
    finally:
        engine.dispose()
    assert mode(folder) == 0o755  # not ours to change


def test_a_missing_folder_is_not_made(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path}/missing/ouderkring.db")
    engine.dispose()
    assert not (tmp_path / "missing").exists()  # the CLI tells the installer to make it


def test_memory_and_read_only_databases_make_no_file(tmp_path: Path) -> None:
    assert db.sqlite_path("sqlite://") is None
    assert db.sqlite_path("sqlite:///:memory:") is None
    assert db.sqlite_path(f"sqlite:///file:{tmp_path}/x.db?mode=ro&uri=true") is None
    assert db.sqlite_path(f"sqlite:///file:{tmp_path}/x.db?uri=true") == tmp_path / "x.db"


def test_an_existing_file_others_can_read_gets_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "old.db"
    made = db.make_engine(f"sqlite:///{path}")
    db.upgrade(made)  # a database made before this version, when files were 0644
    made.dispose()
    path.chmod(0o644)
    caplog.set_level(logging.WARNING, logger="community.db")
    db.make_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o644  # the installer's file: a warning, no change
    assert any("chmod 600" in r.getMessage() for r in caplog.records)
    path.chmod(0o600)
    caplog.clear()
    db.make_engine(f"sqlite:///{path}").dispose()
    assert not caplog.records
