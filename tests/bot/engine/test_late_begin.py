"""On PostgreSQL an event's transaction begins at its first write (community/late_begin.py): an
event that only reads and then queues its replies sends neither BEGIN nor COMMIT (two round
trips of four), one that writes before still runs all its writes in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session

from bot.app import App
from community import late_begin
from community.clock import FakeClock
from community.models import Person, ProcessedEvent
from tests.support.chat import Chat

# BEGIN is deferred on PostgreSQL only.
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
ONBOARDING = ("English", "1", "6825 AB", "1", "Done", "2", "Done", "1")


@pytest.fixture
def writes(app: App, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Each writing statement of the engine's transactions (not the "sent" marks after them),
    and whether a transaction was open when it ran."""
    seen: list[tuple[str, bool]] = []
    handling = [False]
    handle = app.engine.handle

    def handle_recorded(incoming: Any) -> Any:
        handling[0] = True
        try:
            return handle(incoming)
        finally:
            handling[0] = False

    def record(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if handling[0] and not statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement.split()[0], cursor.connection.pgconn.transaction_status != 0))

    monkeypatch.setattr(app.engine, "handle", handle_recorded)
    event.listen(app.db_engine, "before_cursor_execute", record)
    yield seen
    event.remove(app.db_engine, "before_cursor_execute", record)


def test_a_message_that_only_reads_and_replies_begins_no_transaction(
    chat: Chat, writes: list[tuple[str, bool]]
) -> None:
    chat.say("anna: /start ARNHEM")
    for line in ONBOARDING:
        assert chat.say(f"anna: {line}"), line
    for line in ("/help", "hello", "/help"):
        writes.clear()
        assert chat.say(f"anna: {line}"), line
        # The replies' INSERT (with the dialogue state's UPDATE) alone: atomic without BEGIN.
        assert writes == [("WITH", False)] or writes == [("INSERT", False)], (line, writes)


def test_an_event_that_writes_before_its_replies_writes_in_one_transaction(
    chat: Chat, writes: list[tuple[str, bool]]
) -> None:
    chat.say("anna: /start ARNHEM")
    assert chat.say("anna: English")
    writes.clear()
    assert chat.say("anna: 1")  # consent: the person and the profile are stored
    assert len(writes) > 1
    assert all(in_transaction for _, in_transaction in writes), writes


def test_a_write_after_the_last_statement_raises_and_earlier_writes_roll_back(app: App) -> None:
    with pytest.raises(RuntimeError), app.session_factory.begin() as session:
        late_begin.defer(session)
        session.execute(
            insert(ProcessedEvent).values(
                platform="console", event_id="e1", processed_at=datetime(2026, 1, 1, tzinfo=UTC)
            ),
            execution_options={late_begin.LAST: True},
        )
        session.execute(text("DELETE FROM processed_event WHERE event_id = 'none'"))
    with app.session_factory.begin() as session:
        late_begin.defer(session)
        session.execute(
            insert(ProcessedEvent).values(
                platform="console", event_id="e2", processed_at=datetime(2026, 1, 1, tzinfo=UTC)
            )
        )
        session.rollback()
    with app.session_factory() as session:
        ids = session.scalars(select(ProcessedEvent.event_id)).all()
    assert ids == ["e1"]  # the last statement stands alone; the rolled-back write is gone


def test_the_speakers_changed_columns_go_with_the_replies(
    chat: Chat, app: App, clock: FakeClock, writes: list[tuple[str, bool]]
) -> None:
    chat.say("anna: /start ARNHEM")
    for line in ONBOARDING:
        assert chat.say(f"anna: {line}"), line
    clock.advance(days=2)  # "last seen" is written once a day (community/services/people.py)
    writes.clear()
    assert chat.say("anna: /help")
    # One statement: the person's UPDATE rides with the replies' INSERT, without BEGIN.
    assert writes == [("WITH", False)], writes
    with app.session_factory() as session:
        seen = session.scalars(select(Person.last_seen_at).where(Person.platform_user_id == "anna"))
        assert seen.one() == clock.now()


def test_a_server_with_a_stricter_isolation_keeps_the_ordinary_transaction(
    database_url: str,
) -> None:
    setup = sqlalchemy.create_engine(database_url)
    with setup.begin() as connection:
        name = connection.scalar(text("SELECT current_database()"))
        stricter = "SET default_transaction_isolation = 'repeatable read'"
        connection.execute(text(f'ALTER DATABASE "{name}" {stricter}'))
    setup.dispose()
    # An engine of its own (not the tests' shared dialect): it reads the isolation as it
    # first connects.
    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.connect():
            assert engine.dialect.default_isolation_level == "REPEATABLE READ"
        with Session(engine) as session, session.begin():
            late_begin.defer(session)
            session.execute(select(ProcessedEvent.event_id))
            status = session.connection().connection.dbapi_connection.pgconn.transaction_status
            assert status != 0  # a BEGIN before the read: REPEATABLE READ's one snapshot
    finally:
        engine.dispose()
