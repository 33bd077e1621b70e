"""Settings keep their secrets: repr and str hide the database password, the tokens and the
webhook secret; a config file every user can read gets a warning (the file names the admins)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.platforms import load_settings
from config.exposure import exposed_config_warning, shown_database_url
from config.settings import EXAMPLE_CONFIG

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "config" / "demo" / "arnhem.toml"


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("postgresql+psycopg://ouderkring:s3cr3t-pw@db:5432/ok", "s3cr3t-pw"),
        ("postgresql+psycopg://ouderkring:p%40ss%2Fw0rd@db/ok", "w0rd"),
        ("postgresql+psycopg://ouderkring@db/ok?password=s3cr3t-pw", "s3cr3t-pw"),
    ],
)
def test_repr_and_str_hide_every_secret(url: str, password: str) -> None:
    env = {
        "OUDERKRING_DATABASE_URL": url,
        "OUDERKRING_TELEGRAM_TOKEN": "5550123:AAH-repr-SECRET",
        "OUDERKRING_MATRIX_ACCESS_TOKEN": "syt_repr_SECRET",
        "OUDERKRING_TELEGRAM_WEBHOOK_SECRET": "hook_SECRET-1",
    }
    settings = load_settings(EXAMPLE_CONFIG, environ=env)
    settings = dataclasses.replace(settings, platforms=("telegram",))
    assert settings.database_url == url  # the real one is there to connect with
    for shown in (
        repr(settings),
        str(settings),
        repr(settings.section("telegram")),
        repr(settings.section("matrix")),
    ):
        for secret in (password, "AAH-repr", "syt_repr", "hook_SECRET"):
            assert secret not in shown
    assert "db" in repr(settings) and "ouderkring" in repr(settings)  # the rest is shown
    assert "***" in shown_database_url(url)


def test_an_unparsable_url_is_not_repeated() -> None:
    assert "geheim" not in shown_database_url("postgresql+psycopg://u:geheim@db:notaport/x")


def _config(tmp_path: Path, mode: int) -> Path:
    path = tmp_path / "ouderkring.toml"
    path.write_text(f'communities = ["{DEMO}"]\n[bot]\nadmins = ["telegram:734018265"]\n')
    path.chmod(mode)
    return path


def test_a_config_file_others_can_read_gets_a_warning(tmp_path: Path) -> None:
    path = _config(tmp_path, 0o644)
    warning = exposed_config_warning(load_settings(path, environ={}).source)
    assert warning is not None and str(path) in warning and "chmod 600" in warning
    for private in (0o600, 0o640):  # readable by the owner, or by a service group: fine
        path.chmod(private)
        assert exposed_config_warning(load_settings(path, environ={}).source) is None
    # The shipped example names nobody.
    assert exposed_config_warning(load_settings(EXAMPLE_CONFIG, environ={}).source) is None


def test_ouderkring_warns_at_start_and_goes_on(tmp_path: Path) -> None:
    path = _config(tmp_path, 0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    result = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "check-config", "-c", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout
    assert f"every user of this computer can read {path}" in result.stderr
