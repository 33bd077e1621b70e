"""prompts pause, audience and route map: a parent can ask for no tips and invitations for now;
a prompt can be for one neighbourhood; a room remembers its pinned route map to update it; a
coordinator's own days and times for the programme; when a parent shared an answer in the group;
a question's answer buttons

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("parent_profile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prompts_paused", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("parent_profile", schema=None) as batch_op:
        batch_op.alter_column("prompts_paused", server_default=None)
    with op.batch_alter_table("prompt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("options", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("neighbourhood_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_prompt_neighbourhood_id_neighbourhood"),
            "neighbourhood",
            ["neighbourhood_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.add_column(sa.Column("route_map_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("route_map_digest", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_room_route_map_id_outbox_message"),
            "outbox_message",
            ["route_map_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme_times", sa.JSON(), nullable=True))
    with op.batch_alter_table("prompt_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shared_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prompt_answer", schema=None) as batch_op:
        batch_op.drop_column("shared_at")
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.drop_column("programme_times")
    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_room_route_map_id_outbox_message"), type_="foreignkey"
        )
        batch_op.drop_column("route_map_digest")
        batch_op.drop_column("route_map_id")
    with op.batch_alter_table("prompt", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_prompt_neighbourhood_id_neighbourhood"), type_="foreignkey"
        )
        batch_op.drop_column("neighbourhood_id")
        batch_op.drop_column("options")
    with op.batch_alter_table("parent_profile", schema=None) as batch_op:
        batch_op.drop_column("prompts_paused")
