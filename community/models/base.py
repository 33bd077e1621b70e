"""The declarative base of every model: its naming convention for constraints, timezone-aware
UTC datetimes on every database, and enums stored as plain strings."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, Index, MetaData, TypeDecorator, text
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite stores no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


def stored_enum(kind: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings (no native enum type), so adding a value needs no ALTER TYPE.
    return Enum(
        kind,
        name=name,
        native_enum=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


def index_of_present(table: str, column: str, name: str | None = None) -> Index:
    """An index of the rows whose `column` has a value, for a column most rows may leave empty
    (a person an outbox row is not for, a platform id not known yet). A lookup by a value
    always uses it; and statistics that count the empty rows as one value (SQLite's ANALYZE,
    `PRAGMA optimize`) would otherwise plan that lookup as a scan of the whole table."""
    present = text(f"{column} IS NOT NULL")
    name = name or f"ix_{table}_{column}"
    return Index(name, column, sqlite_where=present, postgresql_where=present)
