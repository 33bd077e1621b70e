"""Group rooms: a community's rooms, the map of relayed copies of a message, who joined a room
lately, and the messages that wait for a coordinator's moderation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community.models.base import Base, index_of_present


class Room(Base):
    """A group chat of a community, where parents swap tips."""

    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(255))
    # What the room is for within its community ("tips", a neighbourhood's name, "space").
    purpose: Mapped[str | None] = mapped_column(String(120))
    # Whether messages here are relayed to the community's rooms on other platforms.
    relay: Mapped[bool] = mapped_column(default=False)
    # The route map pinned here this week (its outbox row) and a digest of its text, so that
    # the map is edited in place when the schedule changes.
    route_map_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    route_map_digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class RelayedMessage(Base):
    """A message in a group room and one relayed copy of it in another room of the same
    relay circle: an edit or a deletion of the message follows it to the copy. The copy is the
    outbox row that sent it (its platform id is known once sent); pruning that row forgets
    this too. Erasing the sender erases it."""

    __tablename__ = "relayed_message"
    __table_args__ = (
        Index("ix_relayed_message_source", "platform", "chat_id", "message_id"),
        index_of_present("relayed_message", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(255))
    copy_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class RoomNewcomer(Base):
    """When a person joined a group room, kept only for their first day there: in it they cannot
    post links (community/services/moderation.py). Erased with the person, pruned nightly."""

    __tablename__ = "room_newcomer"

    room_id: Mapped[int] = mapped_column(
        ForeignKey("room.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime]


class ModerationReport(Base):
    """A message in a group room that waits for a coordinator: reported with /report, or held
    because a newcomer posted a link. Only what the buttons need: where the message is, who
    wrote it, who reported it and what was done. Its text is not kept (the coordinators' copy
    carries it). Erased with the reporter and with the member; pruned after
    `moderation.report_days`."""

    __tablename__ = "moderation_report"
    __table_args__ = (
        index_of_present("moderation_report", "member_id"),  # none: someone not stored
        index_of_present("moderation_report", "reporter_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), index=True
    )
    # The room the message was seen in, and its platform id there (a relayed copy, maybe).
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))  # "report" or "held"
    member_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    # Someone the bot does not store (never joined): their platform id, to warn or remove them.
    member_platform: Mapped[str | None] = mapped_column(String(20))
    member_user_id: Mapped[str | None] = mapped_column(String(255))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    # What coordinators did so far: "delete", "warn", "remove", "allow".
    done: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
