"""A typed reply answers the chat's one open question (bot/engine/replies.py): an RSVP typed as
a number or a word in any shipped language, a question prompt's button typed as its number, a
stale /buddy menu that no longer catches a "2", a contact-details step that ends, and a press on
a question that a newer one closed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import App
from community.clock import FakeClock
from community.models import BuddyPair, Community, PromptAnswer, Role, Rsvp
from community.services import prompts
from tests.bot.engine.test_buddies import _introduce, _to
from tests.bot.engine.test_prompts_chat import LIBRARY, QUESTION, _last_to, _send, _staff
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport

INVITED = datetime(2026, 9, 7, 8, 5, tzinfo=UTC)
THANKS = "Thank you! We pass your answer on to school."


def _rsvps(app: App) -> list[tuple[str, str, int | None]]:
    from community.models import Person

    with app.session_factory() as session:
        rows = session.execute(
            select(Person.platform_user_id, Rsvp.answer, Rsvp.children)
            .join(Person, Person.id == Rsvp.person_id)
            .order_by(Person.platform_user_id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _answers(app: App) -> list[str | None]:
    with app.session_factory() as session:
        return list(session.scalars(select(PromptAnswer.text).order_by(PromptAnswer.id)))


def _ask_with_buttons(chat: Chat, app: App, clock: FakeClock) -> None:
    """A professional sends a question with the buttons Yes / No / Not yet, now."""
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    for line in ("/new", "Question", "Did you go to the library this month?", "Yes / No / Not yet"):
        chat.say(f"petra: {line}")
    chat.say("petra: All parents")
    assert chat.say("petra: Now")[0].startswith("Sent.")


def test_an_invitation_is_answered_by_typing_a_number_or_a_word(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    for user in ("anna", "bilal", "carim"):
        chat.onboard(user)
    _send(chat, app, clock, INVITED, LIBRARY)
    chat.flush()  # the dispatcher sends the queued invitations
    assert [b.label for b in _last_to(transport, "anna").choices][2] == "Maybe"
    assert chat.say("anna: 3") == ["Thank you. You can still press Yes later."]
    assert chat.say("bilal: ربما") == ["Thank you. You can still press Yes later."]
    assert chat.say("carim: Ja, ik kom") == ["Nice! How many children will come with you?"]
    assert chat.say("carim: 2")[0].startswith("Thank you! See you there.")
    assert _rsvps(app) == [("anna", "maybe", None), ("bilal", "maybe", None), ("carim", "yes", 2)]


def test_a_typed_number_to_a_question_with_buttons_stores_the_label(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    _ask_with_buttons(chat, app, clock)
    assert chat.say("anna: 1") == [THANKS]
    assert chat.say("anna: not yet") == [THANKS]  # the label, in any case: a later answer
    assert _answers(app) == ["Not yet"]


def test_a_stale_buddy_menu_does_not_catch_a_later_number(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _introduce(chat)
    menu = chat.last_choices("anna: /buddy")
    assert menu[1] == "Swap contact details with Bilal"  # left open: "2" would start a swap
    clock.advance(days=1)
    _ask_with_buttons(chat, app, clock)
    assert chat.say("anna: 2") == [THANKS]
    assert _answers(app) == ["No"]
    with app.session_factory() as session:
        pair = session.scalars(select(BuddyPair)).one()
        assert pair.a_share_at is None and pair.b_share_at is None  # no swap started


def test_the_contact_details_step_ends_and_a_later_message_is_for_the_school(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _introduce(chat)
    chat.say("anna: /buddy")
    chat.say("anna: Swap contact details with Bilal")
    chat.say("bilal: /buddy")
    both = chat.messages("bilal: Swap contact details with Anna")
    assert _to(both, "bilal")[-1] == (
        "Type what Anna may get. For example your phone number or e-mail."
    )
    # Bilal waits too long: the step is over, a later message goes to nobody.
    clock.advance(hours=49)
    late = chat.messages("bilal: 06-99999999")
    assert not _to(late, "anna")
    assert _to(late, "bilal") == [
        "Sorry, I did not understand that. Send /help to see what I can do."
    ]
    # Anna's step is ended by the school's newer question: her answer is the school's.
    assert chat.say("anna: /buddy")[-1] != ""  # a menu; then the step again
    chat.say("anna: Send my contact details to Bilal")
    _send(chat, app, clock, clock.now() + timedelta(minutes=1), QUESTION)
    chat.flush()
    answer = chat.messages("anna: We read a book together, and it was hard")
    assert not _to(answer, "bilal")
    assert _to(answer, "anna")[0] == THANKS
    assert _answers(app) == ["We read a book together, and it was hard"]


def test_a_press_on_a_closed_question_says_so_and_asks_the_open_one(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _send(chat, app, clock, INVITED, LIBRARY)
    chat.flush()
    invitation = _last_to(transport, "anna")
    clock.advance(hours=1)
    _ask_with_buttons(chat, app, clock)
    question = _last_to(transport, "anna")
    pressed = chat.press("anna", invitation, "Yes, I will come")
    assert [m.text for m in pressed] == ["That question is closed.", question.text]
    assert [b.label for b in pressed[1].choices] == ["Yes", "No", "Not yet"]
    assert _rsvps(app) == []
    # The open one, pressed from the copy shown again, is answered.
    assert [m.text for m in chat.press("anna", pressed[1], "Yes")] == [THANKS]
    assert _answers(app) == ["Yes"]


# -- random interleavings --------------------------------------------------------------------------
Step = tuple[str, int]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["invitation", "question"]), st.just(0)),
        st.tuples(st.sampled_from(["number", "label", "press", "stale"]), st.integers(0, 3)),
    ),
    max_size=8,
)


def _deliver(app: App, clock: FakeClock, kind: str) -> int:
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).one()
        prompt = prompts.create_prompt(
            session, community, kind, {"nl": f"Vraag {kind}", "en": f"Question {kind}"},
            clock.now(), clock, event_at=clock.now() + timedelta(days=7), place="Bieb",
            options=["Yes", "No", "Not yet"] if kind == "question" else None,
        )  # fmt: skip
        prompts.deliver(session, prompt, app.translator, clock, app.settings.prompts)
        return prompt.id


def _given(app: App) -> dict[int, tuple[object, ...]]:
    """Every answer of the parent: the prompt it answers, and what it holds."""
    with app.session_factory() as session:
        rsvps = {r.prompt_id: (r.answer, r.children) for r in session.scalars(select(Rsvp))}
        texts = {a.prompt_id: (a.text,) for a in session.scalars(select(PromptAnswer))}
    return rsvps | texts


def test_every_stored_answer_was_open_when_it_came(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    clock.current = INVITED
    chat.onboard("anna")

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(STEPS)
    def run(steps: list[Step]) -> None:
        shown: list[Sent] = []  # the messages with buttons the parent got, in order
        open_prompt = _deliver(app, clock, "question")
        asyncio.run(app.dispatcher.dispatch_due())
        shown.append(_last_to(transport, "anna"))
        for kind, n in steps:
            clock.advance(minutes=1)
            before = _given(app)
            if kind in ("invitation", "question"):
                open_prompt = _deliver(app, clock, kind)
                asyncio.run(app.dispatcher.dispatch_due())
                shown.append(_last_to(transport, "anna"))
                continue
            last = shown[-1]
            labels = [b.label for b in last.choices]
            if kind == "number":
                sent = chat.messages(f"anna: {n + 1}")
            elif kind == "label":
                sent = chat.messages(f"anna: {labels[n % len(labels)]}")
            else:
                message = shown[-1] if kind == "press" else shown[n % len(shown)]
                choices = [b.label for b in message.choices]
                sent = chat.press("anna", message, choices[n % len(choices)])
            shown += [m for m in sent if m.chat_id == "anna" and m.choices]
            changed = {p for p, held in _given(app).items() if before.get(p) != held}
            assert changed <= {open_prompt}, (kind, n, changed, open_prompt)
            for prompt_id in changed:
                held = _given(app)[prompt_id]
                assert all(not str(value).isdigit() for value in held[:1])  # the choice

    run()


def test_a_message_that_could_be_for_the_buddy_or_the_school_is_asked_about(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _introduce(chat)
    _send(chat, app, clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC), QUESTION)
    chat.flush()  # the school's question, not answered yet
    chat.say("anna: /buddy")
    assert chat.say("anna: Write to Bilal")[0].startswith("Type your message for Bilal.")
    asked = chat.messages("anna: We made a tower of blocks")
    assert [m.text for m in asked] == ["Is this for your buddy or for the school?"]
    assert [b.label for b in asked[0].choices] == ["For my buddy", "For the school"]
    school = chat.messages("anna: 2")
    assert not _to(school, "bilal")  # never guessed: the school's answer stays with the school
    assert _to(school, "anna") == [THANKS]
    assert _answers(app) == ["We made a tower of blocks"]
    # Answered: the next message for the buddy goes to the buddy without a question.
    chat.say("anna: /buddy")
    chat.say("anna: Write to Bilal")
    assert _to(chat.messages("anna: Coffee on Tuesday?"), "bilal") == [
        "Message from your buddy Anna:\nCoffee on Tuesday?"
    ]
