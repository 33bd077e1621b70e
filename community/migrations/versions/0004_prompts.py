"""weekly prompts: prompts of a community, parents' answers and RSVPs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prompt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("age_bands", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("event_at", sa.DateTime(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("media", sa.JSON(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
            name=op.f("fk_prompt_author_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_prompt_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompt")),
        sa.UniqueConstraint("community_id", "key", name=op.f("uq_prompt_community_id")),
    )
    op.create_index(op.f("ix_prompt_due_at"), "prompt", ["due_at"], unique=False)
    op.create_table(
        "prompt_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("media", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("digested_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_prompt_answer_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"],
            ["prompt.id"],
            name=op.f("fk_prompt_answer_prompt_id_prompt"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompt_answer")),
    )
    op.create_index(
        op.f("ix_prompt_answer_person_id"), "prompt_answer", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_prompt_answer_prompt_id"), "prompt_answer", ["prompt_id"], unique=False
    )
    op.create_table(
        "rsvp",
        sa.Column("prompt_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("children", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_rsvp_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"],
            ["prompt.id"],
            name=op.f("fk_rsvp_prompt_id_prompt"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("prompt_id", "person_id", name=op.f("pk_rsvp")),
    )
    op.create_index(op.f("ix_rsvp_person_id"), "rsvp", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_rsvp_person_id"), table_name="rsvp")
    op.drop_table("rsvp")
    op.drop_index(op.f("ix_prompt_answer_prompt_id"), table_name="prompt_answer")
    op.drop_index(op.f("ix_prompt_answer_person_id"), table_name="prompt_answer")
    op.drop_table("prompt_answer")
    op.drop_index(op.f("ix_prompt_due_at"), table_name="prompt")
    op.drop_table("prompt")
