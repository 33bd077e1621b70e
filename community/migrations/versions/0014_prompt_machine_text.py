"""machine translation: a prompt's machine-drafted text per language, made once and kept

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prompt_machine_text",
        sa.Column("prompt_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("source_locale", sa.String(length=10), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prompt_id"],
            ["prompt.id"],
            name=op.f("fk_prompt_machine_text_prompt_id_prompt"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("prompt_id", "locale", name=op.f("pk_prompt_machine_text")),
    )


def downgrade() -> None:
    op.drop_table("prompt_machine_text")
