"""A parent's first contact, as a conversation, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from community.i18n import SHIPPED_LOCALES, Translator, native_name
from community.models import DialogueState, ParentProfile, Person, Role
from tests.support.chat import Chat

# Before a language is chosen, the question is asked in every shipped language.
CHOOSE_LANGUAGE = "\n".join(Translator().t(locale, "language.choose") for locale in SHIPPED_LOCALES)


def _person(app: App, user: str) -> Person | None:
    with app.session_factory() as session:
        person = session.scalar(select(Person).where(Person.platform_user_id == user))
        if person is not None:
            _ = person.profile, person.profile and person.profile.neighbourhood
        return person


def test_full_onboarding_stores_the_profile(chat: Chat, app: App) -> None:
    said = chat.say("anna: /start ARNHEM")
    assert said == [CHOOSE_LANGUAGE]

    said = chat.say("anna: 1")  # Nederlands
    assert said[0] == "Welkom bij Ouderkring Arnhem!"
    assert "Is dat goed?" in said[-1]
    chat.say("anna: Ja, dat is goed")
    assert chat.say("anna: 6825 ab")[0] == "Dank je. Je woont in Presikhaaf-Oost."
    chat.say("anna: 1")
    chat.say("anna: 3")
    chat.say("anna: Klaar")
    chat.say("anna: Arabisch")
    chat.say("anna: Klaar")
    said = chat.say("anna: Ja, graag")
    assert said[0] == "Klaar! Je doet nu mee met Ouderkring Arnhem."
    assert said[-1] == "Stuur /help om te zien wat ik kan."

    person = _person(app, "anna")
    assert person is not None and person.locale == "nl" and person.role is Role.PARENT
    profile = person.profile
    assert profile is not None
    assert profile.postcode_area == "6825"
    assert profile.neighbourhood is not None and profile.neighbourhood.name == "Presikhaaf-Oost"
    assert profile.age_bands == ["0-2", "4-6"]
    assert profile.home_languages == ["ar"]
    assert profile.buddy_opt_in is True
    assert profile.consent_at is not None and profile.completed_at is not None


def test_language_buttons_show_each_language_in_its_own_name(chat: Chat) -> None:
    sent = chat.messages("anna: /start ARNHEM")
    assert [c.label for c in sent[-1].choices] == [
        native_name(locale) for locale in SHIPPED_LOCALES
    ]


def test_restart_mid_dialogue_resumes_at_the_same_step(
    chat: Chat, app: App, settings, clock, transport
) -> None:
    from bot.app import build_app

    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    chat.say("anna: 1")  # consent
    app.close()
    # A new process: everything rebuilt from the database alone.
    restarted = build_app(settings, [transport], clock=clock)
    again = Chat(restarted, transport)
    assert again.say("anna: 6825AB") == [
        "Thank you. You live in Presikhaaf-Oost.",
        "How old are your children? Tap every age that fits. Then tap Done.",
    ]
    restarted.close()


def test_wrong_postcode_gets_an_example_and_after_three_tries_a_skip(chat: Chat, app: App) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    chat.say("anna: 1")
    assert chat.say("anna: hello")[0].startswith("That is not a postcode.")
    assert (
        chat.say("anna: 1234 AB")[0]
        == "This group is for parents in Arnhem. Ask your school which group fits you."
    )
    sent = chat.messages("anna: 68")
    assert sent[-1].text.startswith("Is it not working? Tap Skip.")
    assert [c.label for c in sent[-1].choices] == ["Skip"]
    said = chat.say("anna: Skip")
    assert said[0].startswith("OK, we skip the postcode.")
    assert said[-1].startswith("How old are your children?")
    person = _person(app, "anna")
    assert person is not None and person.profile is not None
    assert person.profile.postcode_area is None and person.profile.neighbourhood_id is None


def test_declining_consent_keeps_nothing(chat: Chat, app: App) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    said = chat.say("anna: No")
    assert said == ["OK. I did not keep your answers. Send /start if you change your mind."]
    assert _person(app, "anna") is None
    with app.session_factory() as session:
        assert session.scalars(select(ParentProfile)).all() == []
        # Only the language stays with the empty dialogue state, for the next reply.
        (state,) = session.scalars(select(DialogueState)).all()
        assert (state.person_id, state.locale, state.flow, state.data) == (None, "en", None, {})


def test_profile_changes_one_answer(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    sent = chat.messages("anna: /profile")
    assert "Postcode area: 6825" in sent[0].text
    chat.say("anna: Buddy")
    assert chat.say("anna: No, not now") == ["Saved. Thank you!"]
    person = _person(app, "anna")
    assert person is not None and person.profile is not None
    assert person.profile.buddy_opt_in is False
    assert person.profile.postcode_area == "6825"


def test_multi_select_toggles_and_needs_one(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    chat.say("anna: /profile")
    chat.say("anna: Ages")
    chat.say("anna: 1")  # was picked in onboarding: now off
    assert chat.say("anna: Done")[0] == "Choose at least 1 age."
    chat.say("anna: 4")
    assert chat.say("anna: Done") == ["Saved. Thank you!"]
    person = _person(app, "anna")
    assert person is not None and person.profile is not None
    assert person.profile.age_bands == ["6-12"]


def test_stop_then_erase_removes_everything(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    assert chat.say("anna: /stop")[0].startswith("Do you want to stop?")
    said = chat.say("anna: Yes, stop")
    assert said[-1] == "Shall I erase all your data?"
    assert chat.say("anna: Yes, erase all") == ["Done. I erased all your data. Goodbye!"]
    assert _person(app, "anna") is None


def test_stop_and_keep_then_come_back(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    chat.say("anna: /stop")
    chat.say("anna: 1")
    chat.say("anna: No, keep it")
    person = _person(app, "anna")
    assert person is not None and person.active is False
    said = chat.say("anna: /start")
    assert said == ["Welcome back!", "You are already in. Send /help to see what I can do."]
    person = _person(app, "anna")
    assert person is not None and person.active is True


def test_wrong_code_and_no_code(chat: Chat, app: App) -> None:
    assert chat.say("anna: /start NOPE")[0].startswith("Die code ken ik niet.")
    assert _person(app, "anna") is None
    assert chat.say("anna: hallo")[0].startswith("Hallo! Ik ben de Ouderkring-bot.")


def test_platform_language_hint_is_used_until_the_parent_chooses(chat: Chat) -> None:
    from bot.engine.types import Incoming

    sent = chat.send(
        Incoming.from_text("console", "bo", "bo", True, "/start WRONG", language_hint="en-GB")
    )
    assert sent[0].text.startswith("I do not know that code.")


def test_a_command_in_the_middle_of_onboarding_comes_back_to_it(chat: Chat) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    chat.say("anna: 1")
    chat.say("anna: /language")
    said = chat.say("anna: Nederlands")
    assert said == ["Opgeslagen. Dank je!", "Wat is je postcode? Bijvoorbeeld: 6825 AB"]


def test_start_after_stopping_drops_the_open_erase_question(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    chat.say("anna: /stop")
    chat.say("anna: Yes, stop")  # now asked whether to erase
    assert chat.say("anna: /start")[0] == "Welcome back!"
    assert chat.say("anna: 1") == [
        "Sorry, I did not understand that. Send /help to see what I can do."
    ]
    assert _person(app, "anna") is not None


@pytest.mark.parametrize(
    ("button", "answers", "field", "value"),
    [
        ("Language", ["Nederlands"], "locale", "nl"),
        ("Postcode", ["6811 AA"], "postcode_area", "6811"),
        ("Ages", ["2", "Done"], "age_bands", ["0-2", "2-4"]),
        ("Languages at home", ["1", "Done"], "home_languages", ["nl", "ar"]),
        ("Buddy", ["2"], "buddy_opt_in", False),
    ],
)
def test_profile_changes_each_answer_alone(
    chat: Chat, app: App, button: str, answers: list[str], field: str, value: object
) -> None:
    chat.onboard("anna")  # English, 6825, ages 0-2, Arabic, buddy yes
    chat.say("anna: /profile")
    chat.say(f"anna: {button}")
    said = []
    for answer in answers:
        said = chat.say(f"anna: {answer}")
    assert said[-1] in ("Saved. Thank you!", "Opgeslagen. Dank je!")
    person = _person(app, "anna")
    assert person is not None and person.profile is not None
    holder = person if field == "locale" else person.profile
    assert getattr(holder, field) == value
    assert chat.say("anna: 1") == [  # the dialogue is over: "1" is no answer now
        "Sorry, I did not understand that. Send /help to see what I can do."
        if field != "locale"
        else "Sorry, dat begrijp ik niet. Stuur /help om te zien wat ik kan."
    ]
