"""Delivery -> Bot API call, against the fake Bot API with the real python-telegram-bot."""

from __future__ import annotations

import pytest

from bot.engine.port import Delivery, SendError
from bot.telegram.transport import TelegramTransport, keyboard, split_text
from community.actions import (
    AdmitMember,
    Button,
    ClearButtons,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    InviteMember,
    Media,
    PinMessage,
    RemoveMember,
    SendMessage,
    Target,
)
from tests.support.fake_telegram import FakeTelegram

GROUP = -100123


def delivery(
    action, chat: int | str = 42, target: str | None = None, outbox_id: int = 1
) -> Delivery:  # type: ignore[no-untyped-def]
    return Delivery(outbox_id, "telegram", str(chat), action, target)


async def test_send_with_buttons_edit_and_clear(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    transport = TelegramTransport(bot)
    buttons = (Button("Nederlands", "lang:nl"), Button("English", "lang:en"))
    remote = await transport.perform(delivery(SendMessage("Kies je taal", buttons)))
    sent = fake.last(42)
    assert remote == str(sent.message_id)
    assert [b["callback_data"] for b in sent.buttons()] == ["lang:nl", "lang:en"]

    await transport.perform(delivery(EditMessage(Target(), "Taal: Nederlands"), target=remote))
    assert fake.last(42).text == "Taal: Nederlands" and fake.last(42).buttons() == []

    # The same edit again: Telegram says "not modified"; that is done, not an error.
    assert (
        await transport.perform(delivery(EditMessage(Target(), "Taal: Nederlands"), target=remote))
        == remote
    )
    assert await transport.perform(delivery(ClearButtons(Target()), target=remote)) == remote


async def test_edit_of_a_missing_message_is_permanent(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    transport = TelegramTransport(bot)
    with pytest.raises(SendError) as caught:
        await transport.perform(delivery(EditMessage(Target(), "x"), target="999"))
    assert caught.value.permanent and not caught.value.unreachable
    with pytest.raises(SendError):
        await transport.perform(delivery(ClearButtons(Target())))


async def test_429_gives_retry_after_and_pauses_that_chat(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    transport = TelegramTransport(bot)
    fake.fail_with_429(1, retry_after=3)
    with pytest.raises(SendError) as caught:
        await transport.perform(delivery(SendMessage("hallo"), chat=43))
    assert caught.value.retry_after == 3 and not caught.value.permanent
    # Telegram asked for 3 seconds: that chat's next message is held back too, without a
    # request; another chat's goes now.
    calls = len(fake.calls)
    with pytest.raises(SendError) as held:
        await transport.perform(delivery(SendMessage("hallo"), chat=43))
    assert held.value.retry_after and held.value.retry_after >= 2 and len(fake.calls) == calls
    assert await transport.perform(delivery(SendMessage("hallo"), chat=44))


async def test_403_marks_unreachable(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    transport = TelegramTransport(bot)
    fake.block(43)
    with pytest.raises(SendError) as blocked:
        await transport.perform(delivery(SendMessage("hallo"), chat=43))
    assert blocked.value.unreachable and blocked.value.permanent


async def test_group_actions(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    transport = TelegramTransport(bot)
    fake.join_requests |= {(GROUP, 7), (GROUP, 8)}
    await transport.perform(delivery(AdmitMember("7", True), chat=GROUP))
    await transport.perform(delivery(AdmitMember("8", False), chat=GROUP))
    assert 7 in fake.members[GROUP] and 8 not in fake.members[GROUP]
    # Answered already (or withdrawn): done, not an error.
    await transport.perform(delivery(AdmitMember("8", True), chat=GROUP))

    link = await transport.perform(delivery(InviteMember("9"), chat=GROUP))
    assert (
        link and link.startswith("https://t.me/+") and fake.invite_links[-1]["creates_join_request"]
    )
    assert fake.sent_texts(9) == [link]  # the personal link, sent in private

    rules = await transport.perform(delivery(SendMessage("Regels: respect"), chat=GROUP))
    await transport.perform(delivery(PinMessage(Target()), chat=GROUP, target=rules))
    assert fake.last(GROUP).pinned
    await transport.perform(delivery(DeleteMessage(Target()), chat=GROUP, target=rules))
    assert fake.last(GROUP).deleted
    # Deleting twice is done too.
    await transport.perform(delivery(DeleteMessage(Target()), chat=GROUP, target=rules))

    await transport.perform(delivery(RemoveMember("7"), chat=GROUP))
    assert [c.method for c in fake.calls[-2:]] == ["banChatMember", "unbanChatMember"]

    with pytest.raises(SendError) as caught:
        await transport.perform(delivery(CreateRoom("community:1:tips", "Tips"), chat=""))
    assert caught.value.permanent


async def test_media_by_file_id(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    transport = TelegramTransport(bot)
    for kind, method in (
        ("photo", "sendPhoto"),
        ("voice", "sendVoice"),
        ("document", "sendDocument"),
    ):
        await transport.perform(delivery(SendMessage("kijk", media=Media(kind, f"FILE-{kind}"))))
        call = fake.calls[-1]
        assert call.method == method and call.params[kind] == f"FILE-{kind}"
        assert call.params["caption"] == "kijk"


async def test_long_text_is_split_with_buttons_on_the_last_part(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    transport = TelegramTransport(bot)
    text = ("regel\n" * 1200).strip()
    await transport.perform(delivery(SendMessage(text, (Button("OK", "ok"),))))
    sent = fake.sent_to(42)
    assert len(sent) == 2 and sent[0].buttons() == [] and sent[1].buttons()
    assert "".join(m.text or "" for m in sent).count("regel") == 1200


def test_keyboard_layout() -> None:
    short = keyboard([Button(str(i), f"b:{i}") for i in range(4)])
    assert short is not None and [len(row) for row in short.inline_keyboard] == [2, 2]
    long = keyboard([Button("Ja, ik wil een maatje", "y"), Button("Nee", "n")])
    assert long is not None and [len(row) for row in long.inline_keyboard] == [1, 1]
    assert keyboard([]) is None
    assert split_text("") == ["\u2026"]
