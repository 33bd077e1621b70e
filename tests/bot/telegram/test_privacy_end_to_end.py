"""/mydata and /privacy on Telegram, end to end: the real app and adapter against the fake Bot
API. The JSON file arrives as a document (sendDocument) named ouderkring-mydata.json."""

from __future__ import annotations

import json

import pytest

from tests.bot.telegram.test_end_to_end import onboard
from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_harness import TelegramBot

PARENT = 7


@pytest.fixture
async def tg(fake: FakeTelegram, settings, clock):  # type: ignore[no-untyped-def]
    bot = TelegramBot(fake, settings, clock)
    await bot.start()
    yield bot
    await bot.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_mydata_arrives_as_messages_and_a_json_document(
    tg: TelegramBot, fake: FakeTelegram
) -> None:
    await onboard(tg, PARENT)
    said = await tg.say(PARENT, "/mydata")
    assert said[0].startswith("This is everything I keep about you:")
    assert "Postcode area: 6825" in "\n".join(said)
    [upload] = fake.uploads
    assert (upload.method, upload.chat_id, upload.filename) == (
        "sendDocument",
        PARENT,
        "ouderkring-mydata.json",
    )
    data = json.loads(upload.data)
    assert data["account"]["platform"] == "telegram"
    assert data["account"]["user_id"] == str(PARENT)
    assert data["parent_profile"]["postcode_area"] == "6825"
    document = next(m for m in fake.sent_to(PARENT) if m.method == "sendDocument")
    assert document.caption == "All of this is also in this file. A computer can read it."
    assert fake.last(PARENT).text == "Do you want me to erase it all? Send /stop."


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_privacy_before_joining(tg: TelegramBot, fake: FakeTelegram) -> None:
    said = await tg.say(PARENT, "/privacy")
    controller = tg.app.settings.privacy.controller
    assert controller is not None and controller in said[0]
    assert any("/mydata" in text and "/stop" in text for text in said)
