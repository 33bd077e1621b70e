"""What the bot keeps about its chats with the platforms: where someone is in a dialogue, which
platform events were handled already, and small values an adapter keeps across restarts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from community.models.base import Base, index_of_present


class DialogueState(Base):
    """Where someone is in a dialogue, so that a restart resumes at the same step.

    Keyed by the platform user, not the person: before a parent consents nothing else is stored
    about them, only this (their chosen language and the open question). Such a row without a
    person is erased after a day of silence. After /cancel or an erasure only the language is
    kept here, so the next thing the bot says is in the language the person chose."""

    __tablename__ = "dialogue_state"
    __table_args__ = (index_of_present("dialogue_state", "person_id"),)

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    # The private chat with them: what was sent there is erased with them, also before consent.
    chat_id: Mapped[str | None] = mapped_column(String(255))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    locale: Mapped[str | None] = mapped_column(String(10))
    flow: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    # Changes each time a question is asked anew; its buttons carry it, so a press on a button
    # of an earlier question is recognised as old instead of answering the current one.
    token: Mapped[str] = mapped_column(String(12), default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class ProcessedEvent(Base):
    """Platform events already handled, so that a replayed update is not handled twice."""

    __tablename__ = "processed_event"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    processed_at: Mapped[datetime]


class PlatformState(Base):
    """Small values an adapter must keep across restarts (a Matrix sync token, a device id)."""

    __tablename__ = "platform_state"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
