"""code tries: wrong one-time codes, kept for a minute to slow down guessing (keyed by a hash of
the platform user, also before they joined)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "code_try",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("who", sa.String(length=64), nullable=False),
        sa.Column("tried_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_try")),
    )
    with op.batch_alter_table("code_try", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_code_try_who"), ["who"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("code_try", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_code_try_who"))
    op.drop_table("code_try")
