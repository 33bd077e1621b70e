"""The outbox's tables: the queued actions, the processes that claim them, the people a row
quotes, and the idempotency keys that outlive the rows (community/services/outbox/)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from community.models.base import Base, index_of_present, stored_enum


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


# Partial indexes hold only the open rows, so that the sender's idle poll stays cheap however
# many sent rows are kept. Queries repeat this exact predicate so both databases use them.
OPEN_ROWS = text("status IN ('pending', 'sending')")


class OutboxMessage(Base):
    """One action for one chat (a message, an edit, a pin, an admission...), queued in the same
    transaction as the change that caused it and marked sent only after the platform confirms."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_open", "id", sqlite_where=OPEN_ROWS, postgresql_where=OPEN_ROWS),
        Index(
            "ix_outbox_message_open_chat",
            "platform",
            "chat_id",
            "id",
            sqlite_where=OPEN_ROWS,
            postgresql_where=OPEN_ROWS,
        ),
        # Most rows name no person (room posts), rows not sent have no platform id.
        index_of_present("outbox_message", "remote_id", name="ix_outbox_message_remote"),
        index_of_present("outbox_message", "person_id"),
        # Erasing someone also erases what was sent to their chat before they were stored.
        Index("ix_outbox_message_chat", "platform", "chat_id"),
        # An id is never given twice, also after the newest rows were deleted (an erasure, a
        # row forgotten once sent): Matrix takes it as the transaction id and would drop a
        # second message with the same one. (PostgreSQL's sequences never reuse an id.)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set for messages to a person, so that erasing the person erases what was queued for them.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20), default="send")
    payload: Mapped[dict[str, Any]]
    status: Mapped[OutboxStatus] = mapped_column(
        stored_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime]
    # The sender holding the row and until when; only that sender may mark it sent or failed.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    locked_until: Mapped[datetime | None]
    # The process holding the claim (a SenderProcess id): once it stops beating, the claim is
    # free for another process at once, whatever `locked_until` says.
    claim_owner: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    remote_id: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Deleted instead of marked sent (or dead): the reply to an erasure, a removal from a room
    # still to go for someone erased. Nothing of them is kept once it went.
    forget_when_sent: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]


class SenderProcess(Base):
    """A running process that can claim outbox rows: registered at start, beating every second
    (community/services/senders.py). No person's data: a host name and a process id."""

    __tablename__ = "sender_process"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]


class OutboxMention(Base):
    """A person an outbox row quotes while it is for someone else (a buddy's first name, a
    relayed buddy message, a contact swap, an answer in a digest). Erasing the person deletes
    the row, queued or sent, so that no message to another keeps their words."""

    __tablename__ = "outbox_mention"

    outbox_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class OutboxKey(Base):
    """Idempotency keys of queued actions ("prompt:12:parent:45"). Kept after the sent rows are
    pruned, so that a job that runs again never queues the same message twice."""

    __tablename__ = "outbox_key"
    __table_args__ = (index_of_present("outbox_key", "person_id"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
