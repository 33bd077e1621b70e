"""Deep links and QR codes for posters; the `ouderkring link` command; the [telegram] config."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.kit.qr import write_qr
from bot.platforms import load_settings
from bot.telegram.links import deep_link
from config import ConfigError

DEMO = Path(__file__).resolve().parents[3] / "config" / "demo" / "arnhem.toml"


def test_deep_link() -> None:
    assert deep_link("@OuderkringBot", "ARNHEM") == "https://t.me/OuderkringBot?start=ARNHEM"
    with pytest.raises(ValueError):
        deep_link("OuderkringBot", "no spaces")
    with pytest.raises(ValueError):
        deep_link("x", "ARNHEM")


def test_qr_png_and_svg(tmp_path: Path) -> None:
    png, svg = write_qr("https://t.me/OuderkringBot?start=ARNHEM", tmp_path, "arnhem")
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "<svg" in svg.read_text() and "start=ARNHEM" in svg.read_text()


def write_config(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "ouderkring.toml"
    path.write_text(
        f'{extra}\ncommunities = ["{DEMO}"]\n'
        if extra.startswith("platforms")
        else f'communities = ["{DEMO}"]\n{extra}\n'
    )
    return path


def test_link_command_prints_the_link_and_writes_qr_codes(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[telegram]\nusername = "OuderkringArnhemBot"')
    result = CliRunner().invoke(
        cli,
        ["link", "--config", str(config), "--out", str(tmp_path / "qr")],
        env={"OUDERKRING_TELEGRAM_TOKEN": ""},
    )
    assert result.exit_code == 0, result.output
    assert "https://t.me/OuderkringArnhemBot?start=ARNHEM" in result.output
    assert (tmp_path / "qr" / "arnhem-telegram.png").exists()
    assert (tmp_path / "qr" / "arnhem-telegram.svg").exists()


def test_telegram_settings(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'platforms = ["telegram"]')
    with pytest.raises(ConfigError) as missing:
        load_settings(config, environ={})
    assert missing.value.field == "OUDERKRING_TELEGRAM_TOKEN"
    settings = load_settings(config, environ={"OUDERKRING_TELEGRAM_TOKEN": "1:x"})
    assert settings.platforms == ("telegram",) and settings.section("telegram") is not None
    assert settings.section("telegram").mode == "polling"

    hook = tmp_path / "hook.toml"
    hook.write_text(
        f'platforms = ["telegram"]\ncommunities = ["{DEMO}"]\n[telegram]\nmode = "webhook"\nwebhook_url = "https://bot.example.nl/tg"\n'
    )
    env = {"OUDERKRING_TELEGRAM_TOKEN": "1:x"}
    with pytest.raises(ConfigError) as no_secret:
        load_settings(hook, environ=env)
    assert no_secret.value.field == "OUDERKRING_TELEGRAM_WEBHOOK_SECRET"
    env["OUDERKRING_TELEGRAM_WEBHOOK_SECRET"] = "abc_DEF-123"
    env["OUDERKRING_TELEGRAM_WEBHOOK_PORT"] = "8080"
    settings = load_settings(hook, environ=env)
    telegram = settings.section("telegram")
    assert telegram is not None and telegram.webhook_port == 8080
    assert telegram.webhook_secret == "abc_DEF-123"
    assert "abc_DEF" not in repr(settings)

    bad = tmp_path / "bad.toml"
    bad.write_text(f'communities = ["{DEMO}"]\n[telegram]\ntoken = "123:abc"\n')
    with pytest.raises(ConfigError) as secret_in_file:
        load_settings(bad, environ={})
    assert secret_in_file.value.field == "telegram.token"
