"""A community's Telegram group and its Matrix room joined into one conversation, end to end:
the real Telegram adapter (python-telegram-bot against the fake Bot API on loopback) and the
real Matrix adapter (matrix-nio against Synapse) in one bot. Text both ways with the first name
only, an edit each way, a Matrix redaction deleting the Telegram copy, a coordinator's /delete
on Telegram deleting the Matrix copy, relay off, and a restart with messages waiting that
relays each once."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from pathlib import Path
from typing import Any

import nio
import pytest
from sqlalchemy import select

from bot.app import App, build_app
from bot.matrix.listener import MatrixListener
from bot.matrix.runner import check_login, make_listener, matrix_transport
from bot.matrix.transport import MatrixTransport
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.run import connect, telegram_adapter
from community.actions import CreateRoom
from community.clock import FakeClock
from community.models import Community, Room
from community.services import outbox
from community.services.outbox import Outgoing
from tests.bot.matrix.conftest import Parent
from tests.bot.matrix.test_end_to_end import bot_settings, with_telegram
from tests.bot.matrix.test_media_end_to_end import download
from tests.bot.telegram.conftest import options_for
from tests.support.fake_telegram import FakeTelegram
from tests.support.members import add_member
from tests.support.synapse import MatrixUser, SynapseServer

GROUP, PIET, ADMIN = -100777, 7, 900


@dataclasses.dataclass
class Both:
    """One bot process on both platforms, driven a step at a time."""

    app: App
    fake: FakeTelegram
    telegram: TelegramAdapter
    matrix: MatrixTransport
    listener: MatrixListener
    stop: asyncio.Event
    polling: asyncio.Task[None]

    @classmethod
    async def start(cls, settings: Any, fake: FakeTelegram, clock: FakeClock) -> Both:
        telegram = telegram_adapter(settings, options_for(fake))
        matrix = matrix_transport(settings)
        app = build_app(settings, [telegram.transport, matrix], clock=clock, migrate=True)
        connect(app, telegram)
        await check_login(app, matrix)
        listener = make_listener(app, matrix)
        await listener.sync_once()
        await telegram.start()
        stop = asyncio.Event()
        polling = asyncio.create_task(telegram.poll(stop))
        return cls(app, fake, telegram, matrix, listener, stop, polling)

    async def close(self) -> None:
        self.stop.set()
        with contextlib.suppress(BaseException):
            await self.polling
        await self.telegram.stop()
        await self.matrix.client.close()
        self.app.close()

    async def settle(self, update_id: int) -> None:
        """Until Telegram update `update_id` was handled and the outbox sent what is due."""
        await self.fake.wait_until(
            lambda: self.telegram.last_update_id >= update_id, 10, f"update {update_id}"
        )
        await self.app.dispatcher.dispatch_due()

    async def turn(self) -> None:
        """The Matrix side reads what happened; the outbox sends what is due."""
        await self.listener.sync_once()
        await self.app.dispatcher.dispatch_due()


async def bot_lines(parent: Parent, room_id: str, bot_id: str) -> list[str]:
    """What the Matrix parent sees from the bot in the room, edits applied."""
    events = [
        e
        for e in await parent.messages(room_id, limit=200)
        if e["type"] == "m.room.message" and e["sender"] == bot_id
    ]
    shown: dict[str, str] = {}
    for event in events:
        content = event["content"]
        relates = content.get("m.relates_to") or {}
        if relates.get("rel_type") == "m.replace":
            shown[relates["event_id"]] = content["m.new_content"]["body"]
        else:
            shown[event["event_id"]] = content.get("body", "")
    redacted = {e["event_id"] for e in events if not e["content"]}
    return [text for event_id, text in shown.items() if event_id not in redacted]


def group_texts(fake: FakeTelegram) -> list[str]:
    return [m.text or m.caption or "" for m in fake.sent_to(GROUP) if not m.deleted]


def joined_through_the_bot(bot: Both, fake: FakeTelegram, eva: Parent) -> None:
    """Eva (Matrix) and Piet (Telegram) are parents who joined through the bot (strangers are
    not relayed); the admin is an administrator of the Telegram group (for /linkgroup)."""
    with bot.app.session_factory.begin() as session:
        add_member(session, "matrix", eva.user_id, bot.app.clock)
        add_member(session, "telegram", str(PIET), bot.app.clock)
    fake.member_status[(GROUP, ADMIN)] = "administrator"


@pytest.fixture
async def fake() -> Any:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


async def test_a_telegram_group_and_a_matrix_room_are_one_conversation(
    synapse: SynapseServer, bot_user: MatrixUser, tmp_path: Path, make_parent, fake: FakeTelegram
) -> None:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(
        bot_settings(synapse, bot_user, tmp_path / "bot.db", frozenset({f"telegram:{ADMIN}"})),
        platforms=("telegram", "matrix"),
    )
    settings = with_telegram(settings, fake)
    clock = FakeClock()
    bot = await Both.start(settings, fake, clock)
    eva: Parent = await make_parent("eva")
    await eva.client.set_displayname("Eva de Boer")
    try:
        # The community's Matrix room (as /rooms makes it) and its Telegram group, linked there
        with bot.app.session_factory.begin() as session:
            community = session.scalars(select(Community)).first()
            assert community is not None
            make = CreateRoom(f"community:{community.id}:tips", "Tips en vragen")
            outbox.enqueue(session, [Outgoing("matrix", "", make)], clock)
        await bot.turn()
        with bot.app.session_factory() as session:
            room_id = session.scalars(select(Room.chat_id).where(Room.platform == "matrix")).one()
        joined_through_the_bot(bot, fake, eva)
        await bot.matrix.client.room_invite(room_id, eva.user_id)
        await eva.join(room_id)
        await bot.settle(fake.message(ADMIN, "/linkgroup", chat=GROUP))
        update = fake.message(ADMIN, "/relay", chat=GROUP)
        await bot.settle(update)
        assert group_texts(fake)[-1].startswith("Doorsturen staat aan. Gekoppelde groepen: 1.")
        await bot.turn()
        before_tg = len(group_texts(fake))
        before_mx = len(await bot_lines(eva, room_id, bot.listener.bot_user_id))

        # Telegram -> Matrix, with the first name only
        update, piet_message = fake.group_message(GROUP, PIET, "Hallo allemaal!", "Piet Jansen")
        await bot.settle(update)
        seen = await bot_lines(eva, room_id, bot.listener.bot_user_id)
        assert seen[before_mx:] == ["💬 Piet:\nHallo allemaal!"]
        # Matrix -> Telegram
        eva_event = await eva.say(room_id, "Hoi Piet, welkom!")
        await bot.turn()
        assert group_texts(fake)[before_tg:] == ["💬 Eva:\nHoi Piet, welkom!"]
        copy = fake.sent_to(GROUP)[-1]

        # An edit each way
        await bot.settle(
            fake.edit_group_message(GROUP, piet_message, "Hallo allemaal, ik ben Piet!")
        )
        seen = await bot_lines(eva, room_id, bot.listener.bot_user_id)
        assert seen[before_mx:] == ["💬 Piet:\nHallo allemaal, ik ben Piet!"]
        await eva.send(
            room_id,
            "m.room.message",
            {
                "msgtype": "m.text",
                "body": "* Hoi Piet, welkom hier!",
                "m.new_content": {"msgtype": "m.text", "body": "Hoi Piet, welkom hier!"},
                "m.relates_to": {"rel_type": "m.replace", "event_id": eva_event},
            },
        )
        await bot.turn()
        assert fake.messages[(GROUP, copy.message_id)].text == "💬 Eva:\nHoi Piet, welkom hier!"

        # A redaction on Matrix deletes the Telegram copy
        redacted = await eva.client.room_redact(room_id, eva_event)
        assert isinstance(redacted, nio.RoomRedactResponse), redacted
        await bot.turn()
        assert fake.messages[(GROUP, copy.message_id)].deleted

        # No user id, username or last name ever shows on the other side
        everything = " ".join(group_texts(fake)[before_tg:]) + " ".join(
            await bot_lines(eva, room_id, bot.listener.bot_user_id)
        )
        for leak in (eva.user_id, "@eva", "Boer", "Jansen", str(PIET)):
            assert leak not in everything

        # A restart with a message waiting on each side: each is relayed once, nothing again
        await bot.close()
        await eva.say(room_id, "Wie gaat er morgen naar de markt?")
        update, tomorrow = fake.group_message(GROUP, PIET, "Ik ga morgen!", "Piet Jansen")
        bot = await Both.start(settings, fake, clock)
        await bot.settle(update)
        await bot.turn()
        await bot.turn()
        assert group_texts(fake)[before_tg:] == ["💬 Eva:\nWie gaat er morgen naar de markt?"]
        seen = await bot_lines(eva, room_id, bot.listener.bot_user_id)
        assert seen[before_mx:] == [
            "💬 Piet:\nHallo allemaal, ik ben Piet!",
            "💬 Piet:\nIk ga morgen!",
        ]

        # A Telegram bot hears of no deletion in a group: a coordinator answers with /delete,
        # and the message goes on Telegram and its copy on Matrix
        update, command = fake.group_message(GROUP, ADMIN, "/delete", "Co", reply_to=tomorrow)
        await bot.settle(update)
        deleted = {int(c.params["message_id"]) for c in fake.calls_of("deleteMessage")}
        assert {tomorrow, command} <= deleted
        await bot.turn()
        seen = await bot_lines(eva, room_id, bot.listener.bot_user_id)
        assert seen[before_mx:] == ["💬 Piet:\nHallo allemaal, ik ben Piet!"]

        # Relay off: the conversation splits again
        await bot.settle(fake.message(ADMIN, "/relay uit", chat=GROUP))
        assert group_texts(fake)[-1] == "Doorsturen staat uit. Berichten blijven in deze groep."
        await eva.say(room_id, "Dit blijft op Matrix.")
        await bot.turn()
        await bot.settle(fake.group_message(GROUP, PIET, "Dit blijft op Telegram.", "Piet")[0])
        assert "💬 Eva:\nDit blijft op Matrix." not in group_texts(fake)
        seen = await bot_lines(eva, room_id, bot.listener.bot_user_id)
        assert not any("Dit blijft op Telegram." in line for line in seen)
    finally:
        await bot.close()


async def test_a_photo_in_the_telegram_group_shows_in_the_matrix_room(
    synapse: SynapseServer, bot_user: MatrixUser, tmp_path: Path, make_parent, fake: FakeTelegram
) -> None:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(
        bot_settings(synapse, bot_user, tmp_path / "bot.db", frozenset({f"telegram:{ADMIN}"})),
        platforms=("telegram", "matrix"),
    )
    settings = with_telegram(settings, fake)
    clock = FakeClock()
    bot = await Both.start(settings, fake, clock)
    eva: Parent = await make_parent("eva")
    try:
        with bot.app.session_factory.begin() as session:
            community = session.scalars(select(Community)).first()
            assert community is not None
            make = CreateRoom(f"community:{community.id}:tips", "Tips en vragen")
            outbox.enqueue(session, [Outgoing("matrix", "", make)], clock)
        await bot.turn()
        with bot.app.session_factory() as session:
            room_id = session.scalars(select(Room.chat_id).where(Room.platform == "matrix")).one()
        joined_through_the_bot(bot, fake, eva)
        await bot.matrix.client.room_invite(room_id, eva.user_id)
        await eva.join(room_id)
        await bot.settle(fake.message(ADMIN, "/linkgroup", chat=GROUP))
        await bot.settle(fake.message(ADMIN, "/relay aan", chat=GROUP))
        picture = b"\xff\xd8\xff\xe0 a photo of the park"
        fake.put_file("AgAD-park", picture)
        update, _ = fake.group_message(GROUP, PIET, "Het park", "Piet", photo="AgAD-park")
        await bot.settle(update)
        images = [
            e
            for e in await eva.messages(room_id)
            if e["sender"] == bot.listener.bot_user_id and e["content"].get("msgtype") == "m.image"
        ]
        assert images and images[-1]["content"]["body"] == "💬 Piet:\nHet park"
        assert await download(synapse, eva, images[-1]["content"]["url"]) == picture
    finally:
        await bot.close()
