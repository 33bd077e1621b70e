"""The webhook is safe by default: it listens on 127.0.0.1 (a reverse proxy in front terminates
TLS) and the adapter refuses to run it without a secret, as `ouderkring run` does (exit 2)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.platforms import load_settings
from bot.telegram.adapter import TelegramAdapter, TelegramOptions, make_bot
from bot.telegram.settings import ENV_TELEGRAM_WEBHOOK_SECRET
from config import ConfigError
from tests.bot.telegram.test_run_command import DEMO, ouderkring
from tests.support.fake_telegram import FakeTelegram


def test_the_webhook_listens_on_loopback_unless_told_otherwise(tmp_path: Path) -> None:
    config = tmp_path / "hook.toml"
    config.write_text(
        f'platforms = ["telegram"]\ncommunities = ["{DEMO}"]\n'
        '[telegram]\nmode = "webhook"\nwebhook_url = "https://bot.example.nl/tg"\n'
    )
    env = {"OUDERKRING_TELEGRAM_TOKEN": "1:x", ENV_TELEGRAM_WEBHOOK_SECRET: "abc_DEF-123"}
    telegram = load_settings(config, environ=env).section("telegram")
    assert telegram is not None and telegram.webhook_listen == "127.0.0.1"
    assert TelegramOptions(token="1:x").webhook_listen == "127.0.0.1"
    config.write_text(config.read_text() + 'webhook_listen = "0.0.0.0"\n')
    telegram = load_settings(config, environ=env).section("telegram")
    assert telegram is not None and telegram.webhook_listen == "0.0.0.0"  # an explicit choice


async def test_the_adapter_refuses_a_webhook_without_a_secret(fake: FakeTelegram) -> None:
    for secret in (None, ""):
        options = TelegramOptions(
            token=fake.token,
            mode="webhook",
            webhook_url="https://bot.example.nl/tg",
            webhook_secret=secret,
            base_url=fake.base_url,
        )
        with pytest.raises(ConfigError) as refused:
            TelegramAdapter(make_bot(options), _never, options)
        assert refused.value.field == ENV_TELEGRAM_WEBHOOK_SECRET
        assert "secret" in refused.value.describe()
    assert fake.webhook is None  # nothing was set at Telegram


async def _never(incoming: object) -> None:
    raise AssertionError("no update may be handled")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_ouderkring_run_refuses_a_webhook_without_a_secret(
    database_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "ouderkring.toml"
    config.write_text(
        f'platforms = ["telegram"]\ncommunities = ["{DEMO}"]\n[database]\nurl = "{database_url}"\n'
        '[telegram]\nmode = "webhook"\nwebhook_url = "https://bot.example.nl/tg"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    env["OUDERKRING_TELEGRAM_TOKEN"] = "1:not-used"
    bot = await ouderkring("run", "--config", str(config), env=env)
    _, stderr = await asyncio.wait_for(bot.communicate(), timeout=30)
    assert bot.returncode == 2
    assert ENV_TELEGRAM_WEBHOOK_SECRET in stderr.decode() and "Traceback" not in stderr.decode()
