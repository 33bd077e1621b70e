"""The migrations form one line: several branches adding migrations at once must be merged."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from community import db


def test_migrations_have_a_single_head() -> None:
    heads = ScriptDirectory.from_config(db.alembic_config()).get_heads()
    assert len(heads) == 1, (
        f"several migration heads {heads}: give the newer migration the other as down_revision "
        "(or run `alembic merge`)"
    )


def test_every_migration_file_is_named_after_its_revision() -> None:
    script = ScriptDirectory.from_config(db.alembic_config())
    for revision in script.walk_revisions():
        assert revision.path is not None
        name = revision.path.rsplit("/", 1)[-1]
        assert name.startswith(f"{revision.revision}_"), name
