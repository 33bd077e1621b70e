"""Moderation on Telegram end to end (real adapter and python-telegram-bot, fake Bot API): a
parent reports a message with /report as a reply, the coordinator presses "Remove from the
group", and Telegram is asked to ban and lift the ban (the member may ask to join again later)."""

from __future__ import annotations

import pytest

from tests.bot.telegram.test_end_to_end import make_coordinator, onboard
from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_harness import TelegramBot

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
GROUP = -1005678
ANNA, BO, COORDINATOR = 7, 8, 555


@pytest.fixture
async def tg(fake: FakeTelegram, settings, clock):  # type: ignore[no-untyped-def]
    bot = TelegramBot(fake, settings, clock)
    await bot.start()
    yield bot
    await bot.close()


@SQLITE
async def test_a_report_and_a_removal_on_telegram(tg: TelegramBot, fake: FakeTelegram) -> None:
    await make_coordinator(tg, COORDINATOR)
    fake.member_status[(GROUP, COORDINATOR)] = "creator"  # /linkgroup needs a group admin
    await tg.say(COORDINATOR, "/linkgroup@ouderkring_test_bot", chat=GROUP)
    for parent in (ANNA, BO):
        await onboard(tg, parent)
        await tg.settle(fake.member_update(GROUP, parent, "left", "member"))
    update, spam = fake.group_message(GROUP, ANNA, "Koop mijn spullen!", "Anna de Vries")
    await tg.settle(update)
    update, command = fake.group_message(GROUP, BO, "/report", "Bo", reply_to=spam)
    in_group = len(fake.sent_to(GROUP))
    await tg.settle(update)
    assert len(fake.sent_to(GROUP)) == in_group  # the group sees nothing ...
    deleted = [c.params["message_id"] for c in fake.calls_of("deleteMessage")]
    assert deleted == [command]  # ... and the command is gone
    assert fake.sent_texts(BO)[-1] == "Thank you. A coordinator will look at it."
    report = fake.last(COORDINATOR)
    assert report.text is not None and report.text.endswith("> 💬 Anna:\n> Koop mijn spullen!")
    assert "Vries" not in report.text
    assert tg.labels(COORDINATOR) == [
        "🗑️ Delete everywhere",
        "⚠️ Warn",
        "🚷 Remove from the group",
    ]

    said = await tg.press(COORDINATOR, "Remove from the group")
    assert said == ["Done: this person is out of the group."]
    bans = fake.calls_of("banChatMember")
    assert [(c.params["chat_id"], c.params["user_id"]) for c in bans] == [(GROUP, ANNA)]
    unbans = fake.calls_of("unbanChatMember")
    assert [(c.params["user_id"], c.params["only_if_banned"]) for c in unbans] == [(ANNA, True)]
    assert ANNA not in fake.members[GROUP]
    assert [c.params["message_id"] for c in fake.calls_of("deleteMessage")] == [command, spam]
    assert fake.sent_texts(ANNA)[-1].startswith("A coordinator took you out of the group")
    # She asks to join again: the bot does not let her in by itself.
    await tg.settle(fake.join_request(GROUP, ANNA, language="en"))
    assert [c.params["user_id"] for c in fake.calls_of("declineChatJoinRequest")] == [ANNA]
