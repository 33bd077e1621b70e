"""The speaker's changed answers are written with the replies' INSERT (PostgreSQL: in the same
statement), everything else by the ORM's flush as before; both reach the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.app import App
from community.actions import SendMessage
from community.clock import FakeClock
from community.models import Person
from community.services import outbox, speaker_changes
from community.services.outbox import Outgoing
from tests.support.chat import Chat

ONBOARDING = ("English", "1", "6825 AB", "1", "Done", "2", "Done", "1")


@contextmanager
def _writes(app: App) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("SELECT"):
            seen.append(" ".join(statement.split()))

    event.listen(app.db_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(app.db_engine, "before_cursor_execute", record)


def _onboard(chat: Chat, *names: str) -> None:
    for name in names:
        chat.say(f"{name}: /start ARNHEM")
        for line in ONBOARDING:
            assert chat.say(f"{name}: {line}"), line


def _person(session: Session, name: str) -> Person:
    return session.scalars(select(Person).where(Person.platform_user_id == name)).one()


def test_an_answer_is_written_with_its_reply(chat: Chat, app: App) -> None:
    _onboard(chat, "anna")
    assert chat.say("anna: /profile")
    assert chat.say("anna: Ages")
    assert chat.say("anna: 3")
    with _writes(app) as seen:
        assert chat.say("anna: Done")
    profile_writes = [s for s in seen if "UPDATE parent_profile" in s]
    assert len(profile_writes) == 1, seen
    if app.db_engine.dialect.name == "postgresql":
        # One statement: the answer, the dialogue state and the replies.
        assert "INSERT INTO outbox_message" in profile_writes[0]
    else:
        assert seen.index(profile_writes[0]) < next(
            i for i, s in enumerate(seen) if s.startswith("INSERT INTO outbox_message")
        )
    with app.session_factory() as session:
        profile = _person(session, "anna").profile
        assert profile is not None and "4-6" in profile.age_bands


def test_only_the_speakers_plain_changes_are_taken(chat: Chat, app: App, clock: FakeClock) -> None:
    _onboard(chat, "anna", "bo")
    with app.session_factory.begin() as session:
        anna, bo = _person(session, "anna"), _person(session, "bo")
        assert anna.profile is not None
        anna.locale = "nl"
        anna.profile.age_bands = ["6-12"]
        bo.locale = "nl"  # not the speaker's: left to the flush
        along = speaker_changes.take(session, anna.id)
        assert sorted(update.table.name for update, _ in along) == ["parent_profile", "person"]
        assert not session.is_modified(anna) and not session.is_modified(anna.profile)
        assert session.is_modified(bo)
        assert speaker_changes.take(session, anna.id) == []  # taken once
        item = Outgoing("console", "anna", SendMessage(text="ok"), anna.id)
        outbox.enqueue(session, [item], clock, claim_for=outbox.new_token(), along=along)
    with app.session_factory() as session:
        anna, bo = _person(session, "anna"), _person(session, "bo")
        assert (anna.locale, bo.locale) == ("nl", "nl")
        assert anna.profile is not None and anna.profile.age_bands == ["6-12"]


def test_nothing_is_taken_while_something_new_waits_for_the_flush(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _onboard(chat, "anna")
    with app.session_factory.begin() as session:
        anna = _person(session, "anna")
        anna.locale = "nl"
        session.add(Person(platform="console", platform_user_id="cas", created_at=clock.now()))
        assert speaker_changes.take(session, anna.id) == []
        assert session.is_modified(anna)
    with app.session_factory() as session:
        assert _person(session, "anna").locale == "nl"
        assert _person(session, "cas").platform == "console"


def test_a_changed_relationship_is_left_to_the_flush(chat: Chat, app: App) -> None:
    _onboard(chat, "anna")
    with app.session_factory.begin() as session:
        anna = _person(session, "anna")
        anna.locale = "nl"
        anna.community = None
        assert speaker_changes.take(session, anna.id) == []
    with app.session_factory() as session:
        anna = _person(session, "anna")
        assert (anna.locale, anna.community_id) == ("nl", None)


def test_a_rolled_back_event_writes_nothing_it_took(chat: Chat, app: App) -> None:
    _onboard(chat, "anna")
    session = app.session_factory()
    with session.begin():
        anna = _person(session, "anna")
        anna.locale = "nl"
        assert speaker_changes.take(session, anna.id)
        session.rollback()
    session.close()
    with app.session_factory() as session:
        assert _person(session, "anna").locale == "en"
