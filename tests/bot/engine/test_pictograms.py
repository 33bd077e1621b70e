"""Every button carries the one pictogram of its concept, added where a platform shows it; a
prompt starts with its kind's; a label typed without its pictogram still answers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from bot.app import App
from bot.engine.dialogue import _normalise
from community import pictograms
from community.actions import Button, EditMessage, SendMessage
from community.clock import FakeClock
from community.models import Community, Person, Role
from community.services import prompts, rooms
from config.programme import Programme, ProgrammeItem
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport

ALL_PICTOGRAMS = set(pictograms.CONCEPTS.values()) | set(pictograms.KEYCAPS)
LIBRARY = ProgrammeItem(
    "library", "invitation", (2,), "mon", time(10, 0),
    {"nl": "Kom naar de bibliotheek.", "en": "Come to the library."}, (), "wed", time(10, 0),
    "Bibliotheek, Kortestraat 16",
)  # fmt: skip


def test_one_pictogram_per_concept_and_typing_drops_it() -> None:
    marks = list(pictograms.CONCEPTS.values())
    assert len(set(marks)) == len(marks), "two concepts share a pictogram"
    assert not set(marks) & set(pictograms.KEYCAPS)
    assert set(pictograms.ALIASES.values()) <= set(pictograms.CONCEPTS)
    assert set(pictograms.ACTIONS.values()) <= set(pictograms.CONCEPTS)
    for mark in marks:
        assert _normalise(f"{mark} Yes, please") == "yes, please", mark


def _staff(app: App, clock: FakeClock, user: str, role: Role) -> None:
    with app.session_factory.begin() as session:
        community = session.scalar(select(Community))
        assert community is not None
        session.add(
            Person(
                platform="console", platform_user_id=user, private_chat_id=user, locale="en",
                role=role, community_id=community.id, active=True, created_at=clock.now(),
            )
        )  # fmt: skip
        rooms.link(session, community, "console", "@tips", clock, purpose="tips")


def _buttons(transport: RecordingTransport) -> list[Button]:
    return [
        button
        for delivery in transport.done
        if isinstance(delivery.action, SendMessage | EditMessage)
        for button in delivery.action.buttons
    ]


def _main_conversations(chat: Chat, app: App, clock: FakeClock) -> None:
    """A parent joins, a professional writes a tip and a question, the parent answers, shares,
    answers an invitation, looks at the profile and almost stops."""
    chat.onboard("anna")
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    for line in ("/new", "Tip", "Read a book together.", "All parents", "Now"):
        chat.say(f"petra: {line}")
    for line in ("/new", "Question", "Did you go to the library?", "Yes / No / Not yet"):
        chat.say(f"petra: {line}")
    chat.say("petra: All parents")
    chat.say("petra: Now")
    chat.say("anna: Not yet")  # the option, typed: then "May I share your answer?"
    chat.say("anna: Yes, share it")
    settings = dataclasses.replace(
        app.settings,
        prompts=dataclasses.replace(
            app.settings.prompts, programme=Programme(date(2026, 8, 31), (LIBRARY,))
        ),
    )
    clock.current = datetime(2026, 9, 7, 8, 5, tzinfo=UTC)
    prompts.send_due_prompts(app.session_factory, app.translator, clock, settings)
    chat.flush()  # the dispatcher sends the queued invitation
    chat.say("anna: Yes, I will come")
    chat.say("anna: 2")
    for line in ("/profile", "Close", "/stop", "No, go on", "/new", "Invitation"):
        chat.say(f"anna: {line}" if line != "Invitation" else f"petra: {line}")


def test_every_button_of_the_main_conversations_carries_its_pictogram(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _main_conversations(chat, app, clock)
    buttons = _buttons(transport)
    assert len(buttons) > 40
    missing = {b.label for b in buttons if pictograms.of_button(b) not in ALL_PICTOGRAMS}
    assert not missing, missing
    # The words stay words: the catalogs hold no pictogram, the platform adds it.
    marks = pictograms.CONCEPTS.values()
    assert not [b.label for b in buttons if any(mark in b.label for mark in marks)]
    shown = {pictograms.shown(b) for b in buttons}
    assert {"✅ Yes, that is OK", "🧒 0-2 years", "🗣️ Arabic", "🆗 Done"} <= shown
    assert {"✅ Yes, I will come", "🤔 Maybe", "2️⃣ 2", "💡 Tip", "3️⃣ Not yet"} <= shown


def test_a_prompt_starts_with_its_kinds_pictogram(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _main_conversations(chat, app, clock)
    to_anna = [Sent(d).text for d in transport.sent if d.chat_id == "anna"]
    assert "💡 Read a book together." in to_anna
    assert any(text.startswith("❓ Did you go to the library?") for text in to_anna)
    assert any(text.startswith("📅 Come to the library.") for text in to_anna)


def test_a_label_typed_with_or_without_its_pictogram_answers(chat: Chat) -> None:
    chat.say("bram: /start ARNHEM")
    assert chat.say("bram: 🌐 English")[0] == "Welcome to Ouderkring Arnhem!"
    assert chat.say("bram: Yes, that is OK") == ["What is your postcode? For example: 6825 AB"]
    chat.say("cleo: /start ARNHEM")
    chat.say("cleo: English")
    assert chat.say("cleo: ✅ Yes, that is OK") == ["What is your postcode? For example: 6825 AB"]


def test_the_buttons_of_buddies_moderation_and_staff_have_pictograms_too() -> None:
    from bot.engine.handlers.buddy_round import DECISION_ACTIONS
    from bot.engine.handlers.buddy_talk import SHARE_ACTION, SHARE_ANSWERS
    from bot.engine.handlers.moderation import BUTTON_IDS, MOD_ACTION
    from community.buttons import action_data, question_data
    from community.prompt_kinds import names
    from community.services.buddies import FOLLOW_UP_ACTION, FOLLOW_UP_ANSWERS
    from config.programme import DAYS

    data = [action_data(name, 7) for name in DECISION_ACTIONS.values()]
    data += [action_data(FOLLOW_UP_ACTION, 7, answer) for answer in FOLLOW_UP_ANSWERS]
    data += [action_data(MOD_ACTION, 7, verb) for verb in BUTTON_IDS]
    data += [action_data(SHARE_ACTION, 7, answer) for answer in SHARE_ANSWERS]
    keys = [*names(), *DAYS, "buddy", "school", "write", "end", "pause", "resume", "share"]
    keys += ["share_send", "share_withdraw", "not_now", "again", "keep", "cancel", "at", "slot"]
    keys += ["role:coordinator", "community:arnhem", "person:3", "edit:buddy", "band:0-2"]
    data += [question_data("t0k3n", key) for key in keys]
    missing = [d for d in data if pictograms.of_button(Button("x", d)) not in ALL_PICTOGRAMS]
    assert not missing, missing
