"""The whole bot on Matrix: the real engine and database, the adapter, a real Synapse.

Each test drives the bot a turn at a time (`Bot.turn`: one sync, then the outbox), so that it
reads like the conversation; `test_ouderkring_run_*` runs the real `ouderkring run` process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from bot.matrix.listener import MatrixListener
from bot.matrix.runner import check_login, make_listener, matrix_transport
from bot.matrix.settings import MatrixSpec
from bot.matrix.transport import MatrixTransport
from community import db
from community.clock import FakeClock
from community.models import OutboxMessage, OutboxStatus, Person
from config import load_settings
from config.moderation import UNLIMITED
from tests.bot.matrix.conftest import Parent
from tests.support.synapse import MatrixUser, SynapseServer

ONE, TWO = "1\ufe0f\u20e3", "2\ufe0f\u20e3"


@dataclasses.dataclass
class Bot:
    app: App
    transport: MatrixTransport
    listener: MatrixListener
    clock: FakeClock
    user_id: str

    async def turn(self) -> None:
        """The bot reads what happened and sends what it has to say."""
        await self.listener.sync_once()
        await self.app.dispatcher.dispatch_due()


def bot_settings(
    synapse: SynapseServer, user: MatrixUser, db: Path, admins: frozenset[str] = frozenset()
):  # type: ignore[no-untyped-def]
    base = load_settings(environ={})
    return dataclasses.replace(
        base,
        database_url=f"sqlite:///{db}",
        admins=admins,
        platforms=("matrix",),
        platform_settings={
            "matrix": MatrixSpec(
                synapse.url, user.user_id, user.device_id, access_token=user.access_token
            )
        },
        moderation=UNLIMITED,  # one parent types fast while the test clock stands still
    )


def with_telegram(settings, fake):  # type: ignore[no-untyped-def]
    """The settings with a Telegram section for the fake Bot API besides the Matrix one."""
    from bot.telegram.settings import TelegramSettings

    telegram = TelegramSettings(api_url=fake.base_url, token=fake.token)
    return dataclasses.replace(
        settings, platform_settings={**settings.platform_settings, "telegram": telegram}
    )


async def start_bot(settings, clock: FakeClock) -> Bot:  # type: ignore[no-untyped-def]
    transport = matrix_transport(settings)
    app = build_app(settings, [transport], clock=clock, migrate=True)
    await check_login(app, transport)
    listener = make_listener(app, transport)
    bot = Bot(app, transport, listener, clock, settings.section("matrix").user_id)
    await bot.turn()  # the first start: takes the sync token
    return bot


async def stop_bot(bot: Bot) -> None:
    await bot.transport.client.close()
    bot.app.close()


@pytest.fixture
async def bot(synapse: SynapseServer, bot_user: MatrixUser, tmp_path: Path) -> AsyncIterator[Bot]:
    settings = bot_settings(synapse, bot_user, tmp_path / "bot.db")
    running = await start_bot(settings, FakeClock())
    yield running
    await stop_bot(running)


async def bot_says(parent: Parent, room_id: str, bot_id: str) -> list[str]:
    """What the parent sees from the bot, oldest first, edits shown as their new text."""
    shown: list[str] = []
    for event in await parent.messages(room_id, limit=200):
        if event["type"] != "m.room.message" or event["sender"] != bot_id:
            continue
        content = event["content"]
        if (content.get("m.relates_to") or {}).get("rel_type") == "m.replace":
            continue
        shown.append(content.get("body", ""))
    return shown


async def last_event_of(parent: Parent, room_id: str, bot_id: str) -> str:
    events = [
        e
        for e in await parent.messages(room_id, limit=200)
        if e["sender"] == bot_id and e["type"] == "m.room.message"
    ]
    return str(events[-1]["event_id"])


async def open_chat(bot: Bot, parent: Parent) -> str:
    room_id = await parent.dm(bot.user_id)
    await bot.turn()  # accepts the invite to a direct chat
    return room_id


async def onboard(bot: Bot, parent: Parent, room_id: str) -> list[str]:
    """/start, then every question answered, some by typing the number, some by reacting."""
    await parent.say(room_id, "/start ARNHEM")
    await bot.turn()
    question = await last_event_of(parent, room_id, bot.user_id)
    await parent.send(
        room_id,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": question, "key": TWO}},
    )
    await bot.turn()  # English
    # consent, postcode, ages (0-2, 2-4, done), languages (Dutch, Arabic, done), buddy
    for answer in ["1", "6825 AB", "1", "2", "5", "1", "2", "15", "1"]:
        before = len(await bot_says(parent, room_id, bot.user_id))
        await parent.say(room_id, answer)
        await bot.turn()
        assert len(await bot_says(parent, room_id, bot.user_id)) > before, (
            f"no answer to {answer!r}"
        )
    return await bot_says(parent, room_id, bot.user_id)


def person(bot: Bot, user_id: str) -> dict | None:
    with bot.app.session_factory() as session:
        found = session.scalar(
            select(Person).where(Person.platform == "matrix", Person.platform_user_id == user_id)
        )
        if found is None:
            return None
        return {
            "locale": found.locale,
            "private_chat_id": found.private_chat_id,
            "completed": found.profile is not None and found.profile.completed_at is not None,
        }


async def test_onboarding_in_a_direct_chat(bot: Bot, make_parent) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent("anna")
    room_id = await open_chat(bot, parent)
    said = await onboard(bot, parent, room_id)
    assert said[0].startswith("Kies je taal.\nChoose your language.")
    assert f"\n\n{ONE} 🌐 Nederlands\n{TWO} 🌐 English" in said[0]  # numbered, pictograms
    assert any(text.startswith("Welcome to Ouderkring Arnhem") for text in said)
    assert any(f"{ONE} ✅ Yes, that is OK" in text for text in said)  # choices as numbered options
    assert any(text.startswith("You chose: Dutch, Arabic") for text in said)
    stored = person(bot, parent.user_id)
    assert stored == {"locale": "en", "private_chat_id": room_id, "completed": True}
    print("\n".join(said[-4:]))


async def test_restart_with_events_waiting(
    synapse: SynapseServer, bot_user: MatrixUser, tmp_path: Path, make_parent
) -> None:  # type: ignore[no-untyped-def]
    settings = bot_settings(synapse, bot_user, tmp_path / "bot.db")
    clock = FakeClock()
    bot = await start_bot(settings, clock)
    parent = await make_parent("bea")
    room_id = await open_chat(bot, parent)
    await parent.say(room_id, "/start ARNHEM")
    await bot.turn()
    await stop_bot(bot)  # down

    await parent.say(room_id, "2")  # English, typed while the bot is down
    await parent.say(room_id, "1")  # consent
    bot = await start_bot(settings, clock)  # the first turn already catches up
    try:
        said = await bot_says(parent, room_id, bot.user_id)
        assert said[-1].startswith("What is your postcode?")
        assert sum(text.startswith("Welcome to Ouderkring Arnhem") for text in said) == 1
        await bot.turn()
        await stop_bot(bot)
        bot = await start_bot(settings, clock)  # nothing new: nothing said again
        assert await bot_says(parent, room_id, bot.user_id) == said
    finally:
        await stop_bot(bot)


async def test_resend_after_a_crash_posts_once(bot: Bot, make_parent) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent("cas")
    room_id = await open_chat(bot, parent)
    real_perform = bot.transport.perform
    crashed: list[int] = []

    async def perform_then_die(delivery):  # type: ignore[no-untyped-def]
        await real_perform(delivery)  # the homeserver has the message...
        crashed.append(delivery.outbox_id)
        raise asyncio.CancelledError  # ...and the process dies before the row is marked sent

    bot.transport.perform = perform_then_die  # type: ignore[method-assign]
    await parent.say(room_id, "/start ARNHEM")
    with pytest.raises(asyncio.CancelledError):
        await bot.listener.sync_once()
    bot.transport.perform = real_perform  # type: ignore[method-assign]
    with bot.app.session_factory() as session:
        row = session.get(OutboxMessage, crashed[0])
        assert row is not None and row.status.value == "sending"  # claimed, never confirmed

    bot.clock.advance(minutes=5)  # the claim runs out; the sender takes the row again
    await bot.turn()
    with bot.app.session_factory() as session:
        row = session.get(OutboxMessage, crashed[0])
        assert row is not None and row.status.value == "sent" and row.remote_id
    said = await bot_says(parent, room_id, bot.user_id)
    assert sum(text.startswith("Kies je taal.") for text in said) == 1


async def _wait_for(
    parent: Parent, room_id: str, bot_id: str, predicate, seconds: float = 30
) -> list[str]:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        said = await bot_says(parent, room_id, bot_id)
        if predicate(said):
            return said
        if loop.time() > deadline:
            raise AssertionError(f"the bot did not answer in time: {said}")
        await asyncio.sleep(0.2)


async def test_ouderkring_run_on_matrix_survives_a_restart(
    synapse: SynapseServer, bot_user: MatrixUser, tmp_path: Path, make_parent
) -> None:  # type: ignore[no-untyped-def]
    repo = Path(__file__).resolve().parents[3]
    database_url = f"sqlite:///{tmp_path / 'run.db'}"
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    engine.dispose()
    config = tmp_path / "ouderkring.toml"
    config.write_text(
        f'communities = ["{repo / "config" / "demo" / "arnhem.toml"}"]\n'
        'platforms = ["matrix"]\n'
        f'[matrix]\nhomeserver = "{synapse.url}"\nuser_id = "{bot_user.user_id}"\n'
        f'device_id = "{bot_user.device_id}"\n'
    )
    env = {
        **os.environ,
        "OUDERKRING_DATABASE_URL": database_url,
        "OUDERKRING_MATRIX_ACCESS_TOKEN": bot_user.access_token,
    }
    command = [
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        "run",
        "--config",
        str(config),
    ]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, cwd=repo, env=env, stderr=subprocess.PIPE)

    def stop(process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err.decode()

    parent = await make_parent("dirk")
    process = start()
    try:
        room_id = await parent.dm(bot_user.user_id)
        for _ in range(100):  # the bot joins the direct chat
            members = await parent.client.joined_members(room_id)
            if bot_user.user_id in {m.user_id for m in members.members}:
                break
            await asyncio.sleep(0.2)
        await parent.say(room_id, "/start ARNHEM")
        await _wait_for(
            parent,
            room_id,
            bot_user.user_id,
            lambda said: any(t.startswith("Kies je taal.") for t in said),
        )
    finally:
        stop(process)

    await parent.say(room_id, "2")  # while the bot is down
    process = start()
    try:
        said = await _wait_for(
            parent,
            room_id,
            bot_user.user_id,
            lambda said: any(t.startswith("I keep only a few answers") for t in said),
        )
    finally:
        stop(process)
    # Stopped, with nothing left in its outbox to send (again): the room holds all it ever says.
    engine = db.make_engine(database_url)
    with db.make_session_factory(engine)() as session:
        waiting = [OutboxStatus.PENDING, OutboxStatus.SENDING]
        assert (
            session.scalars(select(OutboxMessage).where(OutboxMessage.status.in_(waiting))).all()
            == []
        )
    engine.dispose()
    assert await bot_says(parent, room_id, bot_user.user_id) == said
    assert sum(t.startswith("Kies je taal.") for t in said) == 1
    assert sum(t.startswith("Welcome to Ouderkring Arnhem") for t in said) == 1


async def test_rate_limited_messages_wait_and_keep_their_order(
    synapse: SynapseServer, bot: Bot, make_parent
) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent("fee")
    room_id = await open_chat(bot, parent)
    await parent.say(room_id, "/start ARNHEM")
    await bot.turn()
    synapse.set_ratelimit(bot.user_id, per_second=1, burst_count=1)
    try:
        await parent.say(room_id, "2")  # English: the bot has 4 messages to send
        await bot.turn()
        with bot.app.session_factory() as session:
            waiting = session.scalars(
                select(OutboxMessage).where(OutboxMessage.status == "pending")
            ).all()
            assert waiting, "nothing was held back by the rate limit"
            assert all(
                row.last_error and "M_LIMIT_EXCEEDED" in row.last_error for row in waiting[:1]
            )
            assert all(
                row.available_at > bot.clock.now().replace(tzinfo=row.available_at.tzinfo)
                for row in waiting[:1]
            )
    finally:
        synapse.set_ratelimit(bot.user_id, 0, 0)
    bot.clock.advance(seconds=30)
    await bot.turn()
    said = await bot_says(parent, room_id, bot.user_id)
    with bot.app.session_factory() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == room_id, OutboxMessage.kind == "send")
            .order_by(OutboxMessage.id)
        ).all()
        queued = [row.payload["text"] for row in rows]
        assert all(row.status.value == "sent" for row in rows)
    assert len(said) == len(queued) >= 3
    assert all(shown.startswith(text) for shown, text in zip(said, queued, strict=True))


def test_ouderkring_run_refuses_a_wrong_token(
    synapse: SynapseServer, bot_user: MatrixUser, tmp_path: Path
) -> None:
    repo = Path(__file__).resolve().parents[3]
    database_url = f"sqlite:///{tmp_path / 'run.db'}"
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    engine.dispose()
    config = tmp_path / "ouderkring.toml"
    config.write_text(
        f'communities = ["{repo / "config" / "demo" / "arnhem.toml"}"]\nplatforms = ["matrix"]\n'
        f'[matrix]\nhomeserver = "{synapse.url}"\nuser_id = "{bot_user.user_id}"\n'
    )
    env = {
        **os.environ,
        "OUDERKRING_DATABASE_URL": database_url,
        "OUDERKRING_MATRIX_ACCESS_TOKEN": "syt_wrong",
    }
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "run", "--config", str(config)],
        cwd=repo, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert (
        "Matrix: the homeserver refused the access token" in done.stderr
        and "syt_wrong" not in done.stderr
    )


async def test_photos_and_voice_reach_the_engine(bot: Bot, make_parent) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent("gijs")
    room_id = await open_chat(bot, parent)
    await parent.say(room_id, "/start ARNHEM")
    await bot.turn()
    before = len(await bot_says(parent, room_id, bot.user_id))
    photo = {
        "msgtype": "m.image",
        "body": "kind.jpg",
        "url": "mxc://localhost/abc123",
        "info": {"mimetype": "image/jpeg"},
    }
    voice = {
        "msgtype": "m.audio",
        "body": "Voice message",
        "url": "mxc://localhost/def456",
        "org.matrix.msc3245.voice": {},
    }
    await parent.send(room_id, "m.room.message", photo)
    await parent.send(room_id, "m.room.message", voice)
    await bot.turn()
    said = await bot_says(parent, room_id, bot.user_id)
    # the engine got media (not text) both times: it says it does not need a photo or sound here
    answers = said[before:]
    assert (
        sum(text.startswith("Dank je. Hier heb ik geen foto of geluid nodig.") for text in answers)
        == 2
    )


async def test_erasure_on_matrix_forgets_the_direct_chat(bot: Bot, make_parent) -> None:  # type: ignore[no-untyped-def]
    from tests.bot.engine.test_erasure import _hits

    parent = await make_parent("erin")
    room_id = await open_chat(bot, parent)
    await onboard(bot, parent, room_id)
    assert _hits(bot.app, (parent.user_id, room_id))  # the person, the direct chat mapping
    for answer in ("/stop", "1", "2"):  # stop: [1] Yes, stop; erase: [2] Yes, erase all
        await parent.say(room_id, answer)
        await bot.turn()
    # The goodbye arrives: its row id was not given before (Matrix's transaction id), though
    # the rows before it in this chat were erased.
    said = await bot_says(parent, room_id, bot.user_id)
    assert said[-1] == "Done. I erased all your data. Goodbye!"
    assert person(bot, parent.user_id) is None
    assert _hits(bot.app, (parent.user_id, room_id)) == set()
