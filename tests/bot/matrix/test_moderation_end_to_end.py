"""Moderation across platforms, end to end (python-telegram-bot against the fake Bot API, and
matrix-nio against Synapse, in one bot): a Matrix member's message is relayed to the Telegram
group, a Telegram parent reports the copy, and the coordinator's "Remove from the group" kicks
the member from the Matrix room, where they are; the message goes on both sides."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import nio
import pytest
from sqlalchemy import select

from community.actions import CreateRoom
from community.clock import FakeClock
from community.models import Community, Room
from community.services import outbox
from community.services.outbox import Outgoing
from tests.bot.matrix.conftest import Parent
from tests.bot.matrix.test_end_to_end import bot_settings, with_telegram
from tests.bot.matrix.test_group_relay_end_to_end import GROUP, Both
from tests.support.fake_telegram import FakeTelegram
from tests.support.members import add_member
from tests.support.synapse import MatrixUser, SynapseServer

PIET, ADMIN = 7, 900


@pytest.fixture
async def fake() -> Any:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


async def test_a_reported_copy_removes_its_author_from_the_matrix_room(
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
    ben: Parent = await make_parent("ben")
    try:
        with bot.app.session_factory.begin() as session:
            community = session.scalars(select(Community)).first()
            assert community is not None
            make = CreateRoom(f"community:{community.id}:tips", "Tips en vragen")
            outbox.enqueue(session, [Outgoing("matrix", "", make)], clock)
            # Eva and Piet joined the community through the bot (their onboarding is elsewhere).
            joined = (("matrix", eva.user_id), ("matrix", ben.user_id), ("telegram", str(PIET)))
            for platform, user_id in joined:
                add_member(session, platform, user_id, clock, community=community, locale="en")
        await bot.turn()
        with bot.app.session_factory() as session:
            room_id = session.scalars(select(Room.chat_id).where(Room.platform == "matrix")).one()
        for parent in (eva, ben):
            await bot.matrix.client.room_invite(room_id, parent.user_id)
            await parent.join(room_id)
        fake.member_status[(GROUP, ADMIN)] = "administrator"  # /linkgroup needs a group admin
        await bot.settle(fake.message(ADMIN, "/linkgroup", chat=GROUP))
        await bot.settle(fake.message(ADMIN, "/relay on", chat=GROUP))
        await bot.turn()

        said_by_eva = await eva.say(room_id, "Koop mijn spullen!")
        await bot.turn()
        # On Matrix: a reply without the quoted fallback (newer clients); the bot fetches it.
        reply = {"m.in_reply_to": {"event_id": said_by_eva}}
        await ben.send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": "/report", "m.relates_to": reply},
        )
        await bot.turn()
        from_matrix = fake.last(ADMIN)
        assert from_matrix.text is not None
        assert from_matrix.text.endswith("> 💬 Eva:\n> Koop mijn spullen!"), from_matrix.text
        copy = fake.sent_to(GROUP)[-1]
        assert copy.text == "💬 Eva:\nKoop mijn spullen!"
        update, _ = fake.group_message(GROUP, PIET, "/report", "Piet", reply_to=copy.message_id)
        await bot.settle(update)
        report = fake.last(ADMIN)
        assert report.text is not None and report.text.endswith("> 💬 Eva:\n> Koop mijn spullen!")

        # No coordinator yet: the admin gets it, in the default language.
        said = await bot_press(bot, fake, ADMIN, "Uit de groep halen")
        assert said == ["Klaar: deze persoon is uit de groep."]
        await bot.turn()
        members = await bot.matrix.client.joined_members(room_id)
        assert eva.user_id not in [m.user_id for m in members.members]  # type: ignore[union-attr]
        assert fake.messages[(GROUP, copy.message_id)].deleted  # the copy, and the original
        events = await bot.matrix.client.room_messages(room_id, start="", limit=50)
        assert isinstance(events, nio.RoomMessagesResponse), events
        eva_said = [e.source for e in events.chunk if e.sender == eva.user_id]
        said_messages = [e for e in eva_said if e["type"] == "m.room.message"]
        assert said_messages and not said_messages[0]["content"]  # redacted
    finally:
        await bot.close()


async def bot_press(bot: Both, fake: FakeTelegram, user: int, label: str) -> list[str]:
    before = {m.message_id for m in fake.sent_to(user)}
    await bot.settle(fake.press_label(user, label))
    return [m.text or "" for m in fake.sent_to(user) if m.message_id not in before]
