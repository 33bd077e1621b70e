"""A parent can see everything: /mydata lists every stored field and text (and sends the same as
a JSON file), /privacy says who runs the bot and how long things are kept, in every shipped
language, and a parent who stays silent is told a week before they are erased."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.engine.types import Incoming
from community.clock import FakeClock
from community.i18n import SHIPPED_LOCALES
from community.models import Base, OutboxMessage, Person
from community.services import housekeeping, mydata
from config.privacy import PrivacySettings
from tests.bot.engine.test_buddies import _follow_ups, _introduce
from tests.bot.engine.test_prompts_chat import LIBRARY, QUESTION, _last_to, _send
from tests.support.chat import Chat, Sent
from tests.support.nightly import housekeeping_now
from tests.support.statements import recorded
from tests.support.transport import RecordingTransport

PRIVACY = PrivacySettings("Stichting Ouders Samen", "privacy@ouders.example", "Fien de Boer", 365)


def _file(sent: list[Sent]) -> dict[str, Any]:
    """The JSON document among the messages, decoded."""
    [document] = [m.action.media for m in sent if m.action.media is not None]
    assert document.mime_type == "application/json"
    header, _, payload = document.ref.partition(",")
    assert header == f"data:application/json;name={mydata.FILE_NAME};base64"
    data: dict[str, Any] = json.loads(base64.b64decode(payload))
    return data


def _did_everything(chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport) -> None:
    """anna: onboarded, a buddy (first name, a yes to swapping details, "we met"), an answer to
    a question, an invitation answered with 2 children, tips paused."""
    _introduce(chat)
    _send(chat, app, clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC), QUESTION)
    chat.flush()
    chat.say("anna: We read a book about a bear.")
    _send(chat, app, clock, datetime(2026, 9, 7, 8, 5, tzinfo=UTC), LIBRARY)
    chat.flush()
    invitation = _last_to(transport, "anna")
    how_many = chat.press("anna", invitation, "Yes, I will come")
    chat.press("anna", how_many[-1], "2")
    chat.say("anna: /buddy")
    chat.say("anna: Swap contact details with Bilal")
    clock.current = datetime(2026, 9, 16, 9, 0, tzinfo=UTC)
    ask = next(m for m in _follow_ups(chat, clock) if m.chat_id == "anna")
    chat.press("anna", ask, "Yes, we met")
    chat.say("anna: /pause")


def test_mydata_lists_everything_a_parent_did_and_the_file_holds_the_same(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _did_everything(chat, app, clock, transport)
    sent = chat.messages("anna: /mydata")
    texts = [m.text for m in sent]
    assert len(texts) >= 6 and all(len(t) < 4000 for t in texts)  # one point per message
    text = "\n".join(texts)
    for expected in (
        "Your console account: anna",
        "You are: parent",
        "Group: Ouderkring Arnhem",
        "Since: September 1, 2026",
        "Your last message to me: September 16, 2026",
        "Language: English",
        "Postcode area: 6825",
        "Neighbourhood: Presikhaaf-Oost",
        "Ages of your children: 0-2 years",
        "Buddy: Yes",
        "Name for your buddy: Anna",
        "You said yes to this on: September 1, 2026",
        "Tips and invitations: paused",
        "Buddy pairs with you in them: 1",
        "September 1, 2026: a possible buddy for you. Now: your buddy",
        "The coordinator decided on: September 1, 2026",
        "Introduced to each other on: September 1, 2026",
        "Your answer about meeting: Yes, we met",
        "You said yes to swapping contact details on: September 7, 2026",
        "Answers you sent to questions: 1",
        "September 2, 2026, question: What did you do together?",
        "Your answer: We read a book about a bear.",
        "Invitations you answered: 1",
        "Invitation for September 9, 2026: Come to the library.",
        "Your answer: Yes, I will come",
        "Children coming: 2",
        "Messages I sent you: ",
        "All of this is also in this file. A computer can read it.",
        "Do you want me to erase it all? Send /stop.",
    ):
        assert expected in text, expected
    assert "Bilal" not in text  # the buddy is "your buddy": nothing of theirs is listed

    data = _file(sent)
    assert data["format"] == mydata.FORMAT
    assert data["account"] | {"since": None, "last_seen": None} == {
        "platform": "console",
        "user_id": "anna",
        "chat_id": "anna",
        "language": "en",
        "role": "parent",
        "community": "Ouderkring Arnhem",
        "active": True,
        "since": None,
        "last_seen": None,
        "unreachable_since": None,
        "inactivity_warned_at": None,
        "voice_notes": False,
    }
    assert data["account"]["last_seen"].startswith("2026-09-16")
    profile = data["parent_profile"]
    assert (profile["postcode_area"], profile["neighbourhood"]) == ("6825", "Presikhaaf-Oost")
    assert (profile["age_bands"], profile["buddy"], profile["prompts_paused"]) == (
        ["0-2"],
        True,
        True,
    )
    assert profile["consent_at"].startswith("2026-09-01")
    assert data["buddy_profile"]["first_name"] == "Anna"
    [pair] = data["buddy_pairs"]
    assert (pair["status"], pair["your_follow_up_answer"]) == ("approved", "met")
    assert pair["you_said_yes_to_swap_at"].startswith("2026-09-07")
    [answer] = data["answers"]
    assert (answer["question"], answer["text"]) == (
        "What did you do together?",
        "We read a book about a bear.",
    )
    [rsvp] = data["rsvps"]
    assert (rsvp["invitation"], rsvp["answer"], rsvp["children"]) == (
        "Come to the library.",
        "yes",
        2,
    )
    assert data["messages_to_you"]["kept"] > 0 and data["staff"] is None
    assert "Bilal" not in json.dumps(data) and "bilal" not in json.dumps(data)


def test_every_table_that_points_at_a_person_is_in_mydata() -> None:
    """A new table about people must be listed in /mydata (and so in community/services/mydata)."""
    pointing = {
        table.name
        for table in Base.metadata.sorted_tables
        if any(fk.column.table.name == "person" for fk in table.foreign_keys)
    }
    assert pointing <= mydata.TABLES, sorted(pointing - mydata.TABLES)


def test_staff_see_their_own(chat: Chat) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    chat.say("admin: coordinator")
    sent = chat.messages("admin: /mydata")
    text = "\n".join(m.text for m in sent)
    assert "You are: admin" in text and "Codes you made: 1" in text
    assert "Postcode area" not in text
    assert _file(sent)["staff"]["codes_made"] == 1


def test_a_long_answer_list_is_cut_in_messages_and_the_file_has_all(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    for day in range(12):  # 09:05 UTC: each question is due in summer and in winter time
        _send(chat, app, clock, datetime(2026, 9, 2, 9, 5, tzinfo=UTC) + timedelta(weeks=day),
              dataclasses.replace(QUESTION, key=f"share-{day}", weeks=(day + 1,)))  # fmt: skip
        chat.flush()
        chat.say("anna: " + f"answer {day} " + "x" * 900)
    sent = chat.messages("anna: /mydata")
    assert all(len(m.text) <= 3200 for m in sent)
    text = "\n".join(m.text for m in sent)
    assert "Answers you sent to questions: 12" in text
    assert "And 2 older answers. They are in the file." in text
    assert "answer 0 " not in text and "answer 11 " in text
    assert len(_file(sent)["answers"]) == 12


# -- /privacy -------------------------------------------------------------------------------------
def _privacy(app: App, locale: str, user: str = "x") -> str:
    """What a stranger whose app speaks `locale` reads after /privacy."""
    chat = Incoming.from_text("console", user + locale, user + locale, True, "/privacy")
    chat = dataclasses.replace(chat, language_hint=locale)
    sent = asyncio.run(app.engine.handle_async(chat))
    return "\n".join(str(c.payload["text"]) for c in sent)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_privacy_names_the_controller_and_the_days_in_every_language(app: App) -> None:
    app.engine.settings = dataclasses.replace(app.settings, privacy=PRIVACY)
    for locale in SHIPPED_LOCALES:
        text = _privacy(app, locale)
        for expected in ("Stichting Ouders Samen", "privacy@ouders.example", "Fien de Boer"):
            assert expected in text, (locale, expected)
        for days in ("90", "30", "365", "7", "/mydata", "/stop"):
            assert days in text, (locale, days)
    english = _privacy(app, "en", "y")
    assert "Telegram and Matrix servers are not ours." in english
    assert "No message from you for 365 days? Then I erase all your data." in english


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_privacy_without_a_controller_or_an_inactivity_limit(app: App) -> None:
    app.engine.settings = dataclasses.replace(
        app.settings, privacy=PrivacySettings(inactive_days=0)
    )
    text = _privacy(app, "en")
    assert "Questions about your data? Ask your coordinator." in text
    assert "erase all your data." not in text.split("/mydata")[0]
    assert "The rest I keep until you erase it." in text


# -- silence ----------------------------------------------------------------------------------------
def _people(app: App) -> dict[str, Person]:
    with app.session_factory() as session:
        return {p.platform_user_id: p for p in session.scalars(select(Person))}


def _warnings(app: App) -> list[OutboxMessage]:
    with app.session_factory() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        told = ("erase your data", "wis ik je gegevens")
        return [r for r in rows if any(t in str(r.payload.get("text")) for t in told)]


def test_a_silent_parent_is_told_a_week_before_and_then_erased(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    chat.onboard("bo", language="Nederlands")
    chat.onboard("cas")
    chat.say("cas: /stop")
    chat.say("cas: Yes, stop")
    chat.say("cas: No, keep it")  # stopped, data kept: never messaged again
    days = app.settings.privacy.inactive_days
    clock.advance(days=days - 8)
    housekeeping_now(app)
    assert not _warnings(app)
    clock.advance(days=1, hours=18)  # 05:00 in Amsterdam: in the quiet hours
    counts = housekeeping_now(app)
    assert counts["silent parents told"] == 2 and counts["silent parents erased"] == 0
    assert housekeeping_now(app)["silent parents told"] == 0  # told once
    anna_warning, bo_warning = _warnings(app)
    assert anna_warning.chat_id == "anna" and bo_warning.chat_id == "bo"
    assert anna_warning.payload["text"] == (
        "I have not heard from you for a long time. In 7 days I erase your data. "
        "Want to stay? Write me anything."
    )
    assert bo_warning.payload["text"].startswith("Ik hoorde al lang niets van je.")
    assert anna_warning.available_at.hour == 6  # 08:00 in Amsterdam, after the quiet hours
    assert _people(app)["anna"].inactivity_warned_at is not None

    clock.advance(days=3)
    chat.say("bo: hallo")  # bo writes: bo stays
    assert _people(app)["bo"].inactivity_warned_at is None
    clock.advance(days=3)
    assert housekeeping_now(app)["silent parents erased"] == 0  # not a week yet
    clock.advance(days=1)
    counts = housekeeping_now(app)
    assert counts["silent parents erased"] == 2  # anna, and cas who said /stop
    assert set(_people(app)) == {"bo"}
    with app.session_factory() as session:
        assert not session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == "anna")
        ).all()
        assert not session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == "cas")
        ).all()
        assert list(session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == "bo")))


def test_a_silent_parents_buddy_hears_the_pair_ended(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _introduce(chat)
    clock.advance(days=app.settings.privacy.inactive_days - 7)
    chat.say("bilal: /help")
    housekeeping_now(app)
    clock.advance(days=7)
    assert housekeeping_now(app)["silent parents erased"] == 1  # anna; staff stay
    asyncio.run(app.dispatcher.dispatch_due())
    assert chat.transport.done[-1].chat_id == "bilal"
    assert chat.transport.done[-1].action.text.startswith("Your buddy pair has ended.")  # type: ignore[attr-defined]
    assert set(_people(app)) == {"admin", "bram", "bilal"}


def test_no_erasure_when_it_is_switched_off(chat: Chat, app: App, clock: FakeClock) -> None:
    chat.onboard("anna")
    settings = dataclasses.replace(app.settings, privacy=PrivacySettings(inactive_days=0))
    clock.advance(days=5000)
    with app.session_factory() as session:
        assert (
            housekeeping.run(session, clock, settings, app.translator)["silent parents erased"] == 0
        )
    assert "anna" in _people(app)


def _person_updates(statements: list[str]) -> list[str]:
    # (On PostgreSQL the speaker's UPDATE rides in the replies' statement, as a WITH.)
    return [s for s in statements if "UPDATE person SET" in s]


def test_last_seen_is_written_at_most_once_a_day(chat: Chat, app: App, clock: FakeClock) -> None:
    chat.onboard("anna")
    with recorded(app.db_engine) as seen:
        chat.say("anna: /help")
        clock.advance(hours=20)
        chat.say("anna: /help")
    assert _person_updates(seen) == []
    clock.advance(hours=5)
    with recorded(app.db_engine) as seen:
        chat.say("anna: /help")
    assert len(_person_updates(seen)) == 1
    assert _people(app)["anna"].last_seen_at == clock.now()


def test_profile_shows_the_answers_as_mydata_does_without_collecting_the_rest(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _did_everything(chat, app, clock, transport)
    everything = "\n".join(m.text for m in chat.messages("anna: /mydata"))
    intro, *lines = chat.say("anna: /profile")[0].splitlines()
    assert intro == "This is what I know about you:"
    assert "Neighbourhood: Presikhaaf-Oost" in lines and "Name for your buddy: Anna" in lines
    assert all(line in everything for line in lines), lines
    # Only the answers are read: no answers to questions, RSVPs, pairs or messages.
    chat.say("anna: Close")
    with recorded(app.db_engine) as statements:
        chat.say("anna: /profile")
    read = " ".join(statements)
    for table in ("prompt_answer", "rsvp", "buddy_pair", "moderation_report", "translator"):
        assert f"FROM {table}" not in read, table
