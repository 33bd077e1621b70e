"""The [matrix] table and `platforms` in the config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.platforms import load_settings
from config import ConfigError

TOKEN = {"OUDERKRING_MATRIX_ACCESS_TOKEN": "syt_secret"}


DEMO = Path(__file__).resolve().parents[3] / "config" / "demo" / "arnhem.toml"


def write(tmp_path: Path, text: str) -> Path:
    """A config file: the demo community, `platforms` and the tables in `text`."""
    path = tmp_path / "ouderkring.toml"
    path.write_text(f'communities = ["{DEMO}"]\n{text}')
    return path


def test_matrix_settings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'platforms = ["matrix"]\n[matrix]\nhomeserver = "https://matrix.example.org/"\n'
        'user_id = "@ouderkring:example.org"\ndevice_id = "OUDERKRING1"\n',
    )
    settings = load_settings(path, environ=TOKEN)
    assert settings.platforms == ("matrix",)
    matrix = settings.section("matrix")
    assert matrix is not None
    assert matrix.homeserver == "https://matrix.example.org"
    assert matrix.device_id == "OUDERKRING1"
    assert matrix.access_token == "syt_secret"
    assert "syt_secret" not in repr(settings)


@pytest.mark.parametrize(
    ("text", "environ", "field"),
    [
        ('platforms = ["matrix"]\n', TOKEN, "matrix"),
        ('platforms = ["irc"]\n', TOKEN, "platforms[0]"),
        (
            'platforms = ["matrix"]\n[matrix]\nhomeserver = "matrix.org"\nuser_id = "@a:b"\n',
            TOKEN,
            "matrix.homeserver",
        ),
        (
            'platforms = ["matrix"]\n[matrix]\nhomeserver = "https://b"\nuser_id = "a"\n',
            TOKEN,
            "matrix.user_id",
        ),
        (
            'platforms = ["matrix"]\n[matrix]\nhomeserver = "https://b"\nuser_id = "@a:b"\n',
            {},
            "OUDERKRING_MATRIX_ACCESS_TOKEN",
        ),
        (
            '[matrix]\nhomeserver = "https://b"\nuser_id = "@a:b"\naccess_token = "x"\n',
            {},
            "matrix.access_token",
        ),
    ],
)
def test_bad_matrix_settings(
    tmp_path: Path, text: str, environ: dict[str, str], field: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), environ=environ)
    assert caught.value.field == field
