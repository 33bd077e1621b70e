"""A newcomer's first steps, as conversations (issue 17, the newcomer findings): a postcode in
any digits and letters, language names on every button, help for where the person is, the
step kept across /language, a clear word after /stop, and no menu that is only "Close"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from bot.engine.handlers import questions
from bot.engine.types import Incoming
from community.clock import FakeClock
from community.i18n import SHIPPED_LOCALES, native_name
from community.models import ParentProfile, Role
from tests.bot.engine.test_buddies import _coordinator, _introduce, _to
from tests.bot.engine.test_prompts_chat import QUESTION, _last_to, _send, _staff
from tests.bot.engine.test_typed_replies import THANKS, _answers
from tests.support.chat import Chat
from tests.support.transport import RecordingTransport


def _profile(app: App) -> ParentProfile:
    with app.session_factory() as session:
        return session.scalars(select(ParentProfile)).one()


# -- a postcode typed on an Arabic keyboard ----------------------------------------------------
def test_a_postcode_in_arabic_digits_and_letters_is_accepted(chat: Chat, app: App) -> None:
    chat.say("hala: /start ARNHEM")
    chat.say("hala: العربية")
    chat.say("hala: نعم")
    assert chat.say("hala: ٦٨٢٥ اب")[0] == "شكرًا. أنتم تسكنون في \u2068Presikhaaf-Oost\u2069."
    assert _profile(app).postcode_area == "6825"  # the letters are not kept


# -- language names, and errors in a language the reader reads ---------------------------------
@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_home_language_buttons_show_names_never_codes(chat: Chat, app: App, locale: str) -> None:
    chat.say("hala: /start ARNHEM")
    for line in (native_name(locale), "1", "6825 AB", "1", "5"):  # 5: Done, after 4 age bands
        chat.say(f"hala: {line}")
    labels = chat.last_choices("hala: /start ARNHEM")  # the home-language question again
    codes = app.settings.communities[0].home_languages
    names = labels[:-1]  # the last button is Done
    assert len(names) == len(codes) and not set(names) & set(codes), names
    assert len(set(names)) == len(names)


def test_a_wrong_answer_to_which_language_is_said_in_every_language(chat: Chat) -> None:
    chat.say("hala: /start ARNHEM")
    sent = chat.messages("hala: 7")
    assert sent[0].text.splitlines() == [
        "Tik op een knop. Of stuur het nummer.",
        "Please tap a button. Or send its number.",
        "اضغطوا على زر من فضلكم. أو أرسلوا رقمه.",
        "Lütfen düğmelerden birine dokun. Ya da numarasını gönder.",
        "Kliknij przycisk. Albo wyślij jego numer.",
        "Натисни кнопку. Або надішли її номер.",
    ]
    assert [c.label for c in sent[1].choices][1] == "English"  # the question again


def test_a_wrong_answer_to_which_language_is_said_in_the_hinted_language(chat: Chat) -> None:
    chat.send(Incoming.from_text("console", "hala", "hala", True, "/start ARNHEM"))
    sent = chat.send(Incoming.from_text("console", "hala", "hala", True, "?", language_hint="tr"))
    assert sent[0].text == "Lütfen düğmelerden birine dokun. Ya da numarasını gönder."


def test_an_error_before_consent_is_in_the_chosen_language(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat.say("hala: /start ARNHEM")
    chat.say("hala: العربية")  # chosen, but nothing stored yet: the language is in the dialogue

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(questions.ConsentQuestion, "on_choice", broken)
    assert chat.say("hala: نعم") == ["عذرًا، حدث خطأ. حاولوا مرة أخرى من فضلكم."]


# -- commands before consent: help for where the person is -------------------------------------
CONSENT = "I keep only a few answers: your neighbourhood, the ages of your children and your"


def test_a_command_before_consent_gets_the_question_again_not_send_start(chat: Chat) -> None:
    chat.say("hala: /start ARNHEM")
    chat.say("hala: English")  # at the consent question, nothing stored yet
    said = chat.say("hala: /buddy")
    assert said[0] == (
        "That works once you have joined. First answer the question below. Or send /cancel to stop."
    )
    assert said[-1].startswith(CONSENT)
    assert not any("/start" in text for text in said)


def test_help_before_consent_says_what_works_now(chat: Chat) -> None:
    chat.say("hala: /start ARNHEM")
    chat.say("hala: English")
    said = chat.say("hala: /help")
    assert said[0].splitlines() == [
        "You are joining Ouderkring Arnhem. First answer the question below. This works now:",
        "/language – choose your language",
        "/privacy – how I handle your data",
        "/mydata – see what I keep about you",
        "/cancel – stop the question I asked",
    ]
    assert said[-1].startswith(CONSENT)
    assert chat.say("hala: Yes, that is OK")[0].startswith("What is your postcode?")


def test_a_command_before_choosing_a_language_asks_for_the_language_in_every_language(
    chat: Chat,
) -> None:
    chat.say("hala: /start ARNHEM")
    sent = chat.messages("hala: /help")
    assert sent[0].text.splitlines()[:2] == [
        "Kies eerst hieronder je taal.",
        "First choose your language below.",
    ]
    assert len(sent[0].text.splitlines()) == len(SHIPPED_LOCALES)
    assert [c.label for c in sent[-1].choices][1] == "English"
    assert chat.say("hala: /profile")[0] == sent[0].text


# -- /language half-way comes back to the same step ---------------------------------------------
def test_language_before_consent_comes_back_to_the_consent_question(chat: Chat, app: App) -> None:
    chat.say("hala: /start ARNHEM")
    chat.say("hala: English")
    assert chat.say("hala: /language")[0].startswith("Kies je taal.")
    said = chat.say("hala: Nederlands")
    assert said[0] == "Welkom bij Ouderkring Arnhem!"  # the same community, now in Dutch
    assert said[-1].startswith("Ik bewaar alleen een paar antwoorden")
    assert chat.say("hala: Ja, dat is goed")[0].startswith("Wat is je postcode?")
    assert _profile(app).consent_at is not None


def test_language_half_way_comes_back_to_the_step_with_its_ticks(chat: Chat, app: App) -> None:
    chat.say("hala: /start ARNHEM")
    chat.say("hala: English")
    chat.say("hala: Yes, that is OK")
    for _ in range(3):
        chat.say("hala: no idea")
    chat.say("hala: Skip")  # no postcode: now at the ages
    chat.say("hala: 0-2 years")
    chat.say("hala: /language")
    sent = chat.messages("hala: Nederlands")
    assert [m.text for m in sent][0] == "Opgeslagen. Dank je!"
    assert sent[-1].text.startswith("Hoe oud zijn je kinderen?")  # not the postcode again
    assert [c.label for c in sent[-1].choices][0] == "✓ 0-2 jaar"
    assert chat.say("hala: Klaar")[0].startswith("Welke talen spreek je thuis?")
    assert _profile(app).age_bands == ["0-2"] and _profile(app).postcode_area is None


def test_language_before_any_code_sets_the_language_for_what_follows(chat: Chat) -> None:
    assert chat.say("hala: /language")[0].startswith("Kies je taal.")
    said = chat.say("hala: Türkçe")
    assert said[0] == "Kaydedildi. Teşekkürler!"
    assert said[1].startswith("Merhaba! Ben Ouderkring botuyum.")
    assert chat.say("hala: hello")[0].startswith("Merhaba! Ben Ouderkring botuyum.")


# -- a neighbourhood typed as the start of its name --------------------------------------------
def test_a_neighbourhood_typed_in_part_offers_the_ones_that_fit(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna", postcode="6825 AB")  # Presikhaaf-Oost
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    for line in ("/new", "Tip", "Walk to the park in your street.", "Parents in one neighbourhood"):
        chat.say(f"petra: {line}")
    sent = chat.messages("petra: Presikhaaf")
    assert [m.text for m in sent] == ["These neighbourhoods fit. Tap the one you mean."]
    assert [c.label for c in sent[0].choices] == ["Presikhaaf-Oost", "Presikhaaf-West"]
    said = [m.text for m in chat.press("petra", sent[0], "Presikhaaf-Oost")]
    assert said[0] == "For: parents in Presikhaaf-Oost. They will get this:"
    assert chat.say("petra: Now")[0] == "Sent. Parents who get it: 1"
    assert _last_to(transport, "anna").text == "💡 Walk to the park in your street."


def test_a_neighbourhood_that_fits_none_or_many_says_what_to_type(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    for line in ("/new", "Tip", "Walk to the park in your street.", "Parents in one neighbourhood"):
        chat.say(f"petra: {line}")
    assert chat.say("petra: Atlantis") == [
        "I do not know that neighbourhood. Type a name or a postcode, like 6825."
    ]
    assert chat.say("petra: en") == [  # a word in 8 names
        "Many neighbourhoods fit. Type more of the name, or a postcode like 6825."
    ]
    assert chat.last_choices("petra: Malburgen") == [
        "Malburgen-Oost (Noord)",
        "Malburgen-Oost (Zuid), Immerloo en Het Duifje",
        "Malburgen-West",
    ]
    assert chat.say("petra: 3")[0] == "For: parents in Malburgen-West. They will get this:"


def test_one_neighbourhood_that_fits_by_a_word_of_its_name_is_taken(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    for line in ("/new", "Tip", "Walk to the park in your street.", "Parents in one neighbourhood"):
        chat.say(f"petra: {line}")
    said = chat.say("petra: immerloo")
    assert (
        said[0]
        == "For: parents in Malburgen-Oost (Zuid), Immerloo en Het Duifje. They will get this:"
    )


# -- after /stop ---------------------------------------------------------------------------------
STOPPED = "You stopped contact. I send you nothing. Send /start to start again."


def _stopped(chat: Chat) -> None:
    chat.onboard("anna")
    chat.say("anna: /stop")
    chat.say("anna: Yes, stop")
    chat.say("anna: No, keep it")


def test_after_stop_help_says_contact_stopped_and_what_still_works(chat: Chat) -> None:
    _stopped(chat)
    assert chat.say("anna: /help") == [
        "\n".join(
            [
                STOPPED,
                "This works now:",
                "/mydata – see what I keep about you",
                "/privacy – how I handle your data",
                "/language – choose your language",
                "/stop – erase all your data",
            ]
        )
    ]
    assert chat.say("anna: /stop")[0] == "Shall I erase all your data?"  # not "stop?" again
    assert chat.say("anna: No, keep it") == ["OK, I keep your data. Send /start to come back."]
    assert chat.say("anna: /start") == [
        "Welcome back!",
        "You are already in. Send /help to see what I can do.",
    ]
    assert chat.say("anna: /help")[0].startswith("This is what I can do:")


def test_after_stop_mydata_says_contact_stopped_first(chat: Chat) -> None:
    _stopped(chat)
    said = chat.say("anna: /mydata")
    assert said[0] == STOPPED
    assert said[1].startswith("This is everything I keep about you:")
    assert sum(STOPPED in text for text in said) == 1


# -- no menu of only "Close" ---------------------------------------------------------------------
def test_the_buddy_menu_without_a_buddy_offers_to_find_one(chat: Chat, app: App) -> None:
    chat.onboard("anna", buddy="2")  # no buddy, thank you
    sent = chat.messages("anna: /buddy")
    assert sent[0].text == "You did not ask for a buddy. You can change that with /profile."
    assert [c.label for c in sent[-1].choices] == ["Find me a buddy", "Close"]
    assert chat.say("anna: 1") == [
        "We are looking for a buddy for you. A coordinator checks first."
    ]
    assert _profile(app).buddy_opt_in is True
    assert chat.last_choices("anna: /buddy") == ["Pause looking for a buddy", "Close"]


def test_no_menu_a_parent_can_open_is_only_close(chat: Chat) -> None:
    chat.onboard("anna", buddy="2")
    chat.onboard("bilal")
    for user in ("anna", "bilal"):
        for command in ("/buddy", "/profile"):
            sent = chat.messages(f"{user}: {command}")
            labels = [c.label for c in sent[-1].choices]
            assert len(labels) >= 2 and "Close" in labels, (user, command, labels)
            chat.say(f"{user}: Close")


# -- a free-text step never swallows a message meant for the school ------------------------------
def test_a_contact_details_step_opened_after_the_school_question_asks_which(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _introduce(chat)
    _send(chat, app, clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC), QUESTION)
    chat.flush()  # the school's question, not answered yet
    chat.say("anna: /buddy")
    chat.say("anna: Swap contact details with Bilal")
    chat.say("bilal: /buddy")
    chat.say("bilal: Swap contact details with Anna")  # both said yes: bilal types details now
    asked = chat.messages("bilal: We read a book together")
    assert [m.text for m in asked] == ["Is this for your buddy or for the school?"]
    school = chat.messages("bilal: For the school")
    assert not _to(school, "anna")
    assert _to(school, "bilal") == [THANKS]
    assert _answers(app) == ["We read a book together"]


def test_the_first_name_step_does_not_take_the_school_answer(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    _send(chat, app, clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC), QUESTION)
    chat.flush()  # the school's question, not answered yet
    chat.press("bram", chat.messages("bram: /match")[-1], "Approve")  # now: "Which first name?"
    answer = "We read a book together, and it was hard"  # more than a first name
    assert chat.say(f"anna: {answer}") == ["Is this for your buddy or for the school?"]
    assert chat.say("anna: 2") == [
        THANKS,
        "Which first name may I give your buddy? Just type it. A nickname is fine too.",
    ]
    assert _answers(app) == [answer]
    assert chat.say("anna: Anna")[0] == "Thank you, Anna!"
    # More than a name, meant for the buddy after all: the step says what it wants, once.
    assert chat.say("bilal: my name is Bilal, hi!") == ["Is this for your buddy or for the school?"]
    assert chat.say("bilal: For my buddy") == [
        "Please type only a first name. For example: Fatima."
    ]
    assert chat.say("bilal: I am Bilal, hi") == [
        "Please type only a first name. For example: Fatima."
    ]
    # A first name answers the first-name question, the latest one: no question about it.
    assert chat.say("bilal: Bilal")[0] == "Thank you, Bilal!"
    assert _answers(app) == [answer]
