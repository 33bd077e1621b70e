"""`ouderkring run` with platforms = ["telegram"], as a separate process against the fake Bot
API: it answers /start, and on SIGTERM it confirms what it handled and stops cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_harness import is_language_question

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "config" / "demo" / "arnhem.toml"


async def ouderkring(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_run_on_telegram_by_long_polling(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "ouderkring.toml"
    config.write_text(
        f'platforms = ["telegram"]\ncommunities = ["{DEMO}"]\n'
        f'[database]\nurl = "{database_url}"\n'
        f'[telegram]\napi_url = "http://127.0.0.1:{fake.port}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    env["OUDERKRING_TELEGRAM_TOKEN"] = fake.token
    upgrade = await ouderkring("db", "upgrade", "--config", str(config), env=env)
    assert await upgrade.wait() == 0

    fake.message(7, "/start ARNHEM", language="en")
    bot = await ouderkring("run", "--config", str(config), env=env)
    try:
        await fake.wait_until(lambda: bool(fake.sent_texts(7)), timeout=20, what="the first answer")
        assert is_language_question(fake.sent_texts(7))
        assert fake.menu({"type": "all_private_chats"}, "nl")  # the menus were set
    finally:
        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), timeout=20)
    assert bot.returncode == 0, stderr.decode()
    assert fake.pending_updates == 0  # confirmed before it stopped


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_wrong_token_is_one_line_without_the_token(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "ouderkring.toml"
    config.write_text(
        f'platforms = ["telegram"]\ncommunities = ["{DEMO}"]\n'
        f'[database]\nurl = "{database_url}"\n'
        f'[telegram]\napi_url = "http://127.0.0.1:{fake.port}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    env["OUDERKRING_TELEGRAM_TOKEN"] = "999:not-the-token"
    upgrade = await ouderkring("db", "upgrade", "--config", str(config), env=env)
    assert await upgrade.wait() == 0
    bot = await ouderkring("run", "--config", str(config), env=env)
    _, stderr = await asyncio.wait_for(bot.communicate(), timeout=20)
    assert bot.returncode == 1
    assert "Telegram: the bot token in OUDERKRING_TELEGRAM_TOKEN was refused" in stderr.decode()
    assert "not-the-token" not in stderr.decode() and "Traceback" not in stderr.decode()
