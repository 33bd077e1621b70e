"""A buddy conversation across platforms: a parent on Matrix (real Synapse) and a parent on a
second platform, relayed by the bot. The second platform is a recording transport named
"telegram" (the Telegram adapter lives on its own branch); the engine, the outbox and the Matrix
side are the real ones. The coordinator approves the pair on Matrix by reacting 1️⃣."""

from __future__ import annotations

import itertools
from pathlib import Path

import nio
from sqlalchemy import select

from bot.app import build_app
from bot.engine.port import Capabilities
from bot.engine.types import Incoming
from bot.matrix.runner import check_login, make_listener, matrix_transport
from community.actions import SendMessage
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
    stop_bot,
)
from tests.support.synapse import MatrixUser, SynapseServer
from tests.support.transport import RecordingTransport

TELEGRAM_USER = "4711"
_updates = itertools.count(1)


async def telegram(bot: Bot, text: str) -> None:
    """The Telegram parent writes to the bot in private (as the Telegram adapter would hand it)."""
    incoming = Incoming.from_text(
        "telegram", TELEGRAM_USER, TELEGRAM_USER, True, text, event_id=f"u{next(_updates)}"
    )
    await bot.app.process(incoming)
    await bot.app.dispatcher.dispatch_due()


async def test_a_matrix_parent_and_a_telegram_parent_are_buddies(
    synapse: SynapseServer, bot_user: MatrixUser, tmp_path: Path, make_parent
) -> None:  # type: ignore[no-untyped-def]
    coordinator = synapse.register_unique("coordinator")
    settings = bot_settings(
        synapse, bot_user, tmp_path / "bot.db", frozenset({f"matrix:{coordinator.user_id}"})
    )
    other = RecordingTransport("telegram", Capabilities(buttons=True, edit=True))
    transport = matrix_transport(settings)
    app = build_app(settings, [transport, other], clock=FakeClock(), migrate=True)
    await check_login(app, transport)
    bot = Bot(app, transport, make_listener(app, transport), app.clock, bot_user.user_id)  # type: ignore[arg-type]
    await bot.turn()
    client = nio.AsyncClient(synapse.url, coordinator.user_id)
    client.restore_login(coordinator.user_id, coordinator.device_id, coordinator.access_token)
    coord = Parent(coordinator, client)
    try:
        eva = await make_parent("eva")
        dm = await open_chat(bot, eva)
        # Dutch and Arabic at home, in Presikhaaf, children 0-2: the same answers on both sides
        for answer in ["/start ARNHEM", "2", "1", "6825 AB", "1", "Done", "1", "2", "Done", "1"]:
            await eva.say(dm, answer)
            await bot.turn()
        for answer in [
            "/start ARNHEM",
            "English",
            "1",
            "6825 AB",
            "1",
            "Done",
            "1",
            "2",
            "Done",
            "1",
        ]:
            await telegram(bot, answer)

        chat = await open_chat(bot, coord)
        await coord.say(chat, "/match")
        await bot.turn()
        proposal = await last_event_of(coord, chat, bot.user_id)
        assert "1\ufe0f\u20e3" in (await bot_says(coord, chat, bot.user_id))[-1]
        await coord.send(
            chat,
            "m.reaction",
            {"m.relates_to": {"rel_type": "m.annotation", "event_id": proposal, "key": ONE}},
        )
        await bot.turn()
        with app.session_factory() as session:
            pair = session.scalars(select(BuddyPair)).one()
            assert pair.status is PairStatus.APPROVED

        await eva.say(dm, "Eva")  # the first names the buddies may know
        await bot.turn()
        await telegram(bot, "Piet")
        said = await bot_says(eva, dm, bot.user_id)
        # introduced to each other in the language they share (Dutch at home)
        with app.session_factory() as session:
            assert session.scalars(select(BuddyPair)).one().introduced_at is not None
        assert any("Piet" in text for text in said)  # in the language they share
        to_piet = [d.action.text for d in other.done if isinstance(d.action, SendMessage)]
        assert any("Eva" in text for text in to_piet)

        await eva.say(dm, "/buddy Hoi Piet! Koffie op dinsdag?")
        await bot.turn()
        to_piet = [
            d.action.text
            for d in other.done
            if isinstance(d.action, SendMessage) and d.chat_id == TELEGRAM_USER
        ]
        assert to_piet[-1] == "Message from your buddy Eva:\nHoi Piet! Koffie op dinsdag?"

        await telegram(bot, "/buddy Hallo Eva, dinsdag is goed.")
        said = await bot_says(eva, dm, bot.user_id)
        assert said[-1] == "Message from your buddy Piet:\nHallo Eva, dinsdag is goed."
    finally:
        await client.close()
        await stop_bot(bot)
