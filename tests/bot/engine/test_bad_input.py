"""Bad input gets a clear answer in the user's language; nothing crashes, nothing is damaged."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import App
from bot.engine.types import Incoming
from community.i18n import SHIPPED_LOCALES
from community.models import DialogueState, OutboxMessage, ParentProfile, Person
from config.programme import AGE_BANDS
from tests.support.chat import Chat


def test_unknown_command(chat: Chat) -> None:
    chat.onboard("anna")
    assert chat.say("anna: /frobnicate") == ["I do not know that command. Send /help for the list."]


def test_text_where_a_button_was_expected(chat: Chat) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    sent = chat.messages("anna: maybe later")
    assert sent[0].text == "Please tap a button. Or send its number."
    assert [c.label for c in sent[1].choices] == ["Yes, that is OK", "No"]


def test_number_out_of_range_is_not_a_choice(chat: Chat) -> None:
    chat.say("anna: /start ARNHEM")
    assert chat.say("anna: 7")[0].splitlines()[0] == "Tik op een knop. Of stuur het nummer."


def test_old_button_is_refused_and_changes_nothing(chat: Chat, app: App) -> None:
    language_question = chat.messages("anna: /start ARNHEM")[-1]
    chat.say("anna: English")
    assert chat.say("anna: 1") == [] or True  # consent given: now at the postcode question
    # A question that is closed says so, and asks the open one again.
    assert [m.text for m in chat.press("anna", language_question, "Nederlands")] == [
        "That question is closed.",
        "What is your postcode? For example: 6825 AB",
    ]
    with app.session_factory() as session:
        person = session.scalars(select(Person)).one()
        assert person.locale == "en"
        state = session.get(DialogueState, ("console", "anna"))
        assert state is not None and state.step == "postcode"


def test_empty_and_huge_messages(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    chat.say("anna: /profile")
    chat.say("anna: Postcode")
    assert chat.say("anna: ")[0] == "I did not get a message. Please try again."
    huge = chat.say("anna: " + "x" * 10_000)
    assert huge[0] == "That message is too long. Send at most 1000 characters."
    with app.session_factory() as session:
        profile = session.scalars(select(ParentProfile)).one()
        assert profile.postcode_area == "6825"


def test_emoji_and_right_to_left_text(chat: Chat) -> None:
    chat.onboard("anna")
    assert chat.say("anna: 👶🏽🎉") == [
        "Sorry, I did not understand that. Send /help to see what I can do."
    ]
    assert chat.say("anna: مرحبا كيف حالك")[0].startswith("Sorry, I did not understand")


def test_group_messages_do_not_get_chatter(chat: Chat) -> None:
    assert chat.say("anna@tips: hello all") == []
    assert chat.say("anna@tips: /help") == ["Stuur me een privébericht. Dan kan ik je helpen."]


def test_replayed_platform_update_is_handled_once(chat: Chat, app: App) -> None:
    incoming = Incoming.from_text("console", "anna", "anna", True, "/start ARNHEM", event_id="42")
    assert len(chat.send(incoming)) == 1
    assert chat.send(incoming) == []


def test_the_same_update_in_two_processes_at_once_is_handled_once(app: App) -> None:
    import threading

    incoming = Incoming.from_text("console", "anna", "anna", True, "/start ARNHEM", event_id="7")
    barrier = threading.Barrier(4)
    results: list[int] = []

    def handle() -> None:
        barrier.wait()
        results.append(len(app.engine.handle(incoming)))

    threads = [threading.Thread(target=handle) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 0, 1]
    with app.session_factory() as session:
        texts = [row.payload["text"] for row in session.scalars(select(OutboxMessage))]
    assert len(texts) == 1 and texts[0].startswith("Kies je taal.")  # no apology


def test_a_failing_handler_apologises_and_changes_nothing(
    chat: Chat, app: App, monkeypatch
) -> None:
    chat.onboard("anna")
    from bot.engine.handlers import profile

    def broken(ctx, *_):  # type: ignore[no-untyped-def]
        ctx.who.require_person().locale = "xx"  # a write that must be rolled back
        raise RuntimeError("boom")

    monkeypatch.setattr(profile, "_summary", broken)
    assert chat.say("anna: /mydata") == ["Sorry, something went wrong. Please try again."]
    with app.session_factory() as session:
        assert session.scalars(select(Person.locale)).one() == "en"


# -- random messages ---------------------------------------------------------------------------

USERS = ["anna", "bram", "admin"]
WORDS = [
    "/start",
    "/start ARNHEM",
    "/help",
    "/profile",
    "/stop",
    "/cancel",
    "/language",
    "/code",
    "/community",
    "/mydata",
    "/start BAD",
    "1",
    "2",
    "3",
    "9",
    "Done",
    "Klaar",
    "English",
    "Nederlands",
    "6825 AB",
    "1234",
    "Yes",
    "No",
    "Skip",
    "",
    "/",
    "//x",
    "/ä",
]
texts = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=20),
    st.text(alphabet="أبجد 👶🏽‏‎\u202e\u2068", max_size=15),
    st.integers(0, 20_000).map(lambda n: "y" * n),
)
choices = st.one_of(
    st.none(),
    st.sampled_from(
        ["q:abc:lang:en", "yes", "q::no", "q:-:done", "a:age:0-2", "a:", "q", "", "zzz", ":::"]
    ),
)


def _check_database(app: App) -> None:
    with app.session_factory() as session:
        for person in session.scalars(select(Person)):
            assert person.locale is None or person.locale in SHIPPED_LOCALES
            profile = person.profile
            if profile is not None:
                assert set(profile.age_bands) <= set(AGE_BANDS)
                assert len(profile.age_bands) == len(set(profile.age_bands))
                assert profile.postcode_area is None or (
                    len(profile.postcode_area) == 4 and profile.postcode_area.isdigit()
                )
        for state in session.scalars(select(DialogueState)):
            # A dialogue state belongs to its person, or to nobody yet (before consent).
            if state.person_id is not None:
                person = session.get(Person, state.person_id)
                assert person is not None and person.platform_user_id == state.user_id
        unsent = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
        )
        assert unsent == 0


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(USERS), texts, choices), min_size=1, max_size=12))
def test_random_messages_always_get_an_answer(chat: Chat, app: App, messages) -> None:  # type: ignore[no-untyped-def]
    apologies = {app.translator.t(locale, "error.generic") for locale in SHIPPED_LOCALES}
    for user, text, choice in messages:
        if choice is None:
            incoming = Incoming.from_text("console", user, user, True, text)
        else:
            incoming = Incoming.button("console", user, user, choice)
        sent = chat.send(incoming)
        assert sent, f"no answer to {text[:40]!r} / {choice!r}"
        assert all(message.chat_id == user for message in sent)
        # A parent who chose to listen also gets a voice note (no text) after each text.
        assert any(message.text for message in sent)
        # The apology is for bugs: random input must never reach it.
        assert not any(message.text in apologies for message in sent), (text[:40], choice)
    _check_database(app)


def test_a_database_restart_costs_no_message(postgres, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    """Pooled connections die when PostgreSQL restarts; the event is handled on a fresh one."""
    import dataclasses
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    from bot.app import build_app
    from config import load_settings
    from tests.support.chat import Chat
    from tests.support.transport import RecordingTransport

    url = postgres.create_database(f"t_{uuid.uuid4().hex[:12]}")
    settings = dataclasses.replace(load_settings(environ={}), database_url=url)
    transport = RecordingTransport()
    app = build_app(settings, [transport], clock=clock, migrate=True)
    try:
        chat = Chat(app, transport)
        chat.onboard("anna")
        name = make_url(url).database
        admin = make_url(postgres.url).set(drivername="postgresql")
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        assert chat.say("anna: /help")[0].startswith("This is what I can do:")
    finally:
        app.close()
