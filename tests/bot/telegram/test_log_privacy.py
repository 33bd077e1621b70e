"""A whole dialogue on the fake Bot API, every logger at DEBUG (python-telegram-bot, httpx,
httpcore, SQLAlchemy, ours): the formatted logs hold no token, no text typed or sent, no
postcode, no name and no Telegram id, while the libraries did try to log them."""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

import pytest

from bot.matrix.settings import MatrixSpec
from bot.telegram.settings import TelegramSettings
from tests.support.fake_telegram import FakeTelegram
from tests.support.log_capture import LogCapture
from tests.support.telegram_harness import TelegramBot

TOKEN = "5550123:AAH-log_privacy-Secret99"
MATRIX_TOKEN = "syt_bG9ncw_matrixSECRET_0042"
PARENT = 734018265
OTHER = 734018266
GROUP = -1009876543210
POSTCODE = "6813 QZ"
TYPED = "mijn geheime zin 4711"
IN_GROUP = "wie gaat er mee naar de bieb 5150"
NAME = "Zeynepje"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_whole_dialogue_at_debug_logs_nothing_private(
    settings, clock, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    capture = LogCapture(caplog)
    fake = await FakeTelegram(token=TOKEN, bot_id=5550123).start()
    sections = {
        "telegram": TelegramSettings(token=TOKEN),
        "matrix": MatrixSpec(
            "https://m.example.org", "@bot:example.org", access_token=MATRIX_TOKEN
        ),
    }
    settings = dataclasses.replace(settings, platform_settings=sections)
    try:
        async with TelegramBot(fake, settings, clock) as tg:
            capture.watch_raw()
            await tg.say(PARENT, "/start ARNHEM")
            await tg.press(PARENT, "English")
            await tg.press(PARENT, "Yes, that is OK")
            said = await tg.say(PARENT, POSTCODE)
            assert said[0] == "Thank you. You live in Heijenoord en Hoogkamp."
            await tg.press(PARENT, "0-2 years")
            await tg.press(PARENT, "Done")
            await tg.press(PARENT, tg.labels(PARENT)[0])
            await tg.press(PARENT, "Done")
            await tg.press(PARENT, tg.labels(PARENT)[0])
            assert await tg.say(PARENT, TYPED)  # free text in the private chat: an answer
            update_id, _ = fake.group_message(GROUP, OTHER, IN_GROUP, name=NAME)
            await tg.settle(update_id)
    finally:
        capture.close()
        await fake.stop()

    raw = capture.raw_text()
    # Without the filter these would be in the log: the test looks where the leaks are.
    assert TOKEN in raw and TYPED in raw and str(PARENT) in raw and NAME in raw
    capture.assert_absent(
        {
            "the bot token": TOKEN,
            "the secret half of the token": TOKEN.split(":", 1)[1],
            "the URL-encoded token": quote(TOKEN, safe=""),
            "the Matrix access token": MATRIX_TOKEN,
            "the postcode": POSTCODE,
            "the postcode without space": POSTCODE.replace(" ", ""),
            "a typed text": TYPED,
            "a group message": IN_GROUP,
            "the bot's answer": "Heijenoord en Hoogkamp",
            "a parent's name": NAME,
            "the parent's id": str(PARENT),
            "the other parent's id": str(OTHER),
            "the group's id": str(GROUP).lstrip("-"),
            "the invite code": "ARNHEM",
        }
    )
    # The libraries still say what they did, in safe words.
    logged = capture.everything()
    assert "HTTP Request: POST sendMessage 200" in logged
    assert "Bot API sendMessage: called" in logged
    assert {"httpx", "telegram.ext.ExtBot"} <= capture.names()
