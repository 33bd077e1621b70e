"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 04:58:48.861734
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "community",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("invite_code", sa.String(length=32), nullable=False),
        sa.Column("default_locale", sa.String(length=10), nullable=False),
        sa.Column("home_languages", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community")),
        sa.UniqueConstraint("invite_code", name=op.f("uq_community_invite_code")),
        sa.UniqueConstraint("slug", name=op.f("uq_community_slug")),
    )
    op.create_table(
        "processed_event",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "event_id", name=op.f("pk_processed_event")),
    )
    op.create_table(
        "neighbourhood",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("postcode_areas", sa.JSON(), nullable=False),
        sa.Column("centre_lat", sa.Double(), nullable=False),
        sa.Column("centre_lon", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_neighbourhood_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbourhood")),
        sa.UniqueConstraint("community_id", "name", name=op.f("uq_neighbourhood_community_id")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("platform_user_id", sa.String(length=255), nullable=False),
        sa.Column("private_chat_id", sa.String(length=255), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "guest",
                "parent",
                "professional",
                "coordinator",
                "admin",
                name="role",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_person_community_id_community"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("platform", "platform_user_id", name=op.f("uq_person_platform")),
    )
    op.create_table(
        "room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_room_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room")),
        sa.UniqueConstraint("platform", "chat_id", name=op.f("uq_room_platform")),
    )
    op.create_table(
        "conversation",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(length=40), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_conversation_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_conversation")),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=255), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "dead",
                name="outbox_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("remote_id", sa.String(length=255), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_outbox_message_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_message_idempotency_key")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_message_chat", ["platform", "chat_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_message_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "parent_profile",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("postcode_area", sa.String(length=4), nullable=True),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("home_languages", sa.JSON(), nullable=False),
        sa.Column("age_bands", sa.JSON(), nullable=False),
        sa.Column("buddy_opt_in", sa.Boolean(), nullable=True),
        sa.Column("consent_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhood.id"],
            name=op.f("fk_parent_profile_neighbourhood_id_neighbourhood"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_parent_profile_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_parent_profile")),
    )
    op.create_table(
        "role_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "guest",
                "parent",
                "professional",
                "coordinator",
                "admin",
                name="role",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_role_code_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_role_code_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["used_by_id"],
            ["person.id"],
            name=op.f("fk_role_code_used_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_role_code_code_hash")),
    )


def downgrade() -> None:
    op.drop_table("role_code")
    op.drop_table("parent_profile")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_person_id"))
        batch_op.drop_index("ix_outbox_message_chat")

    op.drop_table("outbox_message")
    op.drop_table("conversation")
    op.drop_table("room")
    op.drop_table("person")
    op.drop_table("neighbourhood")
    op.drop_table("processed_event")
    op.drop_table("community")
