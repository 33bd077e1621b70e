"""A newer question closes the earlier one on Telegram: the earlier message's keyboard is taken
off through the outbox (editMessageReplyMarkup), in the chat's order; a press on a keyboard
still on a phone says the question is closed and asks the open one. A later step of the same
question (an RSVP, then "How many children?") leaves the earlier keyboard on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from community.models import Community, OutboxMessage, OutboxStatus
from community.services import prompts
from tests.bot.telegram.test_end_to_end import PARENT, onboard, tg  # noqa: F401
from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_harness import TelegramBot

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


async def _deliver(bot: TelegramBot, kind: str, options: list[str] | None = None) -> None:
    """A prompt sent now by the scheduler's road (not in answer to the parent)."""
    app, clock = bot.app, bot.clock
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).one()
        prompt = prompts.create_prompt(
            session, community, kind, {"nl": f"Vraag {kind}", "en": f"Question {kind}"},
            clock.now(), clock, event_at=clock.now() + timedelta(days=7), place="Bieb",
            options=options,
        )  # fmt: skip
        prompts.deliver(session, prompt, app.translator, clock, app.settings.prompts)
    await app.dispatcher.dispatch_due()


async def test_a_newer_question_takes_the_keyboard_off_the_earlier_one(
    tg: TelegramBot,  # noqa: F811
    fake: FakeTelegram,
) -> None:
    await onboard(tg, PARENT)
    await _deliver(tg, "invitation")
    invitation = fake.last(PARENT)
    labels = [b["text"] for b in invitation.buttons()]
    maybe = next(b["callback_data"] for b in invitation.buttons() if b["text"] == "🤔 Maybe")
    assert labels[0] == "✅ Yes, I will come"
    # The RSVP's next step ("How many children?") leaves the invitation's keyboard on.
    assert await tg.press(PARENT, "Yes, I will come") == [
        "Nice! How many children will come with you?"
    ]
    assert [b["text"] for b in fake.messages[(PARENT, invitation.message_id)].buttons()] == labels
    await tg.press(PARENT, "1")
    edits = len(fake.calls_of("editMessageReplyMarkup"))

    await _deliver(tg, "question", ["Yes", "No", "Not yet"])
    question = fake.last(PARENT)
    assert [b["text"] for b in question.buttons()] == ["1️⃣ Yes", "2️⃣ No", "3️⃣ Not yet"]
    assert fake.messages[(PARENT, invitation.message_id)].buttons() == []  # closed
    removed = fake.calls_of("editMessageReplyMarkup")[edits:]
    assert [int(c.params["message_id"]) for c in removed] == [invitation.message_id]

    # The invitation's keyboard still on a second phone: pressed, it says the question is closed.
    before = len(fake.sent_to(PARENT))
    await tg.settle(fake.press(PARENT, invitation.message_id, maybe))
    said = [m.text for m in fake.sent_to(PARENT)[before:]]
    assert said == ["That question is closed.", question.text]
    assert [b["text"] for b in fake.last(PARENT).buttons()] == ["1️⃣ Yes", "2️⃣ No", "3️⃣ Not yet"]


async def test_a_closed_question_whose_message_is_gone_is_no_failure(
    tg: TelegramBot,  # noqa: F811
    fake: FakeTelegram,
) -> None:
    await onboard(tg, PARENT)
    await _deliver(tg, "invitation")
    fake.last(PARENT).deleted = True  # the parent cleared the chat
    await _deliver(tg, "question", ["Yes", "No", "Not yet"])
    assert fake.last(PARENT).text.startswith("❓ Question question")  # type: ignore[union-attr]
    with tg.app.session_factory() as session:
        statuses = set(session.scalars(select(OutboxMessage.status)))
    assert OutboxStatus.DEAD not in statuses
