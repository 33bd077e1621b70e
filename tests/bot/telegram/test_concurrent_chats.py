"""No chat waits for another: a 429 that Telegram gives for one chat pauses only that chat, and
the taps of a batch are acknowledged without waiting for any of its updates to be handled. On the fake Bot API,
through python-telegram-bot and the real adapter."""

from __future__ import annotations

import pytest

from tests.support.fake_telegram import Call, FakeTelegram
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
    tg: TelegramBot, fake: FakeTelegram
) -> None:
    for parent in (ANNA, BERT):
        assert is_language_question(await tg.say(parent, "/start ARNHEM"))
    await tg.quiet()  # every answer to /start is out: what comes next answers the taps
    sends_before = len(fake.calls)
    answered = {parent: len(fake.sent_to(parent)) for parent in (ANNA, BERT)}
    first = fake.press_label(ANNA, "English")
    second = fake.press_label(BERT, "English")  # the same getUpdates batch
    await tg.settle(max(first, second))
    # (Bert's later update may be done before Anna's: wait for the replies to both.)
    replied = lambda: all(len(fake.sent_to(p)) > n for p, n in answered.items())  # noqa: E731
    await fake.wait_until(replied, 10, "a reply to both taps")
    calls = [c for c in fake.calls[sends_before:] if c.method != "getUpdates"]

    def chat_of(call: Call) -> int:
        if call.method == "answerCallbackQuery":
            return fake.callback_chat(call.params["callback_query_id"])
        return int(call.params["chat_id"])

    for parent in (ANNA, BERT):
        # Both acknowledgements leave as the batch arrives, before its handling; which of two
        # concurrent requests the server sees first is the network's business, so the order
        # is checked where it is certain: a chat's tap is answered before that chat's reply.
        methods = [c.method for c in calls if chat_of(c) == parent]
        acks = [n for n, m in enumerate(methods) if m == "answerCallbackQuery"]
        replies = [n for n, m in enumerate(methods) if m.startswith(("send", "edit"))]
        assert acks == [0] and replies, methods
