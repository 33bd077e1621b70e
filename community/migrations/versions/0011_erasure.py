"""erasure: the people an outbox row quotes (erased with them), rows forgotten once sent, and
outbox ids never given twice on SQLite (AUTOINCREMENT)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


@contextmanager
def _outbox_rebuilt() -> Iterator[bool]:
    """SQLite makes the outbox table anew (with AUTOINCREMENT, so that an id is never given
    twice: Matrix uses it as the transaction id; PostgreSQL's sequence never reuses one).
    Dropping the old table deletes through the foreign keys (on in this transaction), so what
    points at its rows is kept aside and put back. Yields whether the table is rebuilt."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMP TABLE kept_relayed AS SELECT * FROM relayed_message")
        op.execute(
            "CREATE TEMP TABLE kept_route_maps AS SELECT id, route_map_id FROM room "
            "WHERE route_map_id IS NOT NULL"
        )
    yield sqlite
    if sqlite:
        op.execute("INSERT INTO relayed_message SELECT * FROM kept_relayed")
        op.execute(
            "UPDATE room SET route_map_id = (SELECT k.route_map_id FROM kept_route_maps k "
            "WHERE k.id = room.id) WHERE id IN (SELECT id FROM kept_route_maps)"
        )
        op.execute("DROP TABLE kept_relayed")
        op.execute("DROP TABLE kept_route_maps")


def upgrade() -> None:
    with (
        _outbox_rebuilt() as sqlite,
        op.batch_alter_table(
            "outbox_message",
            schema=None,
            recreate="always" if sqlite else "auto",
            table_kwargs={"sqlite_autoincrement": True},
        ) as batch_op,
    ):
        batch_op.add_column(
            sa.Column("forget_when_sent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "outbox_mention",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox_message.id"],
            name=op.f("fk_outbox_mention_outbox_id_outbox_message"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_outbox_mention_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("outbox_id", "person_id", name=op.f("pk_outbox_mention")),
    )
    op.create_index(
        op.f("ix_outbox_mention_person_id"), "outbox_mention", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_mention_person_id"), table_name="outbox_mention")
    op.drop_table("outbox_mention")
    with (
        _outbox_rebuilt(),
        op.batch_alter_table("outbox_message", schema=None) as batch_op,
    ):
        batch_op.drop_column("forget_when_sent")
