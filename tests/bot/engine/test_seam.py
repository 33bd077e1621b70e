"""The seam between the engine and the platforms: buttons that cannot misfire, stateless button
actions, reactions, typed yes / no words, recipients in their own language, group rooms, media,
and handlers that never touch the database directly."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from bot.engine import buttons
from bot.engine.context import Context
from bot.engine.handler_table import TABLE
from bot.engine.port import Capabilities, Delivery
from bot.engine.registry import Handlers
from bot.engine.types import EventKind, Incoming
from community.actions import (
    AdmitMember,
    Button,
    ClearButtons,
    EditMessage,
    Media,
    SendMessage,
    Target,
)
from community.clock import FakeClock
from community.models import Community, Person, Role
from community.services import rooms
from config import Settings
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def button_transport() -> RecordingTransport:
    """A platform with real buttons that can edit its messages (like Telegram)."""
    return RecordingTransport(capabilities=Capabilities(buttons=True, edit=True))


@pytest.fixture
def tg(
    settings: Settings, clock: FakeClock, button_transport: RecordingTransport
) -> Iterator[Chat]:
    app = build_app(settings, [button_transport], clock=clock, migrate=True)
    yield Chat(app, button_transport)
    app.close()


def _person(app: App, user: str) -> Person | None:
    with app.session_factory() as session:
        return session.scalar(select(Person).where(Person.platform_user_id == user))


def _onboard_by_buttons(chat: Chat, user: str) -> None:
    question = chat.messages(f"{user}: /start ARNHEM")[-1]
    for label in ("English", "Yes, that is OK"):
        question = chat.press(user, question, label)[-1]
    question = chat.messages(f"{user}: 6825 AB")[-1]
    chat.press(user, question, "0-2 years")
    question = chat.press(user, question, "Done")[-1]
    chat.press(user, question, "Arabic")
    question = chat.press(user, question, "Done")[-1]
    chat.press(user, question, "Yes, please")


def test_a_double_tapped_stop_button_never_answers_the_erase_question(tg: Chat) -> None:
    _onboard_by_buttons(tg, "anna")
    stop_question = tg.messages("anna: /stop")[-1]
    first = tg.press("anna", stop_question, "Yes, stop")
    assert first[-1].text == "Shall I erase all your data?"
    second = tg.press("anna", stop_question, "Yes, stop")  # the same button, tapped again
    assert [m.text for m in second] == ["That question is closed.", "Shall I erase all your data?"]
    assert _person(tg.app, "anna") is not None
    # ... and the pressed message lost its buttons both times, so it cannot be pressed again.
    cleared = [d for d in tg.last_press if isinstance(d.action, ClearButtons)]
    assert cleared and cleared[0].target_remote_id == stop_question.remote_id


def test_typing_1_twice_after_stop_keeps_the_data(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    chat.say("anna: /stop")
    assert chat.say("anna: 1")[-1] == "Shall I erase all your data?"
    chat.say("anna: 1")  # the first button of the erase question is the safe one
    person = _person(app, "anna")
    assert person is not None and person.active is False


def test_buttons_name_their_question(tg: Chat) -> None:
    language = tg.messages("anna: /start ARNHEM")[-1]
    consent = tg.press("anna", language, "English")[-1]
    data = {b.data.rsplit(":", 1)[0] for b in language.choices}
    assert len(data) == 1 and next(iter(data)).startswith("q:")  # one token per question
    assert consent.choices[0].data.split(":")[1] != language.choices[0].data.split(":")[1]
    assert all(len(b.data.encode()) <= 64 for b in (*language.choices, *consent.choices))


def test_button_data_longer_than_64_bytes_is_refused() -> None:
    with pytest.raises(ValueError):
        Button("x", "q:" + "y" * 63)


def test_ticking_a_choice_edits_the_question_where_the_platform_can(tg: Chat) -> None:
    language = tg.messages("anna: /start ARNHEM")[-1]
    consent = tg.press("anna", language, "English")[-1]
    tg.press("anna", consent, "Yes, that is OK")
    ages = tg.messages("anna: 6825 AB")[-1]
    done = tg.press_all("anna", ages, "2-4 years")
    assert len(done) == 1 and isinstance(done[0].action, EditMessage)
    assert done[0].target_remote_id == ages.remote_id
    assert [b.label for b in done[0].action.buttons][:2] == ["0-2 years", "✓ 2-4 years"]
    untick = tg.press_all("anna", ages, "2-4 years")
    assert [b.label for b in untick[0].action.buttons][1] == "2-4 years"  # type: ignore[attr-defined]


def test_ticking_without_edit_says_one_short_line(chat: Chat) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    chat.say("anna: 1")
    chat.say("anna: 6825 AB")
    sent = chat.messages("anna: 2")
    assert [m.text for m in sent] == ["You chose: 2-4 years. Tap Done when it is right."]
    assert not sent[0].choices
    assert chat.say("anna: 2") == ["Choose at least 1 age."]


@pytest.mark.parametrize(
    ("word", "next_text"),
    [("ja", "What is your postcode?"), ("Yes!", "What is your postcode?"), ("nee", "OK.")],
)
def test_plain_yes_and_no_words_answer_a_yes_no_question(
    chat: Chat, word: str, next_text: str
) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    said = chat.say(f"anna: {word}")
    assert said[0].startswith(next_text)


def test_a_reaction_with_a_number_answers_like_the_button(chat: Chat, app: App) -> None:
    question = chat.messages("anna: /start ARNHEM")[-1]
    reaction = Incoming(
        "console", "anna", "anna", True, kind=EventKind.REACTION, reaction="2\ufe0f\u20e3",
        ref=Target(remote_id=question.remote_id),
    )  # fmt: skip
    said = [m.text for m in chat.send(reaction)]
    assert said[0].startswith("Welcome to Ouderkring Arnhem!")
    other = Incoming(
        "console", "anna", "anna", True, kind=EventKind.REACTION, reaction="👍",
        ref=Target(remote_id=question.remote_id),
    )  # fmt: skip
    assert chat.send(other) == []  # a reaction that is not an answer changes nothing


_calls: list[tuple[str, tuple[str, ...]]] = []


@pytest.fixture
def echo_action(tg: Chat, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A stateless button action added to the engine's handler table for one test."""

    def echo(ctx: Context, args: tuple[str, ...]) -> None:
        _calls.append((ctx.incoming.user_id, args))
        ctx.reply.say_text("echo " + " ".join(args))

    echo_entry = buttons.ButtonAction("test_echo", echo, frozenset({Role.PARENT}))
    monkeypatch.setattr(tg.app.engine, "handlers", Handlers((*TABLE, echo_entry)))
    _calls.clear()
    yield "test_echo"


def test_a_stateless_button_works_long_after_any_dialogue(
    tg: Chat, clock: FakeClock, echo_action: str
) -> None:
    _onboard_by_buttons(tg, "anna")
    button = buttons.action_button("Go", echo_action, 12, "yes")
    invite = tg.deliver("anna", SendMessage("x", (button,)))  # signed for anna as it is queued
    clock.advance(days=20)
    assert [m.text for m in tg.press("anna", invite, "Go")] == ["echo 12 yes"]
    assert _calls == [("anna", ("12", "yes"))]
    # Someone whose role may not use it is refused, and the handler never runs.
    refused = tg.press("carl", invite, "Go")
    assert [m.text for m in refused] == [tg.app.translator.t("nl", "input.not_allowed")]
    assert _calls == [("anna", ("12", "yes"))]
    # A button naming an action that does not exist (any more) is an old button.
    gone = Sent(Delivery(98, "console", "anna", SendMessage("x", (Button("Go", "a:nope:1"),))))
    assert [m.text for m in tg.press("anna", gone, "Go")] == ["That button no longer works."]


def test_a_table_naming_a_handler_twice_is_refused() -> None:
    from bot.engine.commands import Command
    from bot.engine.dialogue import Question

    with pytest.raises(ValueError):
        Handlers((*TABLE, buttons.ButtonAction("rsvp", lambda ctx, args: None)))
    with pytest.raises(ValueError):
        Handlers((*TABLE, Command("help", lambda ctx: None)))

    class Again(Question):
        name = "consent"

    with pytest.raises(ValueError):
        Handlers((*TABLE, Again()))


def _link_tips_room(app: App, clock: FakeClock) -> None:
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).one()
        rooms.link(session, community, "console", "@tips", clock, purpose="tips")


def test_join_request_admits_an_onboarded_parent_and_tells_them_in_their_language(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _link_tips_room(app, clock)
    chat.onboard("anna", language="English")
    request = Incoming("console", "anna", "@tips", False, kind=EventKind.JOIN_REQUEST)
    done = chat.run(request)
    assert [(d.chat_id, d.action) for d in done] == [
        ("@tips", AdmitMember("anna", True)),
        (
            "anna",
            SendMessage(
                "Welcome to the group of Ouderkring Arnhem. You can now talk with other parents there."
            ),
        ),  # noqa: E501
    ]


def test_join_request_from_a_stranger_is_refused_with_a_private_how_to(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _link_tips_room(app, clock)
    done = chat.run(Incoming("console", "bo", "@tips", False, kind=EventKind.JOIN_REQUEST))
    assert done[0].chat_id == "@tips" and done[0].action == AdmitMember("bo", False)
    assert done[1].chat_id == "bo"
    assert done[1].action.text.startswith("Deze groep is voor ouders van Ouderkring Arnhem.")  # type: ignore[attr-defined]
    assert _person(app, "bo") is None  # nothing stored about a stranger


def test_a_new_member_is_welcomed_in_private_and_in_the_group(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _link_tips_room(app, clock)
    chat.onboard("anna", language="English")
    done = chat.run(Incoming("console", "anna", "@tips", False, kind=EventKind.MEMBER_JOINED))
    assert [d.chat_id for d in done] == ["anna", "@tips"]
    assert done[0].action.text.startswith("Good that you joined")  # type: ignore[attr-defined]
    assert done[1].action.text == "Welkom! Er is een nieuwe ouder bij gekomen."  # type: ignore[attr-defined]


def test_the_bot_stays_quiet_in_groups_and_in_unknown_groups(
    chat: Chat, app: App, clock: FakeClock
) -> None:  # noqa: E501
    _link_tips_room(app, clock)
    chat.onboard("anna")
    assert chat.say("anna@tips: hello all") == []
    assert chat.run(Incoming("console", "x", "@other", False, kind=EventKind.JOIN_REQUEST)) == []
    assert chat.say("anna@tips: /help") == [
        "Please send me a private message. Then I can help you."
    ]


def test_media_reaches_the_handler_as_media(chat: Chat) -> None:
    photo = Media("photo", "file-123")
    chat.onboard("anna")
    sent = chat.send(Incoming("console", "anna", "anna", True, media=(photo,)))
    assert [m.text for m in sent] == ["Thank you. Nobody asked for this now, so I do not keep it."]
    chat.say("anna: /profile")
    chat.say("anna: Postcode")
    sent = chat.send(Incoming("console", "anna", "anna", True, media=(Media("voice", "v1"),)))
    assert sent[0].text == "Thank you. I do not need a photo or sound here."
    assert sent[1].text.startswith("What is your postcode?")


def test_handler_modules_never_touch_the_database_directly() -> None:
    for path in sorted((ROOT / "bot/engine/handlers").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [alias.name for alias in node.names]
                assert not any(n.split(".")[0] == "sqlalchemy" for n in names), path.name
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"session", "_session", "execute", "scalar"}, path.name
            if isinstance(node, ast.Name):
                assert node.id not in {"Session", "select"}, path.name
