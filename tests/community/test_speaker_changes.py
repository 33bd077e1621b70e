"""The speaker's changed answers are written with the replies' INSERT (PostgreSQL: in the same
statement), everything else by the ORM's flush as before; both reach the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app import App
from community.actions import SendMessage
from community.clock import FakeClock
from community.models import Person
from community.services import outbox, speaker_changes
from community.services.outbox import Outgoing
from tests.support.chat import Chat
from tests.support.statements import recorded, writes

ONBOARDING = ("English", "1", "6825 AB", "1", "Done", "2", "Done", "1")


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
    with recorded(app.db_engine) as statements:
        assert chat.say("anna: Done")
    seen = writes(statements)
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
        # Not even counted as changed: the next query's autoflush has nothing to flush.
        assert list(session.dirty) == [bo]
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


def test_a_stored_row_set_in_a_many_to_one_relationship_is_taken_as_its_key(
    chat: Chat, app: App
) -> None:
    _onboard(chat, "anna")
    with app.session_factory.begin() as session:
        anna = _person(session, "anna")
        profile = anna.profile
        assert profile is not None and profile.neighbourhood is not None
        other = next(h for h in profile.neighbourhood.community.neighbourhoods
                     if h.id != profile.neighbourhood_id)  # fmt: skip
        profile.neighbourhood = other
        anna.community = None
        along = speaker_changes.take(session, anna.id)
        written = {(u.table.name, *sorted(v)) for u, v in along}
        assert written in (
            {
                ("parent_profile", "w0_key", "w0_neighbourhood_id"),
                ("person", "w1_community_id", "w1_key"),
            },
            {
                ("person", "w0_community_id", "w0_key"),
                ("parent_profile", "w1_key", "w1_neighbourhood_id"),
            },
        )  # the key columns, not the relationships; in the session's order
        assert (profile.neighbourhood_id, anna.community_id) == (other.id, None)
        assert not session.is_modified(profile) and not session.is_modified(anna)
        for update, values in along:
            session.execute(update, values)
        expected = other.id
    with app.session_factory() as session:
        anna = _person(session, "anna")
        assert anna.community_id is None
        assert anna.profile is not None and anna.profile.neighbourhood_id == expected


def test_a_removed_profile_is_left_to_the_flush(chat: Chat, app: App) -> None:
    _onboard(chat, "anna")
    with app.session_factory.begin() as session:
        anna = _person(session, "anna")
        anna.locale = "nl"
        anna.profile = None  # one-to-one, deleted as an orphan: only the flush does that
        assert speaker_changes.take(session, anna.id) == []
    with app.session_factory() as session:
        anna = _person(session, "anna")
        assert (anna.locale, anna.profile) == ("nl", None)
