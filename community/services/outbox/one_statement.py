"""The engine's fast road for replies: a few rows queued already claimed in one INSERT.

Whether a row's chat has an open row is decided inside the INSERT itself, one round trip
instead of a SELECT and an INSERT. A row's EXISTS is one partial-index lookup, read once for
its four claim columns, so they always agree. Every value is a named parameter
(v<row>_<column>), never a column key, so that an UPDATE combined with the INSERT (`_with`)
cannot take one of them for a column of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, bindparam, case, insert, null, select, union_all
from sqlalchemy.orm import Session

from community.clock import Clock
from community.late_begin import LAST
from community.models import OutboxStatus
from community.services.outbox.rows import OPEN, TABLE, Along, ClaimFor, Outgoing, claim_until

MANY_LIMIT = 64  # an event speaks to a few chats; a bigger batch takes the general road

_T = TABLE
_COLUMNS: tuple[str, ...] = ("person_id", "platform", "chat_id", "kind", "payload", "attempts")
_COLUMNS += ("available_at", "forget_when_sent", "created_at")
_PENDING = bindparam("o_pending", OutboxStatus.PENDING, type_=_T.c.status.type)
_SENDING = bindparam("o_sending", OutboxStatus.SENDING, type_=_T.c.status.type)


def _row(n: int) -> Select[Any]:
    """The SELECT of row `n`'s values, its claim decided by one EXISTS (read once, in a
    subquery, for the four claim columns)."""
    values: dict[str, Any] = {c: bindparam(f"v{n}_{c}", type_=_T.c[c].type) for c in _COLUMNS}
    open_row = select(_T.c.id).where(
        OPEN, _T.c.platform == values["platform"], _T.c.chat_id == values["chat_id"]
    )
    busy = select(open_row.exists().label("busy")).subquery(f"b{n}").c.busy
    claim = {
        "status": case((busy, _PENDING), else_=_SENDING),
        "claimed_by": case((busy, null()), else_=bindparam("o_token", type_=String)),
        "claim_owner": case((busy, null()), else_=bindparam("o_owner", type_=String)),
        "locked_until": case(
            (busy, null()), else_=bindparam("o_until", type_=_T.c.locked_until.type)
        ),
    }
    return select(*(value.label(c) for c, value in (values | claim).items()))


_MANY: dict[int, Any] = {}


def _insert_many(count: int) -> Any:
    """INSERT of `count` rows in one statement (INSERT ... SELECT, one SELECT per row), each
    row's claim decided in it; built once per count, so it is compiled once too (a multi-row
    VALUES is never cached by SQLAlchemy: compiled each time). Kept short: psycopg parses
    again, on every run, a statement over 4,096 characters or 50 parameters."""
    statement = _MANY.get(count)
    if statement is not None:
        return statement
    rows = [_row(n) for n in range(count)]
    columns = [*_COLUMNS, "status", "claimed_by", "claim_owner", "locked_until"]
    select_rows = rows[0] if count == 1 else union_all(*rows)
    statement = insert(_T).from_select(columns, select_rows)
    statement = _MANY[count] = statement.returning(_T.c.id, _T.c.claimed_by)
    return statement


_WITH: dict[tuple[int, ...], Any] = {}


def _with(insert_statement: Any, along: Sequence[Along]) -> Any:
    """`insert_statement` with `along`'s UPDATEs as data-modifying WITHs (PostgreSQL runs them
    whether or not the INSERT reads them, in the same snapshot); built once per combination."""
    if not along:
        return insert_statement
    key = (id(insert_statement), *(id(update) for update, _ in along))
    combined = _WITH.get(key)
    if combined is None:
        ctes = [update.cte(f"along{n or ''}") for n, (update, _) in enumerate(along)]
        combined = _WITH[key] = insert_statement.add_cte(*ctes)
    return combined


def insert_claimed(
    session: Session,
    items: Sequence[Outgoing],
    payloads: list[dict[str, Any]],
    claim: ClaimFor,
    available_at: datetime,
    clock: Clock,
    along: Sequence[Along] = (),
    last: bool = False,
) -> list[tuple[int, str | None]]:
    """Queue `items` in one statement, each already claimed by `claim` unless its chat has an
    open row from before this statement (rows of one statement do not see each other).
    Returns each row's id and who holds it (None: an older row of its chat is still open),
    in the order of `items`. `last`: nothing is written after this statement in the caller's
    transaction (community/late_begin.py)."""
    if along and session.get_bind().dialect.name != "postgresql":
        for update in along:  # SQLite runs no UPDATE inside an INSERT (its round trip is free)
            session.execute(*update)
        along = ()
    now, until = clock.now(), claim_until(clock)
    token, owner = claim
    params: dict[str, Any] = {"o_token": token, "o_owner": owner, "o_until": until}
    for n, (item, payload) in enumerate(zip(items, payloads, strict=True)):
        row = {
            "person_id": item.person_id,
            "platform": item.platform,
            "chat_id": item.chat_id,
            "kind": item.action.kind,
            "payload": payload,
            "attempts": 0,
            "available_at": available_at,
            "forget_when_sent": item.forget_when_sent,
            "created_at": now,
        }
        params.update({f"v{n}_{key}": value for key, value in row.items()})
    for _, values in along:
        params.update(values)
    # One statement (not executemany): every row's EXISTS reads the table as it was before this
    # statement, so a chat's later rows here do not wait for its first one. Ids follow the
    # order of the rows (the outbox's order relies on it everywhere).
    statement = _with(_insert_many(len(items)), along)
    options = {LAST: True} if last else {}
    if last:
        # A Core INSERT does not flush the ORM's changes first (an ORM query would): whatever
        # the caller changed is written now, so that nothing is left to write after it.
        session.flush()
    rows = session.execute(statement, params, execution_options=options).all()
    return [(row_id, by) for row_id, by in sorted(rows)]
