"""Machine translation as parents and professionals meet it, against a LibreTranslate-compatible
server on loopback (tests/support/fake_translate.py, which "translates" into "[ar] text"): a
Dutch prompt reaches an Arabic-speaking parent as the server's draft, marked as an automatic
translation in Arabic; the draft is made once per prompt and language; parents' answers reach
the professional translated and marked. Without `[translation] url` no request is made and
the parent gets the Dutch text with the line saying so, as before; with the server down, the
same, and one log line without the text. Community translators get one draft a language to
start from, and a server that is down is tried once for all of them."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from bot.app import App
from community.clock import FakeClock
from community.models import Community, Person, Prompt, PromptMachineText, Role
from community.services import prompt_machine_texts, prompts
from community.services.machine_translation import MachineTranslator
from config import Settings
from config.programme import Programme, ProgrammeItem
from config.translation import TranslationSettings
from tests.bot.engine.test_translators import DUTCH, TUESDAY, _translator_by_code, _write
from tests.bot.engine.test_translators import _staff as translators_staff
from tests.support.chat import Chat, Sent
from tests.support.fake_translate import FakeTranslate, closed_port_url
from tests.support.transport import RecordingTransport

START = date(2026, 8, 31)
TIP = "Zing samen een liedje in bad."
QUESTION = ProgrammeItem(
    "share", "question", (1,), "wed", time(10, 0), {"nl": "Wat deden jullie samen?"}
)
WEDNESDAY = datetime(2026, 9, 2, 8, 5, tzinfo=UTC)  # 10:05 in Arnhem: the question is due
AR_MARK = "هذه ترجمة آلية. قد تكون فيها أخطاء."
AR_DUTCH_ONLY = "هذه الرسالة ليست بلغتكم بعد. ها هي بالهولندية."
TIP_MARK = "💡 "  # a tip is led by its pictogram (community/pictograms.py)
QUESTION_MARK = "❓ "


@pytest.fixture
def server() -> Iterator[FakeTranslate]:
    with FakeTranslate() as fake:
        yield fake


@pytest.fixture
def translation_url(request: pytest.FixtureRequest, server: FakeTranslate) -> str | None:
    """Where `[translation] url` points: the fake server ("on", the default), nowhere ("off":
    the table is absent) or a port nobody listens on ("down")."""
    kind = getattr(request, "param", "on")
    return {"on": server.url, "off": None, "down": closed_port_url()}[kind]


@pytest.fixture
def settings(settings: Settings, translation_url: str | None) -> Settings:
    translation = (
        TranslationSettings(url=translation_url, timeout=2)
        if translation_url
        else TranslationSettings()
    )
    return dataclasses.replace(settings, translation=translation)


def _staff(app: App, clock: FakeClock, user: str, locale: str) -> None:
    with app.session_factory.begin() as session:
        community = session.scalar(select(Community))
        assert community is not None
        session.add(
            Person(
                platform="console", platform_user_id=user, private_chat_id=user, locale=locale,
                role=Role.PROFESSIONAL, community_id=community.id, active=True,
                created_at=clock.now(),
            )
        )  # fmt: skip


def _parents(chat: Chat) -> None:
    """amina reads Arabic, daan Dutch (both chose it with /language after joining)."""
    for user, language in (("amina", "العربية"), ("daan", "Nederlands")):
        chat.onboard(user)
        chat.say(f"{user}: /language")
        chat.say(f"{user}: {language}")


def _new_tip_now(chat: Chat, text: str) -> list[str]:
    """petra, a professional who reads Dutch, sends a tip to all parents at once."""
    chat.say("petra: /new")
    chat.say("petra: Tip")
    chat.say(f"petra: {text}")
    chat.say("petra: Alle ouders")
    return chat.say("petra: Nu")


def _last_to(transport: RecordingTransport, user: str) -> str:
    return [Sent(d) for d in transport.sent if d.chat_id == user][-1].text


def _with_programme(app: App, *items: ProgrammeItem) -> Settings:
    config = dataclasses.replace(app.settings.prompts, programme=Programme(START, items))
    return dataclasses.replace(app.settings, prompts=config)


def test_a_dutch_prompt_reaches_an_arabic_parent_marked_as_automatic_translation(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport, server: FakeTranslate
) -> None:
    _parents(chat)
    _staff(app, clock, "petra", "nl")
    assert _new_tip_now(chat, TIP)[0] == "Verstuurd. Ouders die het krijgen: 2"
    assert _last_to(transport, "amina") == f"{TIP_MARK}[ar] {TIP}\n\n{AR_MARK}"
    assert _last_to(transport, "daan") == TIP_MARK + TIP  # Dutch: the text as petra wrote it
    assert server.translations() == [("nl", "ar", TIP)]  # once, for the one language missing
    with app.session_factory() as session:
        kept = session.scalars(select(PromptMachineText)).all()
        assert [(k.locale, k.source_locale, k.text) for k in kept] == [("ar", "nl", f"[ar] {TIP}")]


def test_a_draft_is_made_once_per_prompt_and_language_and_kept(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport, server: FakeTranslate
) -> None:
    _parents(chat)
    chat.onboard("hala")
    chat.say("hala: /language")
    chat.say("hala: العربية")
    clock.current = WEDNESDAY
    settings = _with_programme(app, QUESTION)
    assert prompts.send_due_prompts(app.session_factory, app.translator, clock, settings) == 3
    chat.flush()  # the dispatcher sends what was queued
    amina, hala = _last_to(transport, "amina"), _last_to(transport, "hala")
    assert amina == hala and amina.startswith(f"{QUESTION_MARK}[ar] Wat deden jullie samen?\n\n")
    assert amina.endswith(AR_MARK)
    assert server.translations() == [("nl", "ar", "Wat deden jullie samen?")]
    # After a restart (a new translator, the same database): the kept draft, no new request.
    with app.session_factory.begin() as session:
        prompt = session.scalar(select(Prompt))
        assert prompt is not None
        with MachineTranslator(settings) as machine:
            again = prompt_machine_texts.prompt_text(
                session, prompt.id, "ar", "nl", prompt.texts["nl"], machine, clock
            )
            assert again == "[ar] Wat deden jullie samen?"
            assert len(server.requests) == 1
            # A text changed before delivery is drafted again.
            changed = prompt_machine_texts.prompt_text(
                session, prompt.id, "ar", "nl", "Wat lazen jullie?", machine, clock
            )
    assert changed == "[ar] Wat lazen jullie?" and len(server.requests) == 2


@pytest.mark.parametrize("translation_url", ["off"], indirect=True)
def test_without_the_setting_no_request_is_made_and_the_dutch_line_stays(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport, server: FakeTranslate
) -> None:
    _parents(chat)
    _staff(app, clock, "petra", "nl")
    _new_tip_now(chat, TIP)
    assert _last_to(transport, "amina") == f"{TIP_MARK}{TIP}\n\n{AR_DUTCH_ONLY}"
    assert server.requests == []
    with app.session_factory() as session:
        assert session.scalars(select(PromptMachineText)).all() == []


@pytest.mark.parametrize("translation_url", ["down", "on"], indirect=True)
def test_a_server_that_fails_leaves_todays_behaviour_and_one_plain_log_line(
    chat: Chat,
    app: App,
    clock: FakeClock,
    transport: RecordingTransport,
    server: FakeTranslate,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _parents(chat)
    _staff(app, clock, "petra", "nl")
    server.status = 500  # when it is reached at all: it fails
    caplog.set_level(logging.INFO)
    assert _new_tip_now(chat, TIP)[0] == "Verstuurd. Ouders die het krijgen: 2"
    assert _last_to(transport, "amina") == f"{TIP_MARK}{TIP}\n\n{AR_DUTCH_ONLY}"
    failed = [r for r in caplog.records if "machine translation" in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelno == logging.WARNING
    assert "nl -> ar failed" in failed[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records)  # no stack trace anywhere
    assert not any("liedje" in r.getMessage() for r in caplog.records)


def test_answers_in_the_digest_are_translated_and_marked_for_the_professional(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport, server: FakeTranslate
) -> None:
    _parents(chat)
    _staff(app, clock, "petra", "nl")
    _staff(app, clock, "eva", "en")
    clock.current = WEDNESDAY
    settings = _with_programme(app, QUESTION)
    prompts.send_due_prompts(app.session_factory, app.translator, clock, settings)
    chat.flush()
    chat.say("amina: قرأنا كتابا عن دب.")
    chat.say("daan: We lazen een boek.")
    server.requests.clear()
    clock.current = datetime(2026, 9, 2, 14, 0, tzinfo=UTC)  # 16:00 in Arnhem
    assert prompts.send_digests(app.session_factory, app.translator, clock, settings) == 2
    chat.flush()
    assert _last_to(transport, "petra").splitlines()[-3:] == [
        "- قرأنا كتابا عن دب.",
        "  Automatische vertaling: [nl] قرأنا كتابا عن دب.",
        "- We lazen een boek.",  # already Dutch: nothing added
    ]
    assert _last_to(transport, "eva").splitlines()[-4:] == [
        "- قرأنا كتابا عن دب.",
        "  Automatic translation: [en] قرأنا كتابا عن دب.",
        "- We lazen een boek.",
        "  Automatic translation: [en] We lazen een boek.",
    ]
    # The server detects the language the parent wrote in; one request per answer and language.
    assert sorted(server.translations()) == [
        ("auto", "en", "We lazen een boek."),
        ("auto", "en", "قرأنا كتابا عن دب."),
        ("auto", "nl", "We lazen een boek."),
        ("auto", "nl", "قرأنا كتابا عن دب."),
    ]


# -- drafts for community translators -------------------------------------------------------------
def _two_arabic_translators(chat: Chat, app: App, clock: FakeClock) -> None:
    """amina reads Arabic; petra writes in Dutch; cora coordinates; tariq and yusuf translate
    into Arabic, each with a code from cora."""
    clock.current = TUESDAY
    _parents(chat)
    _staff(app, clock, "petra", "nl")
    translators_staff(app, clock, "cora", Role.COORDINATOR, "en")
    for user in ("tariq", "yusuf"):
        _translator_by_code(chat, user)


def _asked(transport: RecordingTransport, user: str) -> str:
    return next(
        s.text for s in reversed([Sent(d) for d in transport.sent if d.chat_id == user])
        if s.text.startswith("A new message from the school.")
    )  # fmt: skip


def test_translators_get_the_servers_draft_made_once_for_their_language(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport, server: FakeTranslate
) -> None:
    _two_arabic_translators(chat, app, clock)
    server.requests.clear()
    _write(chat)
    chat.say("petra: 1")  # at the time for translators: they are asked now
    for user in ("tariq", "yusuf"):
        assert _asked(transport, user).endswith(f"\n\n{DUTCH}\n\nDraft: [ar] {DUTCH}")
    assert server.translations() == [("nl", "ar", DUTCH)]  # one draft for both


@pytest.mark.parametrize("translation_url", ["down"], indirect=True)
def test_a_server_that_is_down_costs_one_try_for_all_translators(
    chat: Chat,
    app: App,
    clock: FakeClock,
    transport: RecordingTransport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _two_arabic_translators(chat, app, clock)
    caplog.set_level(logging.INFO)
    _write(chat)
    chat.say("petra: 1")
    for user in ("tariq", "yusuf"):
        assert _asked(transport, user).endswith(f"\n\n{DUTCH}")  # no draft line
    failed = [r for r in caplog.records if "machine translation" in r.getMessage()]
    assert len(failed) == 1, [r.getMessage() for r in failed]
