"""The `ouderkring` command: help, demo from piped input, db upgrade, an installer's mistakes.
In this process (tests/support/cli.py) but for the entry point and a missing driver."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from community.db import head_revision
from tests.support.cli import Ran, environment, run_cli
from tests.support.postgres import ENV_URL, PostgresServer, start_postgres

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], tmp_path: Path, stdin: str = "", **env: str) -> Ran:
    """The command in this process (tests/support/cli.py): what a subprocess would show."""
    return run_cli(args, tmp_path, stdin, environment(**env))


def _process(
    args: list[str], tmp_path: Path, prelude: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """The command as a real process: the entry point itself, or `prelude` run before it."""
    return subprocess.run(
        [sys.executable, "-c", f"{prelude}\nfrom bot.cli import main; main()", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(**env, PYTHONPATH=str(ROOT)),
    )


@pytest.fixture
def installed(tmp_path: Path, sqlite_template: bytes) -> Path:
    """`tmp_path` with its database at the newest schema, as `ouderkring db upgrade` leaves it
    (tested above): a private copy of the session's migrated template, without the process."""
    path = tmp_path / "ouderkring.db"
    path.write_bytes(sqlite_template)
    path.chmod(0o600)
    return tmp_path


def test_help_lists_every_command(tmp_path: Path) -> None:
    process = _process(["--help"], tmp_path)
    out = process.stdout
    for name in ("demo", "console", "run", "db", "code", "check-config"):
        assert f" {name} " in out
    assert "upgrade" in _run(["db", "--help"], tmp_path).stdout
    # What the other tests see of a run in this process is what the real process shows.
    inside = _run(["--help"], tmp_path)
    assert (inside.returncode, inside.stdout, inside.stderr) == (
        process.returncode,
        process.stdout,
        process.stderr,
    )


def test_a_run_in_this_process_logs_to_its_stderr_and_leaves_logging_as_it_was(
    tmp_path: Path,
) -> None:
    def state() -> tuple[object, ...]:
        root = logging.getLogger()
        return list(root.handlers), root.level, logging.getLogger("sqlalchemy.engine").level

    before = state()
    result = _run(["--verbose", "db", "upgrade"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert " INFO alembic.runtime.migration: Running upgrade " in result.stderr
    assert state() == before


def test_demo_runs_a_piped_conversation_and_keeps_it(tmp_path: Path) -> None:
    first = _run(["demo"], tmp_path, "anna: /start ARNHEM\nanna: 2\n")
    assert first.returncode == 0, first.stderr
    assert "to anna: Welcome to Ouderkring Arnhem!" in first.stdout
    assert "[1] ✅ Yes, that is OK  [2] ❌ No" in first.stdout
    # A second run on the same SQLite file resumes where anna was.
    second = _run(["console"], tmp_path, "anna: 1\n")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("to anna: What is your postcode?")
    assert (tmp_path / "ouderkring.db").exists()


def test_console_refuses_an_outdated_schema(tmp_path: Path) -> None:
    (tmp_path / "ouderkring.db").touch()  # an empty database (a missing one: test_cli_findings)
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
def test_code_command_makes_a_code_that_works_once(installed: Path, role: str) -> None:
    tmp_path = installed
    made = _run(["code", role], tmp_path)
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip().splitlines()[-1].split()[1]
    chat = _run(["console"], tmp_path, f"x: /start {code}\nx: English\ny: /start {code}\n")
    assert f"Welcome! You are now {role} at Ouderkring Arnhem." in chat.stdout
    assert "to y: Deze code is al gebruikt." in chat.stdout


# -- an installer's mistakes: one or two plain lines, never a traceback -------------------------


def _refused(result: Ran | subprocess.CompletedProcess[str], *needles: str) -> str:
    """The error output, after checking it is short, plain and says what to do."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    banner = "Ouderkring demo."  # what `demo` says before it starts
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith(banner)]
    assert 1 <= len(lines) <= 2, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr
    return result.stderr


def test_sqlite_folder_missing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing/ouderkring.db"
    result = _run(["db", "upgrade"], tmp_path, OUDERKRING_DATABASE_URL=url)
    _refused(result, f"{tmp_path}/missing", "does not exist", "mkdir -p", "OUDERKRING_DATABASE_URL")
    assert result.returncode == 1


def test_sqlite_database_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    result = _run(["db", "upgrade"], tmp_path, OUDERKRING_DATABASE_URL="sqlite:///data")
    _refused(result, "is a folder", "OUDERKRING_DATABASE_URL")


def test_sqlite_file_is_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("not a database\n" * 100)
    result = _run(["db", "upgrade"], tmp_path, OUDERKRING_DATABASE_URL="sqlite:///notes.db")
    _refused(result, "notes.db is not an SQLite database file", "OUDERKRING_DATABASE_URL")


def test_sqlite_database_read_only(tmp_path: Path) -> None:
    assert _run(["db", "upgrade"], tmp_path).returncode == 0
    # SQLite's own read-only mode: it works for root too, who ignores file modes.
    read_only = f"sqlite:///file:{tmp_path}/ouderkring.db?mode=ro&uri=true"
    result = _run(["demo"], tmp_path, "anna: /start ARNHEM\n", OUDERKRING_DATABASE_URL=read_only)
    _refused(result, "cannot be opened for writing", f"write the file and its folder {tmp_path}")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_sqlite_folder_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    url = f"sqlite:///{folder}/ouderkring.db"
    try:
        result = _run(["db", "upgrade"], tmp_path, OUDERKRING_DATABASE_URL=url)
    finally:
        folder.chmod(0o755)
    _refused(result, "cannot be opened for writing", str(folder))


def test_postgresql_down(tmp_path: Path) -> None:
    url = "postgresql+psycopg://ouderkring:hush@127.0.0.1:1/ouderkring"
    result = _run(["db", "upgrade"], tmp_path, OUDERKRING_DATABASE_URL=url)
    error = _refused(result, "Cannot reach PostgreSQL at 127.0.0.1:1", "Start it")
    assert "hush" not in error


@pytest.mark.parametrize(
    ("change", "needle"),
    [({"database": "nowhere"}, 'database "nowhere"'), ({"username": "nobody"}, 'role "nobody"')],
)
def test_postgresql_unknown_database_or_role(
    tmp_path: Path, postgres: PostgresServer, change: dict[str, Any], needle: str
) -> None:
    url = make_url(postgres.url).set(**change).render_as_string(hide_password=False)
    result = _run(["db", "upgrade"], tmp_path, OUDERKRING_DATABASE_URL=url)
    _refused(result, needle, "does not exist", "OUDERKRING_DATABASE_URL")


@pytest.fixture(scope="module")
def password_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of our own whose user `installer` must give the password `right-password`.

    The shared test server trusts everyone; here pg_hba.conf is rewritten over SQL."""
    if os.environ.get(ENV_URL):
        pytest.skip("an external test server: its pg_hba.conf is not ours to change")
    server = start_postgres(tmp_path_factory.mktemp("pg-password"))
    admin = make_url(server.url).set(drivername="postgresql")
    try:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute("CREATE ROLE installer LOGIN PASSWORD 'right-password'")
            conn.execute("GRANT ALL ON DATABASE ouderkring TO installer")
            conn.execute("GRANT ALL ON SCHEMA public TO installer")
            hba_file = conn.execute("SHOW hba_file").fetchone()[0]  # type: ignore[index]
            rules = [
                "host all installer 127.0.0.1/32 scram-sha-256",
                "host all all 127.0.0.1/32 trust",
                "local all all trust",
            ]
            conn.execute(
                sql.SQL("COPY (SELECT unnest({}::text[])) TO {}").format(
                    sql.Literal(rules), sql.Literal(hba_file)
                )
            )
            conn.execute("SELECT pg_reload_conf()")
        url = admin.set(username="installer")
        for _ in range(50):  # the reload takes effect in the background
            try:
                psycopg.connect(
                    url.render_as_string(hide_password=False), connect_timeout=5
                ).close()
            except psycopg.OperationalError:
                break
            time.sleep(0.1)
        else:
            pytest.skip("could not make the test server ask for a password")
        yield url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    finally:
        server.stop()


def test_postgresql_refuses_the_password(tmp_path: Path, password_server: str) -> None:
    wrong = make_url(password_server).set(password="wrong-password")
    result = _run(
        ["db", "upgrade"],
        tmp_path,
        OUDERKRING_DATABASE_URL=wrong.render_as_string(hide_password=False),
    )
    error = _refused(result, "refused the user name or password", "OUDERKRING_DATABASE_URL")
    assert "wrong-password" not in error
    right = make_url(password_server).set(password="right-password")
    result = _run(
        ["db", "upgrade"],
        tmp_path,
        OUDERKRING_DATABASE_URL=right.render_as_string(hide_password=False),
    )
    assert result.returncode == 0, result.stderr


def test_postgresql_driver_not_installed(tmp_path: Path) -> None:
    url = "postgresql+psycopg://ouderkring@127.0.0.1:1/ouderkring"
    # As if `pip install ouderkring` without the postgres extra: importing psycopg fails.
    result = _process(
        ["db", "upgrade"],
        tmp_path,
        prelude="import sys; sys.modules['psycopg'] = None",
        OUDERKRING_DATABASE_URL=url,
    )
    _refused(result, "psycopg", "pip install 'ouderkring[postgres]'")


@pytest.mark.parametrize("url", ["nonsense", "postgresql://u:hush@db/x", "mysql://u:hush@db/x"])
def test_invalid_database_url_blames_the_variable(tmp_path: Path, url: str) -> None:
    result = _run(["check-config"], tmp_path, OUDERKRING_DATABASE_URL=url)
    error = _refused(result, "environment variable OUDERKRING_DATABASE_URL")
    assert result.returncode == 2
    assert "hush" not in error and ".toml" not in error


def test_config_path_is_a_folder(tmp_path: Path) -> None:
    result = _run(["check-config", "-c", str(tmp_path)], tmp_path)
    _refused(result, "is a folder", "a .toml file")


def test_config_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin1.toml").write_bytes("[bot]\n# Caf\u00e9\n".encode("latin-1"))
    result = _run(["check-config", "-c", "latin1.toml"], tmp_path)
    _refused(result, "latin1.toml", "not UTF-8", "save it as UTF-8")


def test_config_in_the_environment_is_a_folder(tmp_path: Path) -> None:
    result = _run(["console"], tmp_path, OUDERKRING_CONFIG=str(tmp_path))
    _refused(result, "is a folder")


def test_check_config_refuses_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.toml").write_text("")
    result = _run(["check-config", "-c", "empty.toml"], tmp_path)
    _refused(result, "empty.toml: is empty", "ouderkring.example.toml")
    assert result.returncode == 2


@pytest.mark.slow
def test_role_list_and_revoke(installed: Path) -> None:
    tmp_path = installed
    code = _run(["code", "professional"], tmp_path).stdout.strip().splitlines()[-1].split()[1]
    _run(["console"], tmp_path, f"pim: /start {code}\npim: Nederlands\n")
    listed = _run(["role", "list", "--community", "arnhem"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("professional\tconsole\tpim\tsince ")
    gone = _run(["role", "revoke", "console", "pim", "--community", "arnhem"], tmp_path)
    assert gone.returncode == 0, gone.stderr
    assert "The professional role is taken away in Ouderkring Arnhem." in gone.stdout
    again = _run(["role", "revoke", "console", "pim"], tmp_path)
    assert again.returncode == 1 and "No coordinator or professional pim" in again.stderr
    assert "has no coordinators or professionals" in _run(["role", "list"], tmp_path).stdout
    # The next run sends the news, in their language; they are a stranger again.
    told = _run(["console"], tmp_path, "pim: /code\n")
    assert "to pim: Je bent geen professional meer bij Ouderkring Arnhem." in told.stdout
    assert "to pim: Hallo! Ik ben de Ouderkring-bot." in told.stdout
