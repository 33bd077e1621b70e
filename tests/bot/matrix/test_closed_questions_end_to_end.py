"""A newer question closes the earlier one on Matrix too, against a real Synapse: the earlier
message is edited (m.replace) to its text without the numbered options, and the bot's keycap
reactions come off it; a keycap reaction on it later says the question is closed and asks the
open one again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.matrix.render import keycap
from community.models import Community
from community.services import prompts
from tests.bot.matrix.test_end_to_end import (  # noqa: F401
    Bot,
    bot,
    bot_says,
    last_event_of,
    onboard,
    open_chat,
)


async def _deliver(running: Bot, kind: str, options: list[str] | None = None) -> None:
    """A prompt sent now by the scheduler's road (not in answer to the parent)."""
    app, clock = running.app, running.clock
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).one()
        prompt = prompts.create_prompt(
            session, community, kind, {"nl": f"Vraag {kind}", "en": f"Question {kind}"},
            clock.now(), clock, event_at=clock.now() + timedelta(days=7), place="Bieb",
            options=options,
        )  # fmt: skip
        prompts.deliver(session, prompt, app.translator, clock, app.settings.prompts)
    await app.dispatcher.dispatch_due()


async def test_a_newer_question_takes_the_options_off_the_earlier_one(
    bot: Bot,  # noqa: F811
    make_parent,  # type: ignore[no-untyped-def]
) -> None:
    parent = await make_parent("anna")
    room_id = await open_chat(bot, parent)
    await onboard(bot, parent, room_id)
    await _deliver(bot, "invitation")
    invitation = await last_event_of(parent, room_id, bot.user_id)
    assert f"{keycap(3)} 🤔 Maybe" in (await bot_says(parent, room_id, bot.user_id))[-1]

    await _deliver(bot, "question", ["Yes", "No", "Not yet"])
    events = await parent.messages(room_id, limit=200)
    edits = [
        e["content"]["m.new_content"]["body"]
        for e in events
        if e["type"] == "m.room.message"
        and (e["content"].get("m.relates_to") or {}).get("event_id") == invitation
    ]
    assert len(edits) == 1 and edits[0].startswith("📅 Question invitation")
    assert "Maybe" not in edits[0]  # the options are gone
    reactions = [
        e
        for e in events
        if e["type"] == "m.reaction"
        and (e["content"].get("m.relates_to") or {}).get("event_id") == invitation
    ]
    assert reactions == []  # the bot's keycaps were taken off (redacted: no content left)
    question = (await bot_says(parent, room_id, bot.user_id))[-1]
    assert f"{keycap(3)} Not yet" in question

    # A keycap on the closed invitation: it says so, and asks the open question again.
    before = len(await bot_says(parent, room_id, bot.user_id))
    await parent.send(
        room_id,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": invitation, "key": keycap(2)}},
    )
    await bot.turn()
    said = (await bot_says(parent, room_id, bot.user_id))[before:]
    assert said == ["That question is closed.", question]
