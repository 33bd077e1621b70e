"""A whole dialogue on a real Synapse, every logger at DEBUG (nio, aiohttp, SQLAlchemy, ours):
the formatted logs hold no access token, no text typed or sent, no postcode and no Matrix id of
a parent, while nio did try to log them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.telegram.settings import TelegramSettings
from community.clock import FakeClock
from tests.bot.matrix.test_end_to_end import bot_says, bot_settings, start_bot, stop_bot
from tests.support.log_capture import LogCapture
from tests.support.synapse import MatrixUser, SynapseServer

TELEGRAM_TOKEN = "5550123:AAH-log_privacy-Secret99"
POSTCODE = "6813 QZ"
TYPED = "mijn geheime zin 4711"


async def test_a_whole_dialogue_at_debug_logs_nothing_private(
    synapse: SynapseServer,
    bot_user: MatrixUser,
    tmp_path: Path,
    make_parent,  # type: ignore[no-untyped-def]
    caplog: pytest.LogCaptureFixture,
) -> None:
    capture = LogCapture(caplog)
    base = bot_settings(synapse, bot_user, tmp_path / "bot.db")
    telegram = TelegramSettings(token=TELEGRAM_TOKEN)
    settings = dataclasses.replace(
        base, platform_settings={**base.platform_settings, "telegram": telegram}
    )
    bot = await start_bot(settings, FakeClock())
    parent = await make_parent("zwaantje")
    capture.watch_raw()
    try:
        room_id = await parent.dm(bot.user_id)
        await bot.turn()  # accepts the invite
        # /start, English, consent, postcode, ages (0-2, done), a language, done, buddy: yes;
        # then a text of their own.
        for answer in ["/start ARNHEM", "2", "1", POSTCODE, "1", "5", "1", "15", "1", TYPED]:
            before = len(await bot_says(parent, room_id, bot.user_id))
            await parent.say(room_id, answer)
            await bot.turn()
            assert len(await bot_says(parent, room_id, bot.user_id)) > before, answer
        said = await bot_says(parent, room_id, bot.user_id)
        assert "Thank you. You live in Heijenoord en Hoogkamp." in said
    finally:
        capture.close()
        await stop_bot(bot)

    raw = capture.raw_text()
    # Without the filter these would be in the log: the test looks where the leaks are.
    assert TYPED in raw and parent.user_id in raw
    capture.assert_absent(
        {
            "the bot's access token": bot_user.access_token,
            "the parent's access token": parent.user.access_token,
            "the Telegram token": TELEGRAM_TOKEN,
            "the postcode": POSTCODE,
            "the postcode without space": POSTCODE.replace(" ", ""),
            "a typed text": TYPED,
            "the bot's answer": "Heijenoord en Hoogkamp",
            "the parent's Matrix id": parent.user_id,
            "the parent's name": parent.user_id.split(":")[0].lstrip("@"),
            "the direct chat": room_id,
            "the invite code": "ARNHEM",
        }
    )
    assert any(name.startswith("sqlalchemy") for name in capture.names())
