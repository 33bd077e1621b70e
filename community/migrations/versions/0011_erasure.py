"""erasure: the people an outbox row quotes (erased with them), rows forgotten once sent

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("forget_when_sent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column("forget_when_sent", server_default=None)
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
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("forget_when_sent")
