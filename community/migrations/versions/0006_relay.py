"""relay: the map from a group message to its relayed copies

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "relayed_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=255), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("copy_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["copy_id"],
            ["outbox_message.id"],
            name=op.f("fk_relayed_message_copy_id_outbox_message"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_relayed_message_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relayed_message")),
    )
    op.create_index(
        "ix_relayed_message_source",
        "relayed_message",
        ["platform", "chat_id", "message_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_relayed_message_copy_id"), "relayed_message", ["copy_id"], unique=False
    )
    op.create_index(
        op.f("ix_relayed_message_person_id"), "relayed_message", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_relayed_message_person_id"), table_name="relayed_message")
    op.drop_index(op.f("ix_relayed_message_copy_id"), table_name="relayed_message")
    op.drop_index("ix_relayed_message_source", table_name="relayed_message")
    op.drop_table("relayed_message")
