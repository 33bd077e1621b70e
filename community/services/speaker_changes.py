"""The speaker's changed answers, written with the replies' INSERT instead of by the ORM's flush.

Most events that change something change a few columns of the speaker's own rows (a profile's
answers, a person's language). The ORM would write them with an UPDATE of their own at the next
query (its autoflush), which on PostgreSQL also opens the transaction a round trip earlier
(community/late_begin.py). `take` turns them into UPDATEs that the outbox runs with the replies'
INSERT, in the same statement on PostgreSQL (community/services/outbox/one_statement.py), like
the dialogue state (community/services/dialogue_state.py): the event is then one statement.

Only plain changes are taken: column values of the speaker's person and profile (a stored row
set in a many-to-one relationship is its key's value), with nothing new or deleted in the
session. Anything else is left to the flush, as before. Between `take`
and the INSERT the outbox reads nothing of the speaker from the database (the speaker's voice
setting comes from the session: community/services/voice.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, inspect, update
from sqlalchemy.orm import MANYTOONE, ColumnProperty, Mapper, RelationshipProperty, Session
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
        try:
            columns, attributes = _changes(obj)
        except _NotPlain:
            continue  # left to the flush
        if not columns:
            continue
        n = len(taken)
        state = inspect(obj)
        statement = _statement(state.mapper, tuple(sorted(columns)), n)
        params = {f"w{n}_{column}": value for column, value in columns.items()}
        params[f"w{n}_key"] = state.identity[0]  # type: ignore[index]
        taken.append((statement, params))
        for key, value in attributes.items():
            set_committed_value(obj, key, value)
        # Nothing of the row is left to write, so the session must not count it as changed:
        # else the next query's autoflush runs a flush that finds nothing to do (a tenth of
        # a millisecond). `_commit_all` is what the flush itself calls on a row it wrote.
        state._commit_all(state.dict, session.identity_map)
    return taken


def _speakers(obj: object, speaker: int) -> bool:
    if isinstance(obj, Person):
        return obj.id == speaker
    return isinstance(obj, ParentProfile) and obj.person_id == speaker


def _changes(obj: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changed columns' new values, and the attributes to hold as written. A stored row
    (or None) set in a many-to-one relationship changes its key column. Raises _NotPlain for
    any other change (a collection, a key, a row not stored yet)."""
    state = inspect(obj)
    columns: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for attr in state.attrs:
        if not attr.history.has_changes():
            continue
        prop = state.mapper.get_property(attr.key)
        if isinstance(prop, RelationshipProperty):
            column, value = _key_of(prop, attr.value)
            attributes[state.mapper.get_property_by_column(column).key] = value
        elif isinstance(prop, ColumnProperty) and len(prop.columns) == 1:
            column, value = prop.columns[0], attr.value
        else:
            raise _NotPlain
        name = str(column.name)
        if column.primary_key or column.onupdate is not None or columns.get(name, value) != value:
            raise _NotPlain
        columns[name] = value
        attributes[attr.key] = attr.value
    return columns, attributes


def _key_of(prop: RelationshipProperty[Any], value: object) -> tuple[Any, Any]:
    """The key column a many-to-one relationship sets and its value for `value` (a stored row
    or None). A relationship of another kind raises _NotPlain."""
    if prop.direction is not MANYTOONE or len(prop.local_remote_pairs) != 1:
        raise _NotPlain
    ((local, remote),) = prop.local_remote_pairs
    if value is None:
        return local, None
    target = inspect(value)
    if not target.persistent:
        raise _NotPlain
    return local, getattr(value, prop.mapper.get_property_by_column(remote).key)


class _NotPlain(Exception):
    """A change that only the flush writes."""


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
