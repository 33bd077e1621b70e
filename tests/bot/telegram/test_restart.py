"""A bot killed while it sends the welcome, on Telegram end to end: the restarted bot sends
what the dead one had claimed at once (not after the claim's 120 s), once, and the parent's
next message is answered right away, not queued behind a dead process's claim."""

from __future__ import annotations

from sqlalchemy import select

from bot.engine.types import Incoming
from community.models import OutboxMessage, OutboxStatus
from community.services import senders
from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_harness import TelegramBot, is_language_question

PARENT = 7


def _statuses(tg: TelegramBot) -> list[OutboxStatus]:
    with tg.app.session_factory() as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def _held_messages(tg: TelegramBot) -> int:
    """Messages (not edits) claimed and not sent."""
    with tg.app.session_factory() as session:
        rows = session.execute(select(OutboxMessage.status, OutboxMessage.kind)).all()
    return sum(1 for status, kind in rows if status is OutboxStatus.SENDING and kind == "send")


async def test_a_restart_sends_the_welcome_a_killed_bot_had_claimed(  # type: ignore[no-untyped-def]
    fake: FakeTelegram, settings, clock
) -> None:
    first = TelegramBot(fake, settings, clock)
    await first.start()
    assert is_language_question(await first.say(PARENT, "/start ARNHEM"))

    async def killed_after_commit(incoming: Incoming) -> None:
        # The event's transaction committed the welcome, claimed for this process; then the
        # process dies (SIGKILL: no close, no more heartbeats) before anything is sent.
        await first.app.engine.handle_async(incoming)
        first.app.heartbeat.halt()

    first.adapter.handle = killed_after_commit
    before = len(fake.sent_to(PARENT))
    pressed = fake.press_label(PARENT, "English")
    await fake.wait_until(lambda: first.adapter.last_update_id >= pressed, 10, "the press")
    await first.stop_polling()
    await first.adapter.stop()
    assert len(fake.sent_to(PARENT)) == before
    held = _held_messages(first)
    assert held >= 2  # the welcome: several messages, all held
    language_question = fake.last(PARENT)
    assert language_question.buttons() != []  # nor was its keyboard taken away

    clock.advance(seconds=senders.STALE_SECONDS + 1)  # the restart took 5 s
    second = TelegramBot(fake, settings, clock)
    try:
        await second.start()
        await second.app.dispatcher.dispatch_due()  # what its sender does first
        welcome = fake.sent_texts(PARENT)[before:]
        assert welcome[0] == "Welcome to Ouderkring Arnhem!"
        assert len(welcome) == held  # each once
        assert fake.messages[(PARENT, language_question.message_id)].buttons() == []
        # The chat is free: the next answer goes at once, without waiting for any claim.
        assert await second.press(PARENT, "Yes, that is OK") == [
            "What is your postcode? For example: 6825 AB"
        ]
        assert fake.sent_texts(PARENT)[before:][: len(welcome)] == welcome
        assert set(_statuses(second)) == {OutboxStatus.SENT}
    finally:
        await second.close()
        first.app.close()
