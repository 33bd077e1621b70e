"""Weekly prompts as a parent meets them in the chat: RSVP buttons pressed days later, how many
children come, the calendar file, answers by message, photo or voice note, /support, /mydata."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from bot.app import App
from bot.engine import buttons
from bot.engine.types import Incoming
from community.actions import Media
from community.clock import FakeClock
from community.models import Community, Person, Prompt, PromptAnswer, Role, Rsvp
from community.services import people, prompts
from config import Settings
from config.programme import Programme, ProgrammeItem, SupportEntry
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport

START = date(2026, 8, 31)
LIBRARY = ProgrammeItem(
    "library", "invitation", (2,), "mon", time(10, 0),
    {"nl": "Kom naar de bibliotheek.", "en": "Come to the library."}, (), "wed", time(10, 0),
    "Bibliotheek, Kortestraat 16",
)  # fmt: skip
QUESTION = ProgrammeItem(
    "share", "question", (1,), "wed", time(10, 0),
    {"nl": "Wat deed u samen?", "en": "What did you do together?"},
)  # fmt: skip


def _settings(app: App, *items: ProgrammeItem) -> Settings:
    config = dataclasses.replace(app.settings.prompts, programme=Programme(START, items))
    return dataclasses.replace(app.settings, prompts=config)


def _send(chat: Chat, app: App, clock: FakeClock, moment: datetime, *items: ProgrammeItem) -> None:
    clock.current = moment
    prompts.send_due_prompts(app.session_factory, app.translator, clock, _settings(app, *items))


def _last_to(transport: RecordingTransport, user: str) -> Sent:
    sent = [Sent(d) for d in transport.sent if d.chat_id == user]
    return sent[-1]


def test_an_invitation_is_answered_with_buttons_days_later(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _send(chat, app, clock, datetime(2026, 9, 7, 8, 5, tzinfo=UTC), LIBRARY)
    chat.flush()  # the dispatcher sends the queued invitation
    invitation = _last_to(transport, "anna")
    assert invitation.text == (
        "📅 Come to the library.\n\n"
        "When: Wednesday 9 September, 10:00. Where: Bibliotheek, Kortestraat 16."
    )
    assert [b.label for b in invitation.choices] == [
        "Yes, I will come",
        "No, I cannot come",
        "Maybe",
    ]
    clock.advance(days=1)  # pressed a day later, after a restart: nothing kept in memory
    how_many = chat.press("anna", invitation, "Yes, I will come")
    assert how_many[-1].text == "Nice! How many children will come with you?"
    assert [b.label for b in how_many[-1].choices] == ["1", "2", "3", "4+"]
    see_you = chat.press("anna", how_many[-1], "2")[-1]
    assert see_you.text == "Thank you! See you there. This file puts the date in your calendar."
    media = see_you.action.media
    assert media is not None and media.mime_type == "text/calendar"
    assert b"LOCATION:Bibliotheek" in base64.b64decode(media.ref.split(",", 1)[1])
    # Changing one's mind is fine: the buttons stay on the invitation.
    assert [m.text for m in chat.press("anna", invitation, "Maybe")] == [
        "Thank you. You can still press Yes later."
    ]
    assert "Invitations you answered: 1" in "\n".join(chat.say("anna: /mydata"))
    with app.session_factory() as session:
        rsvp = session.scalar(select(Rsvp))
        assert rsvp is not None and (rsvp.answer, rsvp.children) == ("maybe", None)
        prompt = session.scalar(select(Prompt))
        assert prompt is not None
        counts = prompts.rsvp_counts(session, prompt)
    assert counts == {"yes": 0, "no": 0, "maybe": 1, "children": 0}


def test_an_rsvp_after_the_event_says_the_invitation_is_closed(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _send(chat, app, clock, datetime(2026, 9, 7, 8, 5, tzinfo=UTC), LIBRARY)
    chat.flush()
    invitation = _last_to(transport, "anna")
    clock.current = datetime(2026, 9, 10, 8, 0, tzinfo=UTC)
    assert [m.text for m in chat.press("anna", invitation, "Yes, I will come")] == [
        "This invitation is closed. Thank you!"
    ]


def test_rsvp_buttons_name_the_registered_action(app: App, clock: FakeClock) -> None:
    prompt = Prompt(id=12)
    made = prompts.rsvp_buttons(prompt, "en", app.translator)
    assert made[0] == buttons.action_button("Yes, I will come", "rsvp", 12, "yes")
    assert prompts.count_buttons(prompt, "en", app.translator)[1].data == (
        buttons.action_button("2", "rsvpn", 12, 2).data
    )


def test_a_reply_to_a_question_prompt_is_kept_as_its_answer(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    assert chat.say("anna: we read a book") == [
        "Sorry, I did not understand that. Send /help to see what I can do."
    ]
    _send(chat, app, clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC), QUESTION)
    chat.flush()
    assert _last_to(transport, "anna").text == (
        "❓ What did you do together?\n\nReply here with a message, photo or voice note."
    )
    assert chat.say("anna: We read a book about a bear.") == [
        "Thank you! We pass your answer on to school."
    ]
    photo = Media("photo", "file-9")
    sent = chat.send(Incoming("console", "anna", "anna", True, media=(photo,)))
    assert [m.text for m in sent] == ["Thank you! We pass your answer on to school."]
    with app.session_factory() as session:
        answers = session.scalars(select(PromptAnswer).order_by(PromptAnswer.id)).all()
        assert [(a.text, a.media) for a in answers] == [
            ("We read a book about a bear.", None),
            (None, {"kind": "photo", "ref": "file-9"}),
        ]
    assert "Answers you sent to questions: 2" in "\n".join(chat.say("anna: /mydata"))
    clock.advance(days=8)  # the question is a week old: a reply is no answer any more
    assert chat.say("anna: hello") == [
        "Sorry, I did not understand that. Send /help to see what I can do."
    ]


def test_support_lists_the_local_help_from_the_config(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    said = chat.say("anna: /support")[0]
    assert said.startswith("Help close to you.")
    assert "Stichting Leergeld" in said and "https://www.leergeld.nl" in said
    assert "Tolkentelefoon" in said and "Phone: 088 255 52 22" in said
    assert "/support" in chat.say("anna: /help")[0]


def test_support_in_a_language_without_a_text_says_it_is_dutch(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    entry = SupportEntry("leergeld", "Stichting Leergeld", {"nl": "Helpt."}, None, "026 123")
    config = dataclasses.replace(app.settings.prompts, support=(entry,))
    app.engine.settings = dataclasses.replace(app.settings, prompts=config)
    assert chat.say("anna: /support") == [
        "Help close to you. You can call or visit them yourself.\n\nStichting Leergeld\nHelpt.\n"
        "Phone: 026 123\n\nThis message is not in your language yet. Here it is in Dutch."
    ]


def test_the_route_map_shows_the_rhythm_and_what_comes_next(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    app.engine.settings = _settings(app, LIBRARY, QUESTION)  # the programme, not yet stored
    assert chat.say("anna: /routekaart") == [
        "Your route map: when you hear from us, and where to find help.\n"
        "You get at most 3 short messages a week. Never between 21:00 and 08:00.\n\n"
        "Coming up:\n"
        "- Wednesday 2 September, 10:00: a question for you\n"
        "- Monday 7 September, 10:00: an invitation: Bibliotheek, Kortestraat 16, "
        "Wednesday 9 September, 10:00\n\n"
        "Help close to you: /support. Your data: /mydata."
    ]


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


def test_reach_lists_parents_to_phone_without_calling_silence_disinterest(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    for user in ("anna", "bram", "cees"):
        chat.onboard(user)
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    assert chat.say("petra: /reach") == [
        "Parents to phone or visit in Ouderkring Arnhem:\n"
        "All parents can be reached. Nobody to phone now."
    ]
    tip = dataclasses.replace(QUESTION, key="tip", kind="tip", weeks=(1,), day="thu")
    _send(chat, app, clock, datetime(2026, 9, 3, 8, 5, tzinfo=UTC), QUESTION, tip)
    chat.say("cees: We played outside.")  # cees answered the question
    with app.session_factory.begin() as session:
        anna = people.find(session, "console", "anna")
        assert anna is not None
        anna.unreachable_at = clock.now()  # the platform said she blocked the bot
    said = chat.say("petra: /reach")[0]
    assert said.startswith(
        "Parents to phone or visit in Ouderkring Arnhem:\n\nOur messages do not reach them: 1\n- "
    )
    assert "Got 2 or more messages in the last 4 weeks and answered none: 1\n- " in said
    assert "No reply does not mean no interest." in said
    assert "not interested" not in said
    assert chat.say("anna: /reach") == [
        "That command is not for you. Send /help for your commands."
    ]


def test_a_parent_pauses_prompts_and_is_not_counted_as_silent(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    for user in ("anna", "bram"):
        chat.onboard(user)
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    assert chat.say("anna: /pause") == [
        "OK. I will not send you tips and invitations now. Send /resume to get them again."
    ]
    assert "Tips and invitations: paused" in "\n".join(chat.say("anna: /mydata")).splitlines()
    assert chat.say("petra: /pause") == [
        "That command is not for you. Send /help for your commands."
    ]
    tip = dataclasses.replace(QUESTION, key="tip", kind="tip", weeks=(1,), day="thu")
    _send(chat, app, clock, datetime(2026, 9, 3, 8, 5, tzinfo=UTC), QUESTION, tip)
    asyncio.run(app.dispatcher.dispatch_due())
    prompted = {d.chat_id for d in transport.sent if "together" in Sent(d).text}
    assert prompted == {"bram"}
    said = chat.say("petra: /reach")[0]
    assert (
        "Got 2 or more messages in the last 4 weeks and answered none: 1\n- " in said
    )  # bram; anna asked for a pause
    assert chat.say("anna: /resume") == ["Welcome back! You will get tips and invitations again."]
    assert "Tips and invitations: paused" not in "\n".join(chat.say("anna: /mydata"))
    later = dataclasses.replace(tip, key="later", weeks=(2,))
    _send(chat, app, clock, datetime(2026, 9, 10, 8, 5, tzinfo=UTC), QUESTION, tip, later)
    asyncio.run(app.dispatcher.dispatch_due())
    assert _last_to(transport, "anna").text == _last_to(transport, "bram").text


def test_a_professional_writes_a_tip_that_goes_out_now(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    assert chat.last_choices("petra: /new") == ["Tip", "Question", "Invitation"]
    assert chat.say("petra: Tip") == [
        "Write the message. Use short sentences, one point, and numbers in digits."
    ]
    assert chat.last_choices("petra: Sing a song together at bath time.") == [
        "All parents", "0-2 years", "2-4 years", "4-6 years", "6-12 years",
        "Parents in one neighbourhood",
    ]  # fmt: skip
    said = chat.say("petra: All parents")
    assert said[:2] == [
        "For: All parents. They will get this:",
        "💡 Sing a song together at bath time.",
    ]
    # Sent at once, in the same transaction: the parent's message goes out with the reply.
    assert chat.say("petra: Now") == [
        "Sent. Parents who get it: 1",
        "💡 Sing a song together at bath time.",
    ]
    assert _last_to(transport, "anna").text == "💡 Sing a song together at bath time."


def test_a_prompt_for_an_age_band_or_a_neighbourhood_reaches_only_those_parents(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")  # 6825 AB: Presikhaaf-Oost, a child of 0-2
    chat.onboard("bram", postcode="6811 AB", ages=("4",))  # a child of 6-12
    _staff(app, clock, "petra", Role.PROFESSIONAL)

    def write(text: str, *audience: str) -> list[str]:
        chat.say("petra: /new")
        chat.say("petra: Tip")
        chat.say(f"petra: {text}")
        said: list[str] = []
        for answer in audience:
            said = chat.say(f"petra: {answer}")
        return said + chat.say("petra: Now")

    said = write("Read a picture book together.", "0-2 years")
    assert said[0] == "For: parents of children 0-2 years. They will get this:"
    assert "Sent. Parents who get it: 1" in said
    assert _last_to(transport, "anna").text == "💡 Read a picture book together."
    assert all(d.chat_id != "bram" or "picture" not in Sent(d).text for d in transport.sent)

    chat.say("petra: /new")
    chat.say("petra: Tip")
    chat.say("petra: Walk to the park in your street.")
    assert chat.say("petra: Parents in one neighbourhood") == [
        "Which neighbourhood? Type its name or a postcode, like 6825."
    ]
    assert chat.say("petra: Atlantis") == [
        "I do not know that neighbourhood. Type a name or a postcode, like 6825."
    ]
    said = chat.say("petra: 6811")
    assert said[0].startswith("For: parents in ") and "Presikhaaf" not in said[0]
    assert chat.say("petra: Now")[0] == "Sent. Parents who get it: 1"
    assert _last_to(transport, "bram").text == "💡 Walk to the park in your street."
    assert _last_to(transport, "anna").text == "💡 Read a picture book together."


def test_a_hard_text_is_flagged_before_it_goes_out(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _staff(app, clock, "petra", Role.COORDINATOR)
    chat.say("petra: /new")
    chat.say("petra: Question")
    said = chat.say(
        "petra: You may wish to tell us about the three books you read with your child at "
        "home this week."
    )
    assert said[0] == (
        "Some parents may find this hard to read:\n"
        "- A sentence has more than 15 words. Split it.\n"
        "- Write numbers in digits, like 3.\n"
        '- Write directly: "Come on Tuesday".'
    )
    assert chat.say("petra: Write it again") == [
        "Write the message. Use short sentences, one point, and numbers in digits."
    ]
    assert chat.say("petra: Which 3 books did you read this week?")[0].startswith(
        "Should parents answer with buttons?"
    )
    assert chat.say("petra: They write their own answer") == ["Who is it for?"]
    said = chat.say("petra: All parents")
    assert said[1] == "❓ Which 3 books did you read this week?"
    assert chat.say("petra: Tomorrow at 10:00") == [
        "I will send it on Wednesday 2 September, 10:00."
    ]
    clock.current = datetime(2026, 9, 2, 8, 0, tzinfo=UTC)
    assert prompts.send_due_prompts(app.session_factory, app.translator, clock, app.settings) == 1


def test_an_invitation_from_a_professional_asks_when_and_where(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    chat.say("petra: /new")
    chat.say("petra: Invitation")
    chat.say("petra: Coffee morning at school. Bring your child.")
    assert chat.say("petra: All parents") == [
        "When is it? Type the day and time, like 14-10 10:00."
    ]
    assert chat.say("petra: tomorrow") == ["I cannot read that date. Type it like 14-10 10:00."]
    assert chat.say("petra: 1-9 08:00") == [  # earlier today
        "That moment has passed. Type a day that is still to come."
    ]
    assert chat.say("petra: 9-9 9:30") == ["Where is it? Type the place and the address."]
    chat.say("petra: School De Regenboog, Hoofdstraat 1")
    assert chat.say("petra: Now")[0] == "Sent. Parents who get it: 1"
    invitation = _last_to(transport, "anna")
    assert invitation.text == (
        "📅 Coffee morning at school. Bring your child.\n\n"
        "When: Wednesday 9 September, 09:30. Where: School De Regenboog, Hoofdstraat 1."
    )
    assert len(invitation.choices) == 3


def test_parents_cannot_write_prompts(chat: Chat) -> None:
    chat.onboard("anna")
    assert chat.say("anna: /new") == ["That command is not for you. Send /help for your commands."]


def test_staff_see_the_answers_to_invitations_on_the_route_map(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    chat.onboard("bram")
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    _send(chat, app, clock, datetime(2026, 9, 7, 8, 5, tzinfo=UTC), LIBRARY)
    chat.flush()
    invitation = [Sent(d) for d in transport.sent if d.chat_id == "anna"][-1]
    chat.press("anna", chat.press("anna", invitation, "Yes, I will come")[-1], "3")
    app.engine.settings = _settings(app, LIBRARY)
    said = chat.say("petra: /routekaart")[0]
    assert said.endswith(
        "Bibliotheek, Kortestraat 16, Wednesday 9 September, 10:00: "
        "yes 1 (children: 3), maybe 0, no 0"
    )
    assert "children: 3" not in chat.say("anna: /routekaart")[0]


def test_a_professional_sends_a_video_with_the_tip(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    chat.say("petra: /new")
    chat.say("petra: Tip")
    video = Media("video", "file-video-1")
    sent = chat.send(Incoming("console", "petra", "petra", True, media=(video,)))
    assert [m.text for m in sent] == ["Got it. It goes with the message. Now write the text."]
    chat.say("petra: Watch how I fold a paper boat. Try it together!")
    preview = chat.messages("petra: All parents")
    assert preview[1].action.media == video
    chat.say("petra: Now")
    tip = _last_to(transport, "anna")
    assert tip.text == "💡 Watch how I fold a paper boat. Try it together!"
    assert tip.action.media == video


def test_a_programme_item_can_carry_a_video(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    item = dataclasses.replace(
        QUESTION, kind="tip", media={"kind": "video", "ref": "https://example.org/boat.mp4"}
    )
    _send(chat, app, clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC), item)
    chat.flush()
    assert _last_to(transport, "anna").action.media == Media(
        "video", "https://example.org/boat.mp4"
    )


def test_a_coordinator_moves_the_tips_to_another_day_and_time(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _staff(app, clock, "carla", Role.COORDINATOR)
    tip = dataclasses.replace(QUESTION, key="tip", kind="tip", weeks=(2,), day="wed")
    settings = _settings(app, tip, LIBRARY)
    app.engine.settings = settings
    assert chat.say("anna: /programme") == [
        "That command is not for you. Send /help for your commands."
    ]
    assert chat.last_choices("carla: /programme") == [
        "Tip", "Question", "Invitation", "Help nearby"
    ]  # fmt: skip
    assert chat.last_choices("carla: Tip")[:2] == ["Monday", "Tuesday"]
    assert chat.say("carla: Thursday") == ["At what time? Type it like 15:00."]
    assert chat.say("carla: soon") == ["I cannot read that time. Type it like 15:00."]
    assert chat.say("carla: 23:30") == ["That is at night. Choose a time between 08:00 and 21:00."]
    assert chat.say("carla: 15:00") == ["Done. Tip: from now on on Thursday at 15:00."]
    # The next run of the job moves every tip not yet sent; the invitation keeps its day.
    _send(chat, app, clock, datetime(2026, 9, 1, 8, 0, tzinfo=UTC), tip, LIBRARY)
    with app.session_factory() as session:
        due = {p.key: p.due_at for p in session.scalars(select(Prompt))}
    assert due["tip-w2"] == datetime(2026, 9, 10, 13, 0, tzinfo=UTC)  # Thursday 15:00 in Amsterdam
    assert due["library-w2"] == datetime(
        2026, 9, 7, 8, 0, tzinfo=UTC
    )  # Monday 10:00, as in the file


def test_an_answer_goes_to_the_group_only_if_the_parent_says_yes(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    from community.services import rooms

    chat.onboard("anna")
    chat.onboard("bram")
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).one()
        rooms.link(session, community, "console", "@tips", clock, purpose="tips")
        rooms.link(session, community, "console", "@space", clock, purpose="space")
    _send(chat, app, clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC), QUESTION)
    chat.flush()
    photo = Media("photo", "AgAD-9", None, "image/jpeg", 900, "telegram")
    sent = chat.send(Incoming("console", "anna", "anna", True, "Our tower!", media=(photo,)))
    assert [m.text for m in sent] == [
        "Thank you! We pass your answer on to school.",
        "May I share your answer with the other parents in the group? Without your name.",
    ]
    assert [b.label for b in sent[1].choices] == ["Yes, share it", "No, only the school"]
    shared = chat.press("anna", sent[1], "Yes, share it")
    assert [(m.chat_id, m.text) for m in shared] == [
        ("anna", "Thank you! I shared it in the group."),
        ("@tips", "Een ouder deelt: Our tower!"),  # the community's language, no name
    ]
    assert shared[1].action.media == photo
    assert chat.press("anna", sent[1], "Yes, share it")[0].text == "That button no longer works."
    assert chat.press("bram", sent[1], "Yes, share it")[0].text == "That button no longer works."
    asked = chat.messages("bram: We went to the park.")[1]
    assert [m.text for m in chat.press("bram", asked, "No, only the school")] == [
        "OK. Only the school sees your answer."
    ]
    assert not [d for d in transport.done if d.chat_id == "@tips" and "park" in Sent(d).text]
    with app.session_factory() as session:
        shared_at = {a.text: a.shared_at for a in session.scalars(select(PromptAnswer))}
    assert shared_at["Our tower!"] is not None and shared_at["We went to the park."] is None


def test_a_professional_plans_a_tip_on_a_day_or_in_the_programme_slot(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    tip = dataclasses.replace(QUESTION, key="tip", kind="tip", weeks=(1,), day="thu")
    app.engine.settings = _settings(app, tip)
    clock.current = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)  # Tuesday 09:00 in Amsterdam

    def write(text: str) -> list[str]:
        chat.say("petra: /new")
        chat.say("petra: Tip")
        chat.say(f"petra: {text}")
        return chat.last_choices("petra: All parents")

    choices = write("Count the stairs together.")
    assert choices == [
        "Now",
        "In the programme: Thursday 3 September, 10:00",
        "Tomorrow at 10:00",
        "Another day and time",
        "Do not send",
    ]
    assert chat.say("petra: In the programme: Thursday 3 September, 10:00") == [
        "I will send it on Thursday 3 September, 10:00."
    ]
    write("Sing a song at bedtime.")
    assert chat.say("petra: Another day and time") == [
        "When shall I send it? Type the day and time, like 14-10 10:00."
    ]
    assert chat.say("petra: 31-8 10:00") == [
        "That moment has passed. Type a day that is still to come."
    ]
    assert chat.say("petra: 14-10 16:30") == ["I will send it on Wednesday 14 October, 16:30."]
    with app.session_factory() as session:
        due = {p.texts["en"]: p.due_at for p in session.scalars(select(Prompt)) if p.key is None}
    assert due == {
        "Count the stairs together.": datetime(2026, 9, 3, 8, 0, tzinfo=UTC),
        "Sing a song at bedtime.": datetime(2026, 10, 14, 14, 30, tzinfo=UTC),
    }


def test_a_question_with_buttons_is_answered_by_a_press_days_later(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _staff(app, clock, "petra", Role.PROFESSIONAL)
    chat.say("petra: /new")
    chat.say("petra: Question")
    chat.say("petra: Did you go to the library this month?")
    assert chat.say("petra: Yes / " + "x" * 31) == [
        "Type 2 to 4 answers with / between them. Each at most 30 characters."
    ]
    chat.say("petra: Yes / No / Not yet")
    preview = chat.say("petra: All parents")
    assert preview[1] == "❓ Did you go to the library this month?\nButtons: Yes / No / Not yet"
    assert chat.say("petra: Now")[0] == "Sent. Parents who get it: 1"
    question = _last_to(transport, "anna")
    assert [b.label for b in question.choices] == ["Yes", "No", "Not yet"]
    clock.advance(days=3)
    pressed = chat.press("anna", question, "Not yet")
    assert [m.text for m in pressed] == ["Thank you! We pass your answer on to school."]
    # A later press changes the answer: one answer per parent
    assert chat.press("anna", question, "Yes")[0].text == (
        "Thank you! We pass your answer on to school."
    )
    with app.session_factory() as session:
        answers = session.scalars(select(PromptAnswer.text)).all()
    assert answers == ["Yes"]
