"""lookups by a column most rows leave empty: indexes of the rows that have a value

Most outbox rows name no person (room posts, room actions) and rows not sent yet have no
platform id; a machine's translation has no translator, a report on someone not stored no
member. SQLite's ANALYZE (and `PRAGMA optimize`) counts the empty rows as one value, so with its
statistics a lookup by person looked like a scan of the table and was planned as one: /mydata
and /profile took 35 ms with 200,000 outbox rows kept, 150 ms with a million. An index of only
the rows with a value keeps the statistics true (community/models/base.py, `index_of_present`);
on PostgreSQL it is smaller too.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, column)
_INDEXES = (
    ("ix_outbox_message_person_id", "outbox_message", "person_id"),
    ("ix_outbox_message_remote", "outbox_message", "remote_id"),
    ("ix_outbox_key_person_id", "outbox_key", "person_id"),
    ("ix_dialogue_state_person_id", "dialogue_state", "person_id"),
    ("ix_prompt_translation_translator_id", "prompt_translation", "translator_id"),
    ("ix_relayed_message_person_id", "relayed_message", "person_id"),
    ("ix_moderation_report_member_id", "moderation_report", "member_id"),
    ("ix_moderation_report_reporter_id", "moderation_report", "reporter_id"),
)


def upgrade() -> None:
    for name, table, column in _INDEXES:
        op.drop_index(name, table_name=table)
        present = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, table, [column], sqlite_where=present, postgresql_where=present)


def downgrade() -> None:
    for name, table, column in _INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column])
