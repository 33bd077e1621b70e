"""One bot on both platforms in one process: the real Telegram adapter (against the fake Bot API
on loopback) and the real Matrix adapter (against Synapse). A parent on Telegram and a parent on
Matrix onboard, a coordinator on Matrix pairs them, and `/buddy` messages are relayed across."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from pathlib import Path

import nio
from sqlalchemy import select

from bot.app import build_app
from bot.matrix.runner import check_login, make_listener, matrix_transport
from bot.telegram.run import connect, telegram_adapter
from community.clock import FakeClock
from community.models import BuddyPair, PairStatus
from tests.bot.matrix.conftest import Parent
from tests.bot.matrix.test_end_to_end import (
    ONE,
    Bot,
    bot_says,
    bot_settings,
    last_event_of,
    open_chat,
    with_telegram,
)
from tests.bot.telegram.conftest import options_for
from tests.support.fake_telegram import FakeTelegram
from tests.support.synapse import MatrixUser, SynapseServer

PIET = 7


async def test_a_telegram_parent_and_a_matrix_parent_are_buddies(
    synapse: SynapseServer, bot_user: MatrixUser, tmp_path: Path, make_parent
) -> None:  # type: ignore[no-untyped-def]
    fake = await FakeTelegram().start()
    coordinator = synapse.register_unique("coordinator")
    settings = dataclasses.replace(
        bot_settings(
            synapse, bot_user, tmp_path / "bot.db", frozenset({f"matrix:{coordinator.user_id}"})
        ),
        platforms=("telegram", "matrix"),
    )
    settings = with_telegram(settings, fake)
    telegram = telegram_adapter(settings, options_for(fake))
    matrix = matrix_transport(settings)
    app = build_app(settings, [telegram.transport, matrix], clock=FakeClock(), migrate=True)
    # the composition root lets each transport reach the other platform's files
    assert telegram.transport.media_sources is matrix.media_sources
    assert matrix.media_sources.sources["telegram"] is telegram.transport.media_source
    connect(app, telegram)
    await check_login(app, matrix)
    bot = Bot(app, matrix, make_listener(app, matrix), app.clock, bot_user.user_id)  # type: ignore[arg-type]
    await bot.turn()
    await telegram.start()
    stop = asyncio.Event()
    polling = asyncio.create_task(telegram.poll(stop))
    client = nio.AsyncClient(synapse.url, coordinator.user_id)
    client.restore_login(coordinator.user_id, coordinator.device_id, coordinator.access_token)
    coord = Parent(coordinator, client)

    async def settle(update_id: int) -> None:
        await fake.wait_until(
            lambda: telegram.last_update_id >= update_id, 10, f"update {update_id}"
        )
        await app.dispatcher.dispatch_due()

    async def piet_says(text: str) -> None:
        await settle(fake.message(PIET, text, language="en"))

    async def piet_presses(index: int) -> None:
        newest = next(m for m in reversed(fake.sent_to(PIET)) if m.buttons())
        await settle(fake.press_label(PIET, newest.buttons()[index]["text"]))

    try:
        eva = await make_parent("eva")
        dm = await open_chat(bot, eva)
        for answer in ["/start ARNHEM", "2", "1", "6825 AB", "1", "Done", "1", "2", "Done", "1"]:
            await eva.say(dm, answer)
            await bot.turn()
        await piet_says("/start ARNHEM")
        await piet_presses(1)  # English
        await piet_presses(0)  # consent
        await piet_says("6825 AB")
        for index in (0, -1, 0, 1, -1, 0):  # 0-2, Done, Dutch, Arabic, Done, buddy yes
            await piet_presses(index)

        chat = await open_chat(bot, coord)
        await coord.say(chat, "/match")
        await bot.turn()
        proposal = await last_event_of(coord, chat, bot.user_id)
        await coord.send(
            chat,
            "m.reaction",
            {"m.relates_to": {"rel_type": "m.annotation", "event_id": proposal, "key": ONE}},
        )
        await bot.turn()
        with app.session_factory() as session:
            assert session.scalars(select(BuddyPair)).one().status is PairStatus.APPROVED
        await eva.say(dm, "Eva")
        await bot.turn()
        await piet_says("Piet")
        with app.session_factory() as session:  # introduced, in the language they share
            assert session.scalars(select(BuddyPair)).one().introduced_at is not None
        assert any("Piet" in text for text in await bot_says(eva, dm, bot.user_id))
        assert any("Eva" in text for text in fake.sent_texts(PIET))

        await eva.say(dm, "/buddy Hoi Piet! Koffie op dinsdag?")
        await bot.turn()
        assert (
            fake.sent_texts(PIET)[-1]
            == "Message from your buddy Eva:\nHoi Piet! Koffie op dinsdag?"
        )
        await piet_says("/buddy Hallo Eva, dinsdag is goed.")
        said = await bot_says(eva, dm, bot.user_id)
        assert said[-1] == "Message from your buddy Piet:\nHallo Eva, dinsdag is goed."
    finally:
        stop.set()
        with contextlib.suppress(BaseException):
            await polling
        await telegram.stop()
        await client.close()
        await matrix.client.close()
        app.close()
        await fake.stop()
