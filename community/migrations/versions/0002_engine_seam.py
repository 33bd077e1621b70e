"""engine seam: typed outbox actions, claim owners, open-row indexes, idempotency keys that
outlive pruning, platform state, dialogue state per platform user (with button tokens),
unreachable people, room purpose and relay

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_ROWS = sa.text("status IN ('pending', 'sending')")


def upgrade() -> None:
    op.create_table(
        "outbox_key",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_outbox_key_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_outbox_key")),
    )
    op.create_index(op.f("ix_outbox_key_person_id"), "outbox_key", ["person_id"], unique=False)
    op.execute(
        "INSERT INTO outbox_key (key, person_id, created_at) "
        "SELECT idempotency_key, person_id, created_at FROM outbox_message "
        "WHERE idempotency_key IS NOT NULL"
    )
    op.create_table(
        "platform_state",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "key", name=op.f("pk_platform_state")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="send")
        )
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=32), nullable=True))
        batch_op.drop_constraint("uq_outbox_message_idempotency_key", type_="unique")
        batch_op.drop_column("idempotency_key")
        batch_op.drop_index("ix_outbox_message_chat")
        batch_op.create_index("ix_outbox_message_chat", ["platform", "chat_id"], unique=False)
        batch_op.create_index(
            "ix_outbox_message_open",
            ["id"],
            unique=False,
            sqlite_where=OPEN_ROWS,
            postgresql_where=OPEN_ROWS,
        )
        batch_op.create_index(
            "ix_outbox_message_open_chat",
            ["platform", "chat_id", "id"],
            unique=False,
            sqlite_where=OPEN_ROWS,
            postgresql_where=OPEN_ROWS,
        )
        batch_op.create_index("ix_outbox_message_remote", ["remote_id"], unique=False)
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column("kind", server_default=None)
    op.create_table(
        "dialogue_state",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("chat_id", sa.String(length=255), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("flow", sa.String(length=40), nullable=True),
        sa.Column("step", sa.String(length=40), nullable=True),
        sa.Column("token", sa.String(length=12), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_dialogue_state_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("platform", "user_id", name=op.f("pk_dialogue_state")),
    )
    op.create_index(
        op.f("ix_dialogue_state_person_id"), "dialogue_state", ["person_id"], unique=False
    )
    op.execute(
        "INSERT INTO dialogue_state "
        "(platform, user_id, chat_id, person_id, locale, flow, step, token, data, updated_at) "
        "SELECT p.platform, p.platform_user_id, p.private_chat_id, p.id, p.locale, c.flow, "
        "c.step, '', c.data, "
        "c.updated_at FROM conversation c JOIN person p ON p.id = c.person_id"
    )
    op.drop_table("conversation")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unreachable_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("relay", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.alter_column("relay", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.drop_column("relay")
        batch_op.drop_column("purpose")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("unreachable_at")
    op.create_table(
        "conversation",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(length=40), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_conversation_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_conversation")),
    )
    op.execute(
        "INSERT INTO conversation (person_id, flow, step, data, updated_at) "
        "SELECT person_id, flow, step, data, updated_at FROM dialogue_state "
        "WHERE person_id IS NOT NULL AND flow IS NOT NULL AND step IS NOT NULL"
    )
    op.drop_index(op.f("ix_dialogue_state_person_id"), table_name="dialogue_state")
    op.drop_table("dialogue_state")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_remote")
        batch_op.drop_index("ix_outbox_message_chat")
        batch_op.drop_index("ix_outbox_message_open_chat")
        batch_op.drop_index("ix_outbox_message_open")
        batch_op.create_index(
            "ix_outbox_message_chat", ["platform", "chat_id", "status"], unique=False
        )
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint("uq_outbox_message_idempotency_key", ["idempotency_key"])
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("kind")
    op.drop_table("platform_state")
    op.drop_index(op.f("ix_outbox_key_person_id"), table_name="outbox_key")
    op.drop_table("outbox_key")
