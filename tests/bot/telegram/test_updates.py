"""Telegram update -> Incoming, built from the same JSON the fake Bot API serves."""

from __future__ import annotations

from typing import Any

from telegram import Bot, Update

from bot.engine.types import EventKind, Target
from bot.telegram.updates import to_incoming
from tests.support.fake_telegram import FakeTelegram

BOT = Bot("123456:TEST-token")


def update_of(fake: FakeTelegram, feed) -> Update:  # type: ignore[no-untyped-def]
    feed()
    data: dict[str, Any] = fake._updates[-1]
    return Update.de_json(data, BOT)


def test_private_command_and_text() -> None:
    fake = FakeTelegram()
    incoming = to_incoming(update_of(fake, lambda: fake.message(7, "/start ARNHEM", language="ar")))
    assert incoming is not None
    assert (incoming.platform, incoming.user_id, incoming.chat_id) == ("telegram", "7", "7")
    assert incoming.is_private and incoming.command == "start" and incoming.args == ("ARNHEM",)
    assert incoming.language_hint == "ar" and incoming.event_id == "1001"
    # Each bot counts its own updates: the bot's id keeps two bots on one database apart.
    again = to_incoming(Update.de_json(fake._updates[-1], BOT), None, 123456)
    assert again is not None and again.event_id == "123456:1001"
    text = to_incoming(update_of(fake, lambda: fake.message(7, "6825 AB")))
    assert text is not None and text.command is None and text.text == "6825 AB"


def test_group_command_with_bot_name() -> None:
    fake = FakeTelegram()
    ours = to_incoming(
        update_of(fake, lambda: fake.message(7, "/help@ouderkring_test_bot", chat=-100)),
        "ouderkring_test_bot",
    )
    assert ours is not None and ours.command == "help" and not ours.is_private
    assert ours.chat_id == "-100"
    other = update_of(fake, lambda: fake.message(7, "/help@OtherBot", chat=-100))
    assert to_incoming(other, "ouderkring_test_bot") is None


def test_button_press_names_the_message() -> None:
    fake = FakeTelegram()
    fake.messages[(7, 5)] = __import__("tests.support.fake_telegram", fromlist=["x"]).SentMessage(
        7,
        5,
        "sendMessage",
        text="Kies",
        reply_markup={"inline_keyboard": [[{"text": "NL", "callback_data": "lang:nl"}]]},
    )
    incoming = to_incoming(update_of(fake, lambda: fake.press(7, 5, "lang:nl")))
    assert incoming is not None and incoming.kind is EventKind.BUTTON
    assert incoming.choice == "lang:nl" and incoming.ref == Target(remote_id="5")
    assert incoming.is_private and incoming.chat_id == "7"


def test_media_kept_as_file_ids() -> None:
    fake = FakeTelegram()
    photo = to_incoming(update_of(fake, lambda: fake.photo(7, "PHOTO-ID", caption="onze tuin")))
    assert photo is not None and photo.text == "onze tuin"
    assert [(m.kind, m.ref) for m in photo.media] == [("photo", "PHOTO-ID")]  # the biggest size
    voice = to_incoming(update_of(fake, lambda: fake.voice(7, "VOICE-ID")))
    assert voice is not None and voice.text == "" and voice.media[0].kind == "voice"
    assert voice.media[0].mime_type == "audio/ogg"
    doc = to_incoming(update_of(fake, lambda: fake.document(7, "DOC-ID")))
    assert doc is not None and doc.media[0].ref == "DOC-ID"


def test_join_request_and_members() -> None:
    fake = FakeTelegram()
    request = to_incoming(update_of(fake, lambda: fake.join_request(-100, 7, language="tr")))
    assert request is not None and request.kind is EventKind.JOIN_REQUEST
    assert (request.user_id, request.chat_id, request.is_private) == ("7", "-100", False)
    assert request.language_hint == "tr"
    joined = to_incoming(update_of(fake, lambda: fake.member_update(-100, 7, "left", "member")))
    assert joined is not None and joined.kind is EventKind.MEMBER_JOINED
    left = to_incoming(update_of(fake, lambda: fake.member_update(-100, 7, "member", "kicked")))
    assert left is not None and left.kind is EventKind.MEMBER_LEFT
    promoted = update_of(fake, lambda: fake.member_update(-100, 7, "member", "administrator"))
    assert to_incoming(promoted) is None


def test_a_group_message_names_itself_and_a_reply_names_what_it_answers() -> None:
    fake = FakeTelegram()
    message_id = 0

    def write() -> None:
        nonlocal message_id
        _, message_id = fake.group_message(-100, 7, "Hoi allemaal", "Piet Jansen")

    incoming = to_incoming(update_of(fake, write))
    assert incoming is not None and incoming.message_id == str(message_id)
    assert incoming.sender_name == "Piet Jansen" and incoming.ref is None
    answered = to_incoming(
        update_of(fake, lambda: fake.group_message(-100, 9, "/delete", "Co", reply_to=message_id))
    )
    assert answered is not None and answered.command == "delete"
    assert answered.ref == Target(remote_id=str(message_id))
    edited = to_incoming(update_of(fake, lambda: fake.edit_group_message(-100, message_id, "Hoi!")))
    assert edited is not None and edited.kind is EventKind.EDIT and edited.text == "Hoi!"
    assert edited.ref == Target(remote_id=str(message_id))


def test_a_group_that_became_a_supergroup_moves() -> None:
    fake = FakeTelegram()

    def migrated() -> None:
        message = fake._user_message(7, -4001, "nl")
        message["migrate_to_chat_id"] = -1004001
        fake.feed("message", message)

    incoming = to_incoming(update_of(fake, migrated))
    assert incoming is not None and incoming.kind is EventKind.ROOM_MOVED
    assert (incoming.chat_id, incoming.moved_to, incoming.is_private) == (
        "-4001",
        "-1004001",
        False,
    )
