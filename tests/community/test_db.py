"""Schema from the migrations, checked against the models; the app refuses an outdated schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.app import build_app
from community import db
from community.models import Base
from config import Settings


@pytest.mark.empty_database
def test_migrations_match_the_models(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


@pytest.mark.empty_database
def test_the_migrations_make_partial_exactly_the_indexes_the_models_do(database_url: str) -> None:
    # (Alembic's comparison above does not look at an index's WHERE.)
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    dialect = engine.dialect.name
    query = (
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
        if dialect == "sqlite"
        else "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    )
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for index in table.indexes:
                partial = index.dialect_options[dialect].get("where") is not None
                made = connection.scalar(text(query), {"name": index.name})
                assert made is not None, index.name
                assert (" WHERE " in made.upper()) == partial, (index.name, made)
    engine.dispose()


@pytest.mark.empty_database
def test_app_refuses_an_empty_or_outdated_schema(settings: Settings) -> None:
    with pytest.raises(db.SchemaOutdated, match="Run: ouderkring db upgrade"):
        build_app(settings)
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    db.check_schema(engine)  # now it is fine
    engine.dispose()


def test_the_head_read_from_the_scripts_is_alembics(database_url: str) -> None:
    assert db.head_revision() == ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    engine = db.make_engine(database_url)  # a copy of the migrated template
    with engine.connect() as connection:
        stamped = MigrationContext.configure(connection).get_current_revision()
    assert db.current_revision(engine) == stamped == db.head_revision()
    engine.dispose()


@pytest.mark.empty_database
def test_an_empty_database_has_no_revision(database_url: str) -> None:
    engine = db.make_engine(database_url)
    assert db.current_revision(engine) is None
    engine.dispose()


def test_sql_parameters_never_show_in_errors(database_url: str) -> None:
    engine = db.make_engine(database_url)
    with pytest.raises(DBAPIError) as caught, engine.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table WHERE x = :x"), {"x": "anna-secret"})
    engine.dispose()
    assert "anna-secret" not in str(caught.value)
    assert "hidden" in str(caught.value)


def test_row_values_never_show_in_errors(database_url: str) -> None:
    """PostgreSQL repeats the failing row in its DETAIL line; that line is dropped."""
    engine = db.make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (u VARCHAR(20) UNIQUE, n INTEGER CHECK (n > 0))"))
        connection.execute(text("INSERT INTO t VALUES ('zwaantje7', 1)"))
    for values in ({"u": "zwaantje7", "n": 2}, {"u": "merel3", "n": -5}):
        with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (:u, :n)"), values)
        shown = str(caught.value) + str(caught.value.orig)
        assert "zwaantje7" not in shown and "merel3" not in shown and "-5" not in shown
        assert "violates" in shown or "constraint failed" in shown.lower()  # the reason stays
    engine.dispose()
