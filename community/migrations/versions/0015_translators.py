"""community translators: who translates into which language, the prompts they were asked to
translate, and the translations

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The role column is a plain string (no native enum): "translator" needs no change there.
    op.create_table(
        "translator",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"],
            name=op.f("fk_translator_community_id_community"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"],
            name=op.f("fk_translator_person_id_person"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_translator")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_translator_community_id"), "translator", ["community_id"], unique=False
    )
    op.create_table(
        "translation_request",
        sa.Column("prompt_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"],
            name=op.f("fk_translation_request_person_id_person"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"], ["prompt.id"],
            name=op.f("fk_translation_request_prompt_id_prompt"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("prompt_id", "person_id", name=op.f("pk_translation_request")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_translation_request_person_id"),
        "translation_request",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "prompt_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("translator_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prompt_id"], ["prompt.id"],
            name=op.f("fk_prompt_translation_prompt_id_prompt"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["translator_id"], ["person.id"],
            name=op.f("fk_prompt_translation_translator_id_person"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompt_translation")),
        sa.UniqueConstraint("prompt_id", "locale", name=op.f("uq_prompt_translation_prompt_id")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_prompt_translation_translator_id"),
        "prompt_translation",
        ["translator_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_prompt_translation_translator_id"), table_name="prompt_translation")
    op.drop_table("prompt_translation")
    op.drop_index(op.f("ix_translation_request_person_id"), table_name="translation_request")
    op.drop_table("translation_request")
    op.drop_index(op.f("ix_translator_community_id"), table_name="translator")
    op.drop_table("translator")
