"""claim owners: every outbox claim names the process holding it, and each process beats, so
that a process that died leaves no claim behind for long

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sender_process",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sender_process")),
    )
    # A plain ADD COLUMN on both databases (no table rebuild on SQLite: the outbox keeps its
    # AUTOINCREMENT and the rows that point at it).
    op.add_column("outbox_message", sa.Column("claim_owner", sa.String(length=32), nullable=True))


def downgrade() -> None:
    # SQLite 3.35 and later drop a column in place, without the rebuild that batch mode does.
    op.execute("ALTER TABLE outbox_message DROP COLUMN claim_owner")
    op.drop_table("sender_process")
