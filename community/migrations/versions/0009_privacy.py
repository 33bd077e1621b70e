"""privacy: when a person last wrote and when they were told that inactivity erases them

Existing people count as seen at the upgrade, so that nobody is erased for the silence before
the bot kept this.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("inactivity_warned_at", sa.DateTime(), nullable=True))
    now = datetime.now(UTC).replace(tzinfo=None)  # stored as naive UTC, as UTCDateTime does
    op.execute(
        sa.text("UPDATE person SET last_seen_at = :now").bindparams(
            sa.bindparam("now", now, type_=sa.DateTime())
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("inactivity_warned_at")
        batch_op.drop_column("last_seen_at")
