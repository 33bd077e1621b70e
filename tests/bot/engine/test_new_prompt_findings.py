"""Newcomer findings on /new and prompts (issue 17): "Now" in the quiet hours, a prompt's own
language, the /reach labels and the invitation's preview, as professionals and parents meet them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import App
from community.clock import FakeClock
from community.models import Community, Person, Role
from community.services import buddies, prompts
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport


def staff(app: App, clock: FakeClock, user: str, role: Role, locale: str = "en") -> None:
    with app.session_factory.begin() as session:
        community = session.scalar(select(Community))
        assert community is not None
        session.add(
            Person(
                platform="console", platform_user_id=user, private_chat_id=user, locale=locale,
                role=role, community_id=community.id, active=True, created_at=clock.now(),
            )
        )  # fmt: skip


def texts_to(transport: RecordingTransport, user: str) -> list[str]:
    return [Sent(d).text for d in transport.sent if d.chat_id == user]


def write_tip(chat: Chat, user: str, text: str) -> list[str]:
    chat.say(f"{user}: /new")
    chat.say(f"{user}: Tip")
    chat.say(f"{user}: {text}")
    return chat.say(f"{user}: All parents")


def test_now_in_the_quiet_hours_says_when_it_goes_and_it_goes_then(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    staff(app, clock, "petra", Role.PROFESSIONAL)
    clock.current = datetime(2026, 9, 1, 20, 30, tzinfo=UTC)  # 22:30 in Amsterdam
    write_tip(chat, "petra", "Sing a song together at bath time.")
    assert chat.say("petra: Now") == [
        "It is quiet time now. Parents get no messages then. It goes at 08:00."
    ]
    assert "Sing a song together at bath time." not in texts_to(transport, "anna")
    clock.current = datetime(2026, 9, 2, 5, 45, tzinfo=UTC)  # 07:45: still quiet
    assert prompts.run_due_jobs(app.session_factory, app.translator, clock, app.settings) == 0
    clock.current = datetime(2026, 9, 2, 6, 0, tzinfo=UTC)  # 08:00: the job sends it
    assert prompts.run_due_jobs(app.session_factory, app.translator, clock, app.settings) == 1
    chat.flush()  # the dispatcher sends what was queued
    assert texts_to(transport, "anna")[-1] == "💡 Sing a song together at bath time."


def test_a_prompt_written_in_english_is_marked_for_parents_of_another_language(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    chat.say("anna: /language")
    chat.say("anna: Nederlands")
    chat.onboard("bram")  # English
    staff(app, clock, "petra", Role.PROFESSIONAL)  # writes in English, her language
    write_tip(chat, "petra", "Sing a song together at bath time.")
    assert chat.say("petra: Now")[0] == "Sent. Parents who get it: 2"
    assert texts_to(transport, "anna")[-1] == (
        "💡 Sing a song together at bath time.\n\n"
        "Dit bericht is er nog niet in jouw taal. Hier is het in het Engels."
    )
    assert texts_to(transport, "bram")[-1] == "💡 Sing a song together at bath time."


def test_a_prompt_written_in_polish_names_polish_and_a_dutch_one_names_dutch(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("bram")  # English
    staff(app, clock, "piotr", Role.PROFESSIONAL, locale="pl")
    staff(app, clock, "nina", Role.PROFESSIONAL, locale="nl")
    chat.say("piotr: /new")
    chat.say("piotr: Porada")
    chat.say("piotr: Zaśpiewaj piosenkę w kąpieli.")
    chat.say("piotr: Wszyscy rodzice")
    chat.say("piotr: Teraz")
    assert texts_to(transport, "bram")[-1] == (
        "💡 Zaśpiewaj piosenkę w kąpieli.\n\n"
        "This message is not in your language yet. Here it is in Polish."
    )
    chat.say("nina: /new")
    chat.say("nina: Tip")
    chat.say("nina: Zing een liedje in bad.")
    chat.say("nina: Alle ouders")
    chat.say("nina: Nu")
    assert texts_to(transport, "bram")[-1] == (
        "💡 Zing een liedje in bad.\n\nThis message is not in your language yet. Here it is in Dutch."
    )


def test_reach_says_its_rule_for_a_parent_who_joined_today(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")  # joined today
    staff(app, clock, "petra", Role.PROFESSIONAL)
    for text in ("Sing a song together at bath time.", "Read a book together in bed."):
        write_tip(chat, "petra", text)
        chat.say("petra: Now")
    said = chat.say("petra: /reach")[0]
    assert "Got 2 or more messages in the last 4 weeks and answered none: 1\n- " in said
    assert "for 4 weeks" not in said


def test_the_invitation_preview_shows_day_time_and_place_and_a_date_is_no_place(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    staff(app, clock, "petra", Role.PROFESSIONAL)
    chat.say("petra: /new")
    chat.say("petra: Invitation")
    chat.say("petra: Coffee morning at school. Bring your child.")
    chat.say("petra: All parents")
    assert chat.say("petra: 9-9 9:30") == ["Where is it? Type the place and the address."]
    for typed in ("10-9 10:00", "10:00", "9-9"):
        assert chat.say(f"petra: {typed}") == [
            "That looks like a date or time. Where is it? Type the place and the address."
        ]
    said = chat.say("petra: School De Regenboog, Hoofdstraat 1")
    assert said[:2] == [
        "For: All parents. They will get this:",
        "📅 Coffee morning at school. Bring your child.\n\n"
        "When: Wednesday 9 September, 09:30. Where: School De Regenboog, Hoofdstraat 1.",
    ]
    assert chat.say("petra: Now")[0] == "Sent. Parents who get it: 1"
    assert texts_to(transport, "anna")[-1] == said[1]


def test_a_buddy_introduction_is_in_the_language_each_parent_chose(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    staff(app, clock, "bram", Role.COORDINATOR)
    chat.onboard("anna")  # English, Arabic at home
    chat.onboard("bilal")
    chat.say("bilal: /language")
    chat.say("bilal: العربية")
    proposal = chat.messages("bram: /match")[-1]
    approved = chat.press("bram", proposal, "Approve")
    found = {user: [m.text for m in approved if m.chat_id == user] for user in ("anna", "bilal")}
    assert found["anna"][0] == "Good news! We found a buddy for you."
    assert found["bilal"][0] == app.translator.t("ar", "buddy.found")
    chat.say("anna: Anna")
    intro = chat.messages("bilal: Bilal")
    to_anna = [m.text for m in intro if m.chat_id == "anna"]
    to_bilal = [m.text for m in intro if m.chat_id == "bilal"]
    assert to_anna[0] == app.translator.t("en", "buddy.intro.hello", name="Bilal")
    assert to_bilal[1] == app.translator.t("ar", "buddy.intro.hello", name="Anna")
    # The follow-up two weeks later: each in their own language too.
    clock.advance(days=15)
    buddies.send_due_follow_ups(app.session_factory, app.translator, clock)
    chat.flush()  # the dispatcher sends what was queued
    asked = {user: texts_to(transport, user)[-1] for user in ("anna", "bilal")}
    assert asked["anna"] == app.translator.t("en", "buddy.follow_up.ask", name="Bilal")
    assert asked["bilal"] == app.translator.t("ar", "buddy.follow_up.ask", name="Anna")
