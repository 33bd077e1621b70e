"""Dialogue state: an event's change to it is written with the replies' INSERT (PostgreSQL: in
the same statement), and written all the same when there is nothing to insert."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from community.clock import FakeClock
from community.models import DialogueState
from community.services import dialogue_state, outbox
from tests.support.chat import Chat
from tests.support.statements import recorded


def _stored(user: str, clock: FakeClock) -> DialogueState:
    return DialogueState(
        platform="console", user_id=user, token="", data={}, updated_at=clock.now()
    )


def _state(app: App, user: str) -> tuple[str | None, str | None, str]:
    with app.session_factory() as session:
        row = session.scalars(select(DialogueState).where(DialogueState.user_id == user)).one()
        return row.flow, row.step, row.token


def test_a_step_writes_the_dialogue_state_with_its_reply(chat: Chat, app: App) -> None:
    chat.say("anna: /start ARNHEM")
    before = _state(app, "anna")
    with recorded(app.db_engine) as seen:
        assert chat.say("anna: English")  # the language is chosen: the next question comes
    after = _state(app, "anna")
    assert after != before and after[2] != before[2]  # another step, another button token
    writes = [s for s in seen if "UPDATE dialogue_state" in s]
    assert len(writes) == 1
    if app.db_engine.dialect.name == "postgresql":
        # One round trip: the UPDATE rides along with the INSERT of the reply.
        assert writes[0].startswith("WITH along AS (UPDATE dialogue_state")
        assert "INSERT INTO outbox_message" in writes[0]
    else:
        assert writes[0].startswith("UPDATE dialogue_state")


def test_a_taken_write_is_run_even_when_nothing_is_queued(app: App, clock: FakeClock) -> None:
    with app.session_factory.begin() as session:
        session.add(_stored("bo", clock))
    with app.session_factory.begin() as session:
        state = dialogue_state.find(session, "console", "bo")
        assert state is not None
        dialogue_state.enter(session, "console", "bo", None, "onboarding", "consent", clock)
        along = dialogue_state.take_write(session)
        assert along is not None
        assert not session.is_modified(state)  # the ORM leaves the write to the caller
        assert dialogue_state.take_write(session) is None  # taken once
        assert outbox.enqueue(session, [], clock, claim_for=outbox.new_token(), along=[along]) == []
    assert _state(app, "bo")[:2] == ("onboarding", "consent")


def test_nothing_is_taken_without_a_change_and_a_rollback_forgets(
    app: App, clock: FakeClock
) -> None:
    with app.session_factory.begin() as session:
        session.add(_stored("cees", clock))
    with app.session_factory() as session:
        assert dialogue_state.find(session, "console", "cees") is not None
        assert dialogue_state.take_write(session) is None  # read, not changed
        dialogue_state.set_locale(session, "console", "cees", "pl", clock)
        session.rollback()
        assert dialogue_state.take_write(session) is None
    with app.session_factory() as session:
        state = dialogue_state.find(session, "console", "cees")
        assert state is not None and state.locale is None


def test_an_erased_state_is_not_written_back_over_a_new_one(app: App, clock: FakeClock) -> None:
    with app.session_factory.begin() as session:
        session.add(_stored("dora", clock))
    with app.session_factory.begin() as session:
        dialogue_state.enter(
            session, "console", "dora", None, "onboarding", "postcode", clock, {"postcode": "1234"}
        )
        state = dialogue_state.find(session, "console", "dora")
        session.delete(state)  # erased: the answers go
        session.flush()
        dialogue_state.set_locale(session, "console", "dora", "uk", clock)  # the language stays
    with app.session_factory() as session:
        kept = dialogue_state.find(session, "console", "dora")
        assert kept is not None
        assert (kept.locale, kept.flow, kept.step, kept.data) == ("uk", None, None, {})


def test_changes_not_taken_are_written_at_the_commit(app: App, clock: FakeClock) -> None:
    with app.session_factory.begin() as session:
        session.add_all([_stored("eva", clock), _stored("finn", clock)])
    with app.session_factory.begin() as session:  # two states change, nobody takes the write
        dialogue_state.enter(session, "console", "eva", None, "onboarding", "ages", clock)
        dialogue_state.enter(session, "console", "finn", None, "buddy", "intro", clock)
    assert _state(app, "eva")[:2] == ("onboarding", "ages")
    assert _state(app, "finn")[:2] == ("buddy", "intro")
