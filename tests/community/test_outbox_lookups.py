"""Lookups of outbox rows by person and by platform message id stay index lookups once the
database has statistics, also when most rows name no person and have no platform id (room
posts, rows not sent yet): SQLite's ANALYZE counts those NULLs as one value."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, select, text

from bot.app import App
from community.actions import Target
from community.clock import FakeClock
from community.models import OutboxMessage, OutboxStatus, Person
from community.services import mydata, open_questions
from tests.support.chat import Chat

ROWS_FOR_NOBODY = 3000


def _plans(app: App, run: Any) -> list[tuple[str, str]]:
    """Each statement `run` sends that reads outbox_message, with the database's plan for it."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
        if "outbox_message" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(app.db_engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(app.db_engine, "before_cursor_execute", record)
    explain = "EXPLAIN QUERY PLAN " if app.db_engine.dialect.name == "sqlite" else "EXPLAIN "
    plans = []
    raw = app.db_engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, params in seen:
            cursor.execute(explain + statement, params)
            plans.append((statement, "\n".join(str(row[-1]) for row in cursor.fetchall())))
    finally:
        raw.close()
    return plans


def _full_scans(plans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    scans = ("SCAN outbox_message", "Seq Scan on outbox_message")
    return [(s, plan) for s, plan in plans if any(scan in plan for scan in scans)]


def test_lookups_by_person_and_platform_id_use_an_index_with_statistics(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    # Statistics taken while every row named nobody (a bot that posted in rooms first): a
    # plain index of the column then looks like it holds one value, in every row.
    old = {"platform": "console", "kind": "send", "payload": {"text": "for a room"}}
    old |= {"status": OutboxStatus.SENT, "attempts": 0, "available_at": clock.now()}
    with app.session_factory.begin() as session:
        session.execute(
            insert(OutboxMessage),
            [{**old, "chat_id": f"room{n % 50}", "created_at": clock.now()}
             for n in range(ROWS_FOR_NOBODY)],
        )  # fmt: skip
        session.execute(text("ANALYZE"))
    chat.onboard("anna")
    with app.session_factory() as session:
        anna = session.scalars(select(Person).where(Person.platform_user_id == "anna")).one()
        remote = session.scalars(
            select(OutboxMessage.remote_id).where(OutboxMessage.remote_id.is_not(None))
        ).first()
        assert remote is not None
        plans = _plans(app, lambda: mydata.collect(session, anna, clock))
        plans += _plans(
            app,
            lambda: open_questions.row_id(session, "console", "anna", Target(remote_id=remote)),
        )
    assert len(plans) >= 2
    assert _full_scans(plans) == []
