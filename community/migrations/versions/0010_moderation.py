"""moderation: reports waiting for a coordinator, and when a newcomer joined a room

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "room_newcomer",
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_room_newcomer_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["room.id"], name=op.f("fk_room_newcomer_room_id_room"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("room_id", "person_id", name=op.f("pk_room_newcomer")),
    )
    op.create_index(
        op.f("ix_room_newcomer_person_id"), "room_newcomer", ["person_id"], unique=False
    )
    op.create_table(
        "moderation_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("member_platform", sa.String(length=20), nullable=True),
        sa.Column("member_user_id", sa.String(length=255), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("done", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_moderation_report_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["person.id"],
            name=op.f("fk_moderation_report_member_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["person.id"],
            name=op.f("fk_moderation_report_reporter_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["room.id"],
            name=op.f("fk_moderation_report_room_id_room"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_report")),
    )
    for column in ("community_id", "room_id", "member_id", "reporter_id", "created_at"):
        op.create_index(
            op.f(f"ix_moderation_report_{column}"), "moderation_report", [column], unique=False
        )


def downgrade() -> None:
    for column in ("community_id", "room_id", "member_id", "reporter_id", "created_at"):
        op.drop_index(op.f(f"ix_moderation_report_{column}"), table_name="moderation_report")
    op.drop_table("moderation_report")
    op.drop_index(op.f("ix_room_newcomer_person_id"), table_name="room_newcomer")
    op.drop_table("room_newcomer")
