"""buddies: buddy profiles (shared first name, pause), match rounds and buddy pairs (proposals,
approvals, introductions, follow-ups, endings); erasing a parent erases their pairs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 20:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "buddy_profile",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=40), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_buddy_profile_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_buddy_profile")),
    )
    op.create_table(
        "match_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_match_round_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["person.id"],
            name=op.f("fk_match_round_started_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_round")),
    )
    with op.batch_alter_table("match_round", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_round_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "buddy_pair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "approved",
                "rejected",
                "skipped",
                "ended",
                name="pair_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("introduced_at", sa.DateTime(), nullable=True),
        sa.Column("follow_up_at", sa.DateTime(), nullable=True),
        sa.Column("a_answer", sa.String(length=20), nullable=True),
        sa.Column("b_answer", sa.String(length=20), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["a_id"], ["person.id"], name=op.f("fk_buddy_pair_a_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["b_id"], ["person.id"], name=op.f("fk_buddy_pair_b_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["match_round.id"],
            name=op.f("fk_buddy_pair_round_id_match_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_pair")),
    )
    with op.batch_alter_table("buddy_pair", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buddy_pair_a_id"), ["a_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_buddy_pair_b_id"), ["b_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_buddy_pair_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("buddy_pair", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buddy_pair_round_id"))
        batch_op.drop_index(batch_op.f("ix_buddy_pair_b_id"))
        batch_op.drop_index(batch_op.f("ix_buddy_pair_a_id"))

    op.drop_table("buddy_pair")
    with op.batch_alter_table("match_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_round_community_id"))

    op.drop_table("match_round")
    op.drop_table("buddy_profile")
