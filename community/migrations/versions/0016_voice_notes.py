"""voice notes: a person can ask to hear every message too (/voice, or "I prefer listening"
at onboarding)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: no rebuild of the person table on SQLite, which
    # every other table points at. The server default fills the rows already there.
    op.add_column(
        "person",
        sa.Column("voice_notes", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # SQLite 3.35 and later drop a column in place, without the rebuild that batch mode does.
    op.execute("ALTER TABLE person DROP COLUMN voice_notes")
