"""No chat waits for another: a 429 that Telegram gives for one chat pauses only that chat, and
the taps of a batch are acknowledged without waiting for any of its updates to be handled. On the fake Bot API,
through python-telegram-bot and the real adapter."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_harness import TelegramBot, is_language_question

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ANNA, BERT = 7, 8


@pytest.fixture
async def tg(fake: FakeTelegram, settings, clock):  # type: ignore[no-untyped-def]
    bot = TelegramBot(fake, settings, clock)
    await bot.start()
    yield bot
    await bot.close()


@SQLITE
async def test_a_429_for_one_chat_does_not_hold_up_another(
    tg: TelegramBot, fake: FakeTelegram
) -> None:
    fake.fail_with_429(1, retry_after=60)  # Anna's first reply: wait a minute
    await tg.say(ANNA, "/start ARNHEM")
    assert fake.rate_limited == 1 and fake.sent_texts(ANNA) == []
    said = await tg.say(BERT, "/start ARNHEM")  # answered now, not after Anna's minute
    assert is_language_question(said)
    assert fake.sent_texts(ANNA) == []  # Anna's chat waits out its own pause


@SQLITE
async def test_taps_are_acknowledged_before_anything_is_handled(
    tg: TelegramBot, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    for parent in (ANNA, BERT):
        assert is_language_question(await tg.say(parent, "/start ARNHEM"))
    await tg.quiet()  # every answer to /start is out: what comes next answers the taps
    sends_before = len(fake.calls)
    answered = {parent: len(fake.sent_to(parent)) for parent in (ANNA, BERT)}
    # The engine handles nothing until the test lets it: the acknowledgements must come anyway.
    let = threading.Event()
    handle = tg.app.engine.handle

    def handle_when_let(incoming: Any) -> Any:
        let.wait(10)
        return handle(incoming)

    monkeypatch.setattr(tg.app.engine, "handle", handle_when_let)
    # One getUpdates batch (fed with no await in between): Anna's tap comes after a message of
    # hers, whose handling it must not wait for either.
    fake.message(ANNA, "hallo")
    first = fake.press_label(ANNA, "English")
    second = fake.press_label(BERT, "English")

    def acknowledged() -> list[int]:
        return sorted(
            fake.callback_chat(call.params["callback_query_id"])
            for call in fake.calls[sends_before:]
            if call.method == "answerCallbackQuery"
        )

    await fake.wait_until(lambda: len(acknowledged()) == 2, 10, "both taps acknowledged")
    assert acknowledged() == [ANNA, BERT]  # each tap once, while nothing was handled
    assert {parent: len(fake.sent_to(parent)) for parent in (ANNA, BERT)} == answered
    let.set()
    await tg.settle(max(first, second))
    replied = lambda: all(len(fake.sent_to(p)) > n for p, n in answered.items())  # noqa: E731
    await fake.wait_until(replied, 10, "a reply to both taps")
    assert acknowledged() == [ANNA, BERT]  # and never again
