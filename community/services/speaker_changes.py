"""The speaker's changed answers, written with the replies' INSERT instead of by the ORM's flush.

Most events that change something change a few columns of the speaker's own rows (a profile's
answers, a person's language). The ORM would write them with an UPDATE of their own at the next
query (its autoflush), which on PostgreSQL also opens the transaction a round trip earlier
(community/late_begin.py). `take` turns them into UPDATEs that the outbox runs with the replies'
INSERT, in the same statement on PostgreSQL (community/services/outbox/one_statement.py), like
the dialogue state (community/services/dialogue_state.py): the event is then one statement.

Only plain changes are taken: column values of the speaker's person and profile, with nothing
new or deleted in the session. Anything else is left to the flush, as before. Between `take`
and the INSERT the outbox reads nothing of the speaker from the database (the speaker's voice
setting comes from the session: community/services/voice.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, inspect, update
from sqlalchemy.orm import ColumnProperty, Mapper, Session
from sqlalchemy.orm.attributes import set_committed_value

from community.models import ParentProfile, Person
from community.services.outbox.rows import Along

_STATEMENTS: dict[tuple[Mapper[Any], tuple[str, ...], int], Any] = {}


def take(session: Session, speaker: int | None) -> list[Along]:
    """UPDATEs (and their parameters) for the changed columns of the speaker's person and
    profile; the session then holds those changes as written."""
    if speaker is None or session.new or session.deleted:
        return []
    taken: list[Along] = []
    for obj in list(session.dirty):
        if not _speakers(obj, speaker):
            continue
        changed = _changed_columns(obj)
        if not changed:
            continue
        state = inspect(obj)
        statement = _statement(state.mapper, tuple(sorted(changed)), len(taken))
        n = len(taken)
        params = {f"w{n}_{column}": getattr(obj, key) for column, key in changed.items()}
        params |= {f"w{n}_key": state.identity[0]}  # type: ignore[index]
        taken.append((statement, params))
        for key in changed.values():
            set_committed_value(obj, key, getattr(obj, key))
    return taken


def _speakers(obj: object, speaker: int) -> bool:
    if isinstance(obj, Person):
        return obj.id == speaker
    return isinstance(obj, ParentProfile) and obj.person_id == speaker


def _changed_columns(obj: object) -> dict[str, str] | None:
    """Changed column name -> attribute key; None when a change is not a plain column value
    (a relationship, a key): the flush writes such an object."""
    state = inspect(obj)
    changed: dict[str, str] = {}
    for attr in state.attrs:
        if not attr.history.has_changes():
            continue
        prop = state.mapper.get_property(attr.key)
        if not isinstance(prop, ColumnProperty) or len(prop.columns) != 1:
            return None
        column = prop.columns[0]
        if column.primary_key or column.onupdate is not None:
            return None
        changed[str(column.name)] = attr.key
    return changed


def _statement(mapper: Mapper[Any], columns: tuple[str, ...], n: int) -> Any:
    """UPDATE of `columns` of one row by its key; built once per shape, so that it is compiled
    once (and the outbox's combined statement too)."""
    key = (mapper, columns, n)
    statement = _STATEMENTS.get(key)
    if statement is None:
        table: Table = mapper.local_table  # type: ignore[assignment]
        (primary,) = table.primary_key.columns
        statement = _STATEMENTS[key] = (
            update(table)
            .where(primary == bindparam(f"w{n}_key", type_=primary.type))
            .values({c: bindparam(f"w{n}_{c}", type_=table.c[c].type) for c in columns})
        )
    return statement
