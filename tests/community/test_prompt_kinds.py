"""A prompt kind is one registry entry: a throwaway "coffee morning" kind, added as one new
Python file plus its catalog messages, goes through /new, delivery, a parent's answer, the
route map and the professionals' digest without any other change to the code."""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from community import pictograms, prompt_kinds
from community.clock import FakeClock
from community.i18n import LOCALES_DIR, SHIPPED_LOCALES, Translator
from community.models import Community, Person, Prompt, Role
from community.services import prompts
from config import Settings
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport

# The new kind's one file, as a contributor would add it to community/prompt_kinds/.
COFFEE_MODULE = '''
"""A coffee morning at school: parents reply with what they would like to talk about there."""

from sqlalchemy import distinct, func, select

from community.models import PromptAnswer
from community.prompt_kinds.kind import PromptKind


class CoffeeMorning(PromptKind):
    name = "coffee_morning"
    order = 35
    label = "coffee.kind"
    route_label = "coffee.route"
    concept = "coffee"  # its pictogram (community/pictograms.py)
    event = True  # /new asks when and where; the programme needs event_day, event_time, place
    typed_answers = True

    def hints(self, locale, translator):
        return [translator.t(locale, "coffee.hint")]

    def route_line(self, prompt, locale, translator, when):
        return translator.t(locale, "coffee.route", place=prompt.place or "")

    def counts(self, session, prompt):
        query = select(func.count(distinct(PromptAnswer.person_id)))
        return {"parents": session.scalar(query.where(PromptAnswer.prompt_id == prompt.id))}

    def digest_lines(self, counts, locale, translator):
        return [translator.t(locale, "coffee.digest", **counts)]


KIND = CoffeeMorning()
'''
# ... and its catalog messages (English here; a real kind adds them to every catalog).
COFFEE_MESSAGES = """
msgid "coffee.kind"
msgstr "Coffee morning"

msgid "coffee.route"
msgstr "a coffee morning in {place}"

msgid "coffee.hint"
msgstr "Reply with what you would like to talk about."

msgid "coffee.digest"
msgstr "Parents with a topic: {parents}"
"""


@pytest.fixture
def coffee(tmp_path: Path) -> Iterator[prompt_kinds.PromptKind]:
    path = tmp_path / "coffee.py"
    path.write_text(textwrap.dedent(COFFEE_MODULE))
    spec = importlib.util.spec_from_file_location("coffee_kind_for_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    kind = prompt_kinds.register(module.KIND)
    yield kind
    prompt_kinds.unregister(kind.name)


@pytest.fixture
def coffee_app(
    settings: Settings, clock: FakeClock, transport: RecordingTransport, tmp_path: Path
) -> Iterator[App]:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    with (locales / "en" / "LC_MESSAGES" / "messages.po").open("a") as catalog:
        catalog.write(COFFEE_MESSAGES)
    translator = Translator(SHIPPED_LOCALES, locales, default_locale=settings.default_locale)
    built = build_app(settings, [transport], clock=clock, translator=translator, migrate=True)
    yield built
    built.close()


def _staff(app: App, clock: FakeClock, user: str) -> None:
    with app.session_factory.begin() as session:
        community = session.scalar(select(Community))
        assert community is not None
        session.add(
            Person(
                platform="console", platform_user_id=user, private_chat_id=user, locale="en",
                role=Role.PROFESSIONAL, community_id=community.id, active=True,
                created_at=clock.now(),
            )
        )  # fmt: skip


def _last_to(transport: RecordingTransport, user: str) -> Sent:
    return [Sent(d) for d in transport.sent if d.chat_id == user][-1]


def test_a_new_kind_is_one_file_and_its_messages(
    coffee: prompt_kinds.PromptKind,
    coffee_app: App,
    clock: FakeClock,
    transport: RecordingTransport,
) -> None:
    app, chat = coffee_app, Chat(coffee_app, transport)
    assert prompt_kinds.of("coffee_morning") is coffee
    chat.onboard("anna")
    _staff(app, clock, "petra")
    # Creation: /new offers it, and asks what its kind needs (an event: when and where).
    menu = chat.messages("petra: /new")[-1].choices
    assert [b.label for b in menu] == ["Tip", "Question", "Invitation", "Coffee morning"]
    assert pictograms.of_button(menu[-1]) == "☕"
    chat.say("petra: Coffee morning")
    chat.say("petra: Come for coffee at school.")
    chat.say("petra: All parents")
    chat.say("petra: 9-9 10:00")
    chat.say("petra: School hall")
    assert chat.say("petra: Now")[0] == "Sent. Parents who get it: 1"
    # Delivery: its pictogram, its hint and its buttons.
    sent = _last_to(transport, "anna")
    assert sent.text == (
        "☕ Come for coffee at school.\n\n"
        "When: Wednesday 9 September, 10:00. Where: School hall.\n\n"
        "Reply with what you would like to talk about."
    )
    assert sent.choices == ()
    # An answer, as its kind takes them: typed (kept for the digest).
    assert chat.say("anna: Sleep and screens.")[0] == (
        "Thank you! We pass your answer on to school."
    )
    # The route map names it in its own words.
    with app.session_factory() as session:
        prompt = session.scalar(select(Prompt).where(Prompt.kind == "coffee_morning"))
        assert prompt is not None and prompt.recipients == 1
        lines = prompts.route_map_lines([prompt], "en", app.translator, app.settings.prompts)
    assert any(line.endswith(": a coffee morning in School hall") for line in lines)
    # The digest counts its answers as its kind says, and quotes the typed one.
    clock.current = datetime(2026, 9, 1, 14, 5, tzinfo=UTC)  # 16:05 in Amsterdam
    assert prompts.send_digests(app.session_factory, app.translator, clock, app.settings) == 1
    asyncio.run(app.dispatcher.dispatch_due())
    digest = _last_to(transport, "petra").text
    assert "Come for coffee at school." in digest
    assert "Parents with a topic: 1" in digest
    assert "- Sleep and screens." in digest


def test_every_kind_module_registers_itself() -> None:
    assert prompt_kinds.names() == ("tip", "question", "invitation", "support")
    assert prompt_kinds.names(lambda kind: kind.writable) == ("tip", "question", "invitation")
    assert prompt_kinds.of("gone").name == "tip"  # a kind since removed reads as a tip
