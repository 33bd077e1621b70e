"""buddy rounds at city scale: a community's matching limits (from its file) and whether a
proposed pair came from the second pass under wider limits

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buddy_matching", sa.JSON(), nullable=True))
    with op.batch_alter_table("buddy_pair", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("second_pass", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("buddy_pair", schema=None) as batch_op:
        batch_op.alter_column("second_pass", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("buddy_pair", schema=None) as batch_op:
        batch_op.drop_column("second_pass")
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.drop_column("buddy_matching")
