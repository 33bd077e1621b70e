"""First contact without a stumble: nothing stored before consent, the language sticks, the code
from the letter always works, roles never change sideways. Each test reads like the chat."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from community.clock import FakeClock
from community.i18n import SHIPPED_LOCALES
from community.models import DialogueState, OutboxMessage, ParentProfile, Person, Role
from tests.support.chat import Chat
from tests.support.nightly import housekeeping_now


def _count(app: App, model: type) -> int:
    with app.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _person(app: App, user: str) -> Person | None:
    with app.session_factory() as session:
        person = session.scalar(select(Person).where(Person.platform_user_id == user))
        if person is not None:
            _ = person.profile
        return person


def _code(chat: Chat, role_label: str) -> str:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    said = chat.say(f"admin: {role_label}")
    return next(t for t in said if t.startswith("/start ")).split()[1]


def test_nothing_is_stored_before_consent(chat: Chat, app: App) -> None:
    chat.say("bo: /start ARNHEM")
    chat.say("bo: English")  # now at the consent question
    assert (_count(app, Person), _count(app, ParentProfile)) == (0, 0)
    with app.session_factory() as session:
        (state,) = session.scalars(select(DialogueState)).all()
        assert (state.user_id, state.person_id, state.locale) == ("bo", None, "en")
    assert chat.say("bo: /mydata") == ["I keep nothing about you."]


def test_community_counts_only_parents_who_consented(chat: Chat) -> None:
    chat.onboard("anna")
    chat.say("bo: /start ARNHEM")
    chat.say("bo: English")
    chat.say("admin: /start")
    chat.say("admin: English")
    overview = chat.say("admin: /community")[0]
    assert overview.splitlines()[0] == "Ouderkring Arnhem: 1 parent takes part."


def test_a_guest_who_goes_silent_is_forgotten_after_a_day(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.say("bo: /start ARNHEM")
    chat.say("bo: English")
    chat.onboard("anna")
    clock.advance(hours=25)
    housekeeping_now(app)
    with app.session_factory() as session:
        states = session.scalars(select(DialogueState.user_id)).all()
        chats = set(session.scalars(select(OutboxMessage.chat_id)))
    assert states == ["anna"] and chats == {"anna"}  # nothing of bo is left


def test_declining_erases_what_was_sent_and_keeps_the_language(chat: Chat, app: App) -> None:
    chat.say("bo: /start ARNHEM")
    chat.say("bo: English")
    assert chat.say("bo: No") == [
        "OK. I did not keep your answers. Send /start if you change your mind."
    ]
    with app.session_factory() as session:
        texts = [row.payload["text"] for row in session.scalars(select(OutboxMessage))]
    assert texts == ["OK. I did not keep your answers. Send /start if you change your mind."]
    assert chat.say("bo: hello")[0].startswith("Hello!")  # still English, not Dutch


def test_the_language_sticks_after_erasure_and_after_cancel(chat: Chat) -> None:
    chat.onboard("anna", language="English")
    chat.say("anna: /stop")
    chat.say("anna: Yes, stop")
    chat.say("anna: Yes, erase all")
    assert chat.say("anna: hello")[0].startswith("Hello!")
    chat.say("bo: /start ARNHEM")
    chat.say("bo: English")
    assert chat.say("bo: /cancel") == ["OK, stopped. Send /start ARNHEM when you want to join."]
    assert chat.say("bo: what now")[0].startswith("Hello!")


def test_the_code_again_in_the_middle_keeps_the_answers(chat: Chat, app: App) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    chat.say("anna: 1")
    chat.say("anna: 6825 AB")  # now at the ages question
    said = chat.say("anna: /start ARNHEM")
    assert said == ["How old are your children? Tap every age that fits. Then tap Done."]
    person = _person(app, "anna")
    assert person is not None and person.profile is not None
    assert person.profile.postcode_area == "6825"


def test_the_code_again_before_consent_goes_on_at_the_question(chat: Chat) -> None:
    chat.say("bo: /start ARNHEM")
    chat.say("bo: English")
    said = chat.say("bo: /start ARNHEM")
    assert said[-1].startswith("I keep only a few answers")


def test_a_parent_who_stopped_comes_back_with_the_code(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    chat.say("anna: /stop")
    chat.say("anna: Yes, stop")
    chat.say("anna: No, keep it")
    assert chat.say("anna: /start ARNHEM") == [
        "Welcome back!",
        "You are already in. Send /help to see what I can do.",
    ]
    person = _person(app, "anna")
    assert person is not None and person.active and person.profile is not None


def test_cancel_half_way_after_consent_says_how_to_go_on(chat: Chat) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    chat.say("anna: 1")
    assert chat.say("anna: /cancel") == ["OK, stopped. Send /start to go on where you were."]
    assert chat.say("anna: /start")[0].startswith("What is your postcode?")


def test_staff_with_the_parents_code_get_a_clear_answer(chat: Chat) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    assert chat.say("admin: /start ARNHEM") == [
        "You are admin at Ouderkring Arnhem. This code is for parents."
    ]


def test_a_code_for_the_same_or_a_lower_role_is_refused_and_not_used_up(
    chat: Chat, app: App
) -> None:
    coordinator = _code(chat, "coordinator")
    chat.say(f"bram: /start {coordinator}")
    chat.say("bram: English")
    professional = _code(chat, "professional")
    assert chat.say(f"bram: /start {professional}") == [
        "You are already coordinator. This code cannot change that. "
        "It still works for someone else."
    ]
    chat.say(f"cees: /start {professional}")  # still works for the right person
    chat.say("cees: English")
    person = _person(app, "cees")
    assert person is not None and person.role is Role.PROFESSIONAL


def test_a_parent_who_becomes_a_professional_is_asked_first(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    code = _code(chat, "professional")
    said = chat.say(f"anna: /start {code}")
    assert said == [
        "This code makes you professional. Then I erase your answers as a parent. Go on?"
    ]
    assert chat.say("anna: No") == ["OK. You stay a parent. The code still works."]
    person = _person(app, "anna")
    assert person is not None and person.role is Role.PARENT and person.profile is not None
    chat.say(f"anna: /start {code}")
    said = chat.say("anna: Yes, go on")
    assert said[0] == "Welcome! You are now professional at Ouderkring Arnhem."
    person = _person(app, "anna")
    assert person is not None and person.role is Role.PROFESSIONAL and person.profile is None


def test_help_offers_only_what_the_role_may_do(chat: Chat) -> None:
    chat.onboard("anna")
    parent_help = chat.say("anna: /help")[0]
    assert "/start" not in parent_help and "/profile" in parent_help
    coordinator = _code(chat, "coordinator")
    chat.say(f"bram: /start {coordinator}")
    chat.say("bram: English")
    assert "/code – make a code for a new professional or translator" in chat.say("bram: /help")[0]
    assert chat.last_choices("bram: /code") == ["professional", "translator"]


def test_mydata_shows_everything_that_is_stored(chat: Chat, app: App) -> None:
    chat.onboard("anna", language="English")
    text = "\n".join(chat.say("anna: /mydata"))  # one point per message
    person = _person(app, "anna")
    assert person is not None and person.profile is not None
    for expected in (
        "Language: English",
        "Postcode area: 6825",
        "Neighbourhood: ",
        "Ages of your children: 0-2 years",
        "Languages at home: ",
        "Buddy: Yes",
        "Your console account: anna",
        "You are: parent",
        "Group: Ouderkring Arnhem",
        "You said yes to this on: September 1, 2026",
        "Since: September 1, 2026",
    ):
        assert expected in text, expected


@pytest.mark.skipif("ar" not in SHIPPED_LOCALES, reason="Arabic is not shipped")
def test_an_arabic_speaking_parent_joins_in_arabic(chat: Chat, app: App) -> None:
    chat.say("layla: /start ARNHEM")
    said = chat.say("layla: العربية")
    translator = app.translator
    community = "\u2068Ouderkring Arnhem\u2069"  # a Latin name keeps its direction inside Arabic
    assert said[0] == translator.t("ar", "welcome.hello", community="Ouderkring Arnhem")
    assert community in said[0]
    consent_yes = translator.t("ar", "consent.yes")
    chat.say(f"layla: {consent_yes}")
    said = chat.say("layla: ٦٨٢٥ AB")  # Arabic-Indic digits, as typed on an Arabic keyboard
    assert said[-1] == translator.t("ar", "ages.ask")
    person = _person(app, "layla")
    assert person is not None and person.locale == "ar"
    assert person.profile is not None and person.profile.postcode_area == "6825"
