"""buddy consent and left-over: each parent's yes to swapping contact details (only the moment,
never the details themselves), and the parents a round left without a buddy, with the reason

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("buddy_pair", schema=None) as batch_op:
        batch_op.add_column(sa.Column("a_share_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("b_share_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("match_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_over", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("match_round", schema=None) as batch_op:
        batch_op.drop_column("left_over")
    with op.batch_alter_table("buddy_pair", schema=None) as batch_op:
        batch_op.drop_column("b_share_at")
        batch_op.drop_column("a_share_at")
