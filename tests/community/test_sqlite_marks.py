"""The "sent" marks on SQLite: committed on a connection of their own that does not wait for
the disk (the next ordinary commit syncs them); rows they cannot mark go the ordinary way."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.app import App
from bot.console import parse_line
from community.clock import FakeClock
from community.models import OutboxMessage, OutboxStatus
from community.services import outbox
from community.services.outbox.sqlite_marks import SqliteMarks


def _say(app: App, line: str) -> int:
    incoming = parse_line(line)
    assert incoming is not None
    return asyncio.run(app.process(incoming))


def test_replies_are_marked_on_a_connection_that_does_not_sync(app: App) -> None:
    marks = app.dispatcher.marks
    if app.db_engine.dialect.name != "sqlite":
        assert not isinstance(marks, SqliteMarks)
        return
    if not isinstance(marks, SqliteMarks):
        return  # an in-memory database lives in one engine: the ordinary road
    with marks.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    with app.db_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    assert _say(app, "anna: /start ARNHEM") == 1
    assert _say(app, "bert: /start ARNHEM") == 1
    assert marks.commits == 2
    with app.session_factory() as session:
        rows = session.execute(select(OutboxMessage.status, OutboxMessage.claimed_by)).all()
    assert [tuple(row) for row in rows] == [(OutboxStatus.SENT, None)] * 2


def test_rows_with_an_after_sent_hook_take_the_ordinary_road(app: App, clock: FakeClock) -> None:
    marks = app.dispatcher.marks
    if not isinstance(marks, SqliteMarks):
        return
    hooked = outbox.Claimed(1, "console", "chat0", "create_room", {}, None, outbox.new_token())
    forgotten = outbox.Claimed(2, "console", "chat0", "send", {}, None, "t", True)
    assert asyncio.run(marks.mark([(hooked, "room-1")], clock)) is False
    assert asyncio.run(marks.mark([(forgotten, None)], clock)) is False
    assert marks.commits == 0
