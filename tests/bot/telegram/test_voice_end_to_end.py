"""Voice notes on Telegram: the real engine, outbox and adapter, python-telegram-bot and the fake
Bot API. A parent who taps "🔊 I prefer listening" gets each text and then a voice note
(sendVoice, an OGG/Opus upload with its duration); the same note to the next parent goes by
Telegram's file id, without a second upload."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile

from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_harness import TelegramBot

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ANNA, BO = 7, 8


@pytest.fixture
async def tg(fake: FakeTelegram, settings, clock):  # type: ignore[no-untyped-def]
    bot = TelegramBot(fake, settings, clock)
    await bot.start()
    yield bot
    await bot.close()


async def _listening_parent(tg: TelegramBot, fake: FakeTelegram, user: int) -> None:
    await tg.say(user, "/start ARNHEM")
    await tg.press(user, "English")
    await tg.press(user, "Yes, that is OK")
    assert tg.labels(user) == ["🔊 I prefer listening"]
    said = await tg.press(user, "🔊 I prefer listening")
    assert said == [
        "Voice notes are on. You get every message as text and as a voice note. "
        "Turn them off with /voice off.",
        "",  # a voice note has no text
        "What is your postcode? For example: 6825 AB",
        "",
    ]


@SQLITE
async def test_a_listening_parent_gets_each_text_and_a_voice_note(
    tg: TelegramBot, fake: FakeTelegram
) -> None:
    await _listening_parent(tg, fake, ANNA)
    notes = [m for m in fake.sent_to(ANNA) if m.method == "sendVoice"]
    assert len(notes) == 2
    [upload, *_] = [u for u in fake.uploads if u.method == "sendVoice"]
    assert (upload.chat_id, upload.filename) == (ANNA, "voice.ogg")
    samples, rate = soundfile.read(io.BytesIO(upload.data))
    assert soundfile.info(io.BytesIO(upload.data)).subtype == "OPUS"
    seconds = len(samples) / rate
    assert 3 < seconds < 15  # three short sentences
    assert float(np.sqrt(np.mean(samples**2))) > 0.01
    assert notes[0].media is not None
    assert notes[0].media["voice"]["duration"] == max(1, round(seconds))

    said = await tg.say(ANNA, "6825 AB")
    assert said[:2] == ["Thank you. You live in Presikhaaf-Oost.", ""]
    assert fake.sent_to(ANNA)[-1].method == "sendVoice"  # the ages question's note


@SQLITE
async def test_the_same_note_goes_to_the_next_parent_by_file_id(
    tg: TelegramBot, fake: FakeTelegram
) -> None:
    await _listening_parent(tg, fake, ANNA)
    uploads = len(fake.uploads)
    await _listening_parent(tg, fake, BO)
    assert len(fake.uploads) == uploads  # the same texts: no new upload
    assert [m.method for m in fake.sent_to(BO)][-4:] == [
        "sendMessage",
        "sendVoice",
        "sendMessage",
        "sendVoice",
    ]


@SQLITE
async def test_a_parent_who_types_the_postcode_keeps_reading(
    tg: TelegramBot, fake: FakeTelegram
) -> None:
    await tg.say(ANNA, "/start ARNHEM")
    await tg.press(ANNA, "English")
    await tg.press(ANNA, "Yes, that is OK")
    question = fake.last(ANNA)
    assert [b["text"] for b in question.buttons()] == ["🔊 I prefer listening"]
    said = await tg.say(ANNA, "6825 AB")
    assert said[0] == "Thank you. You live in Presikhaaf-Oost."
    assert fake.messages[(ANNA, question.message_id)].buttons() == []  # the offer is taken off
    assert not [m for m in fake.sent_to(ANNA) if m.method == "sendVoice"]


@SQLITE
async def test_a_parent_whose_telegram_refuses_voice_messages_gets_audio(
    tg: TelegramBot, fake: FakeTelegram
) -> None:
    await _listening_parent(tg, fake, ANNA)  # the notes are uploaded, their file ids known
    fake.no_voice.add(BO)
    await _listening_parent(tg, fake, BO)
    methods = [m.method for m in fake.sent_to(BO)][-4:]
    assert methods == ["sendMessage", "sendAudio", "sendMessage", "sendAudio"]
    fake.no_voice.add(ANNA)
    said = await tg.say(ANNA, "6825 AB")  # a new note: uploaded, as audio for her
    assert said[0] == "Thank you. You live in Presikhaaf-Oost."
    assert [m.method for m in fake.sent_to(ANNA)][-3:] == ["sendAudio", "sendMessage", "sendAudio"]
    upload = fake.uploads[-1]
    assert (upload.method, upload.filename) == ("sendAudio", "voice.ogg")
