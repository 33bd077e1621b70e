"""The "sent" marks from the event loop (PostgreSQL): a reply is marked by them, and whatever
they cannot do (SQLite, a lost connection, a mark already under way, a row with an after-sent
hook) is marked the ordinary way: never skipped, never twice."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, text

from bot.app import App
from bot.console import parse_line
from community.actions import SendMessage
from community.clock import FakeClock
from community.models import OutboxMessage, OutboxStatus
from community.services import outbox
from community.services.async_marks import AsyncMarks
from community.services.outbox import Outgoing
from tests.support.transport import RecordingTransport


def _rows(app: App) -> list[tuple[OutboxStatus, str | None, str | None]]:
    with app.session_factory() as session:
        return [
            (row.status, row.remote_id, row.claimed_by)
            for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def _say(app: App, line: str) -> int:
    incoming = parse_line(line)
    assert incoming is not None
    return asyncio.run(app.process(incoming))


def test_replies_are_marked_from_the_event_loop_on_postgresql_only(app: App) -> None:
    marks = app.dispatcher.marks
    if app.db_engine.dialect.name == "sqlite":
        assert not isinstance(marks, AsyncMarks)
        return
    assert isinstance(marks, AsyncMarks)
    assert _say(app, "anna: /start ARNHEM") == 1
    assert _say(app, "bert: /start ARNHEM") == 1
    assert marks.statements == 2
    assert [(status, claimed) for status, _, claimed in _rows(app)] == [
        (OutboxStatus.SENT, None),
        (OutboxStatus.SENT, None),
    ]
    assert all(remote and remote.startswith("remote-") for _, remote, _ in _rows(app))


def test_the_marks_connection_does_not_wait_for_the_disk_and_the_apps_does(app: App) -> None:
    marks = app.dispatcher.marks
    if not isinstance(marks, AsyncMarks):
        return  # SQLite: tests/community/test_sqlite_marks.py

    async def setting() -> str:
        connection = await marks._connect()
        cursor = await connection.execute("SHOW synchronous_commit")
        row = await cursor.fetchone()
        marks.discard()
        return str(row[0])

    assert asyncio.run(setting()) == "off"
    with app.db_engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"


def test_a_lost_connection_falls_back_and_the_next_mark_reconnects(app: App) -> None:
    marks = app.dispatcher.marks
    if not isinstance(marks, AsyncMarks):
        return  # SQLite: nothing to lose

    async def run() -> None:
        for line in ("anna: /start ARNHEM", "bert: /start ARNHEM"):
            incoming = parse_line(line)
            assert incoming is not None
            await app.process(incoming)
        # The server ends the marks' connection (a restart, a failover).
        with app.db_engine.connect() as connection:
            pid = await marks._connection.execute("select pg_backend_pid()")
            (backend,) = await pid.fetchone()
            connection.execute(text("select pg_terminate_backend(:p)"), {"p": backend})
        incoming = parse_line("cees: /start ARNHEM")
        assert incoming is not None
        assert await app.process(incoming) == 1  # marked the ordinary way
        incoming = parse_line("dirk: /start ARNHEM")
        assert incoming is not None
        assert await app.process(incoming) == 1  # a fresh connection again

    asyncio.run(run())
    assert marks.statements == 3  # anna, bert, dirk; cees went by thread
    assert {status for status, _, _ in _rows(app)} == {OutboxStatus.SENT}


def test_marks_at_the_same_moment_and_hooked_rows_take_the_ordinary_road(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    marks = app.dispatcher.marks
    if not isinstance(marks, AsyncMarks):
        return
    token = outbox.new_token()
    with app.session_factory.begin() as session:
        claimed = outbox.enqueue(
            session,
            [Outgoing("console", f"chat{n}", SendMessage(f"m{n}")) for n in range(3)],
            clock,
            claim_for=token,
        )
    assert len(claimed) == 3

    async def run() -> list[int]:
        # Three deliveries at once: one mark goes from the loop, the others wait for nothing.
        return list(await asyncio.gather(*(app.dispatcher.deliver([c]) for c in claimed)))

    assert asyncio.run(run()) == [1, 1, 1]
    assert 1 <= marks.statements < 3
    assert [status for status, _, _ in _rows(app)] == [OutboxStatus.SENT] * 3
    # A row whose kind has an after-sent hook is never marked from the loop.
    hooked = outbox.Claimed(claimed[0].id, "console", "chat0", "create_room", {}, None, token)
    before = marks.statements
    assert asyncio.run(marks.mark([(hooked, "room-1")], clock)) is False
    assert marks.statements == before
    assert len(transport.sent) == 3
