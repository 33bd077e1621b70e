"""Community translators in the chat (issue 21, item 1): a coordinator's translator code, a
Dutch /new that reaches an Arabic parent in Arabic after a translator's answer, a skip that
leaves the Dutch text with its line, the writer hearing which languages are done, the count in
/community, a parent's yes at the end of onboarding, and the translator's erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from community.clock import FakeClock
from community.models import (
    Community,
    CommunityTranslator,
    Person,
    Prompt,
    PromptTranslation,
    Role,
    TranslationRequest,
)
from community.services import housekeeping, prompts
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport

TUESDAY = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)  # 09:00 in Amsterdam
DUTCH = "Lees samen een boek voor het slapen."
ARABIC = "اقرؤوا كتابًا معًا قبل النوم."
TIP = "💡 "  # a tip is led by its pictogram (community/pictograms.py)


def _to(transport: RecordingTransport, user: str) -> list[Sent]:
    return [Sent(d) for d in transport.sent if d.chat_id == user]


def _staff(app: App, clock: FakeClock, user: str, role: Role, locale: str) -> None:
    with app.session_factory.begin() as session:
        community = session.scalar(select(Community))
        assert community is not None
        session.add(
            Person(
                platform="console", platform_user_id=user, private_chat_id=user, locale=locale,
                role=role, community_id=community.id, active=True, created_at=clock.now(),
            )
        )  # fmt: skip


def _translator_by_code(chat: Chat, user: str) -> list[str]:
    """cora makes a translator code with /code; `user` starts with it and picks Arabic."""
    assert chat.last_choices("cora: /code") == ["professional", "translator"]
    said = chat.say("cora: translator")
    code = next(line for line in said if line.startswith("/start "))
    assert chat.last_choices(f"{user}: {code}")  # which language for the bot
    assert chat.last_choices(f"{user}: English") == [
        "English", "العربية", "Türkçe", "Polski", "Українська",
    ]  # fmt: skip
    return chat.say(f"{user}: العربية")


@pytest.fixture
def school(chat: Chat, app: App, clock: FakeClock) -> Chat:
    """amira reads Arabic, anna English; petra writes in Dutch; cora coordinates; tariq
    translates into Arabic (with a code from cora)."""
    clock.current = TUESDAY
    chat.onboard("amira")
    with app.session_factory.begin() as session:  # she reads Arabic (as if chosen with /language)
        amira = session.scalar(select(Person).where(Person.platform_user_id == "amira"))
        assert amira is not None
        amira.locale = "ar"
    chat.onboard("anna")
    _staff(app, clock, "petra", Role.PROFESSIONAL, "nl")
    _staff(app, clock, "cora", Role.COORDINATOR, "en")
    said = _translator_by_code(chat, "tariq")
    assert said[0] == (
        "Thank you for translating for Ouderkring Arnhem! New school messages come here. "
        "Translate them into Arabic, or skip."
    )
    return chat


def _write(chat: Chat) -> list[Sent]:
    """petra writes a tip for every parent and is offered time for translators."""
    chat.say("petra: /new")
    chat.say("petra: Tip")
    chat.say(f"petra: {DUTCH}")
    shown = chat.messages("petra: Alle ouders")
    assert shown[-2].text == (
        "Vertalers kunnen helpen: Arabisch. Geef ze 24 uur, "
        "dan lezen meer ouders het in hun eigen taal."
    )
    assert [b.label for b in shown[-1].choices][:2] == [
        "woensdag 2 september, 09:00: tijd voor vertalers",
        "Nu",
    ]
    return shown


def _deliver(chat: Chat, app: App, clock: FakeClock) -> None:
    clock.current = TUESDAY + timedelta(hours=24, minutes=1)
    prompts.send_due_prompts(app.session_factory, app.translator, clock, app.settings)
    chat.flush()  # the dispatcher sends what the job queued


def test_a_dutch_prompt_reaches_an_arabic_parent_in_arabic_after_a_translators_answer(
    school: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat = school
    _write(chat)
    assert chat.say("petra: 1")[:2] == [
        "Ik stuur het op woensdag 2 september, 09:00.",
        "Ik heb de vertalers gevraagd: Arabisch. Ik laat het je weten als ze klaar zijn.",
    ]
    request = _to(transport, "tariq")[-1]
    assert request.text == (
        "A new message from the school. Can you translate it into Arabic? "
        "It goes to parents on Wednesday 2 September, 09:00.\n\n" + DUTCH
    )
    assert [b.label for b in request.choices] == ["Translate", "Skip"]
    chat.press("tariq", request, "Translate")
    chat.say("tariq: /cancel")  # put aside, and taken up again with the same button
    assert [m.text for m in chat.press("tariq", request, "Translate")] == [
        "Write the message in Arabic. Use short sentences."
    ]
    assert chat.say(f"tariq: {ARABIC}")[:2] == [
        "Thank you! Parents who read Arabic get your text.",
        "Messages you translated: 1.",
    ]
    # The writer sees which languages are done.
    assert _to(transport, "petra")[-1].text == (
        "Je bericht “Lees samen een boek voor het…” is nu ook in het Arabisch.\nKlaar: Arabisch."
    )
    # A second press after the answer changes nothing.
    assert [m.text for m in chat.press("tariq", request, "Translate")] == [
        "This message already went out, or someone else translated it. Thank you!"
    ]
    _deliver(chat, app, clock)
    assert _to(transport, "amira")[-1].text == TIP + ARABIC
    assert _to(transport, "anna")[-1].text == (
        TIP + DUTCH + "\n\nThis message is not in your language yet. Here it is in Dutch."
    )
    # Thanks matter: the coordinator's overview counts the translators' work.
    overview = chat.say("cora: /community")[-1]
    assert "Translators: 1. Messages they translated: 1. Thank you, translators!" in overview
    assert "You translate into Arabic. Messages you translated: 1." in "\n".join(
        chat.say("tariq: /mydata")
    )


def test_a_skip_leaves_the_dutch_text_with_its_line(
    school: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat = school
    _write(chat)
    chat.say("petra: 1")
    request = _to(transport, "tariq")[-1]
    assert chat.press("tariq", request, "Skip")[0].text == "OK, no problem. Thank you!"
    assert _to(transport, "petra")[-1].text == (
        "Niemand vertaalt je bericht “Lees samen een boek voor het…” in het Arabisch. "
        "Die ouders krijgen het in het Nederlands."
    )
    _deliver(chat, app, clock)
    dutch_line = app.translator.t("ar", "prompt.dutch_only")
    assert _to(transport, "amira")[-1].text == f"{TIP}{DUTCH}\n\n{dutch_line}"
    # Too late now: the prompt went out.
    assert [m.text for m in chat.press("tariq", request, "Translate")] == [
        "This message already went out, or someone else translated it. Thank you!"
    ]
    # Who was asked is forgotten once the sent messages are.
    clock.advance(days=app.settings.sent_retention_days + 1)
    with app.session_factory() as session:
        assert housekeeping.run(session, clock, app.settings, app.translator)[
            "translation requests of sent prompts"
        ]
        assert session.scalar(select(func.count()).select_from(TranslationRequest)) == 0


def test_now_sends_with_what_is_there_and_asks_nobody(
    school: Chat, app: App, transport: RecordingTransport
) -> None:
    chat = school
    _write(chat)
    before = len(_to(transport, "tariq"))
    assert chat.say("petra: Nu")[0] == "Verstuurd. Ouders die het krijgen: 2"
    assert len(_to(transport, "tariq")) == before
    with app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(TranslationRequest)) == 0


def test_a_parent_who_speaks_dutch_and_arabic_is_asked_once_and_says_yes(
    chat: Chat, app: App
) -> None:
    said = chat.onboard("noor", home=("1", "2"))  # Dutch and Arabic at home
    assert said[-1] == (
        "You speak Dutch and Arabic. Would you like to help other parents? "
        "You can translate school messages into Arabic."
    )
    assert chat.say("noor: Yes, I want to help")[0].startswith("Thank you for translating for")
    with app.session_factory() as session:
        found = session.scalars(select(CommunityTranslator)).one()
        assert found.locale == "ar"
        person = session.get(Person, found.person_id)
        assert person is not None and person.role is Role.PARENT  # still a parent
    # A parent with only Arabic at home is not asked.
    assert "Would you like to help" not in " ".join(chat.onboard("samir"))


def test_erasing_a_translator_erases_their_work(
    school: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat = school
    _write(chat)
    chat.say("petra: 1")
    chat.press("tariq", _to(transport, "tariq")[-1], "Translate")
    # The same plain-language check as the writer's: a long sentence is flagged.
    long = " ".join(["كلمة"] * 16) + "."
    flagged = chat.messages(f"tariq: {long}")
    assert [m.text for m in flagged] == [
        "Some parents may find this hard to read:\n- A sentence has more than 15 words. Split it.",
        "Do you want to change it?",
    ]
    assert [b.label for b in flagged[-1].choices] == ["Write it again", "Keep it as it is"]
    assert chat.say("tariq: Write it again") == [
        "Write the message in Arabic. Use short sentences."
    ]
    assert chat.say(f"tariq: {ARABIC}")[0] == "Thank you! Parents who read Arabic get your text."
    chat.say("tariq: /stop")
    chat.say("tariq: Yes, stop")
    chat.say("tariq: Yes, erase all")
    with app.session_factory() as session:
        assert session.scalar(select(Person).where(Person.platform_user_id == "tariq")) is None
        for table in (CommunityTranslator, TranslationRequest, PromptTranslation):
            assert session.scalar(select(func.count()).select_from(table)) == 0, table
        assert (session.scalar(select(func.count()).select_from(Prompt)) or 0) >= 1
    # Without its translation the Arabic parent gets the Dutch text with the line.
    _deliver(chat, app, clock)
    assert _to(transport, "amira")[-1].text.startswith(TIP + DUTCH + "\n\n")
