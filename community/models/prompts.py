"""The weekly prompts and what they bring back: the prompt, its machine and human translations
(with the translators and what they were asked), parents' answers and RSVPs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community.models.base import Base, index_of_present


class Prompt(Base):
    """A weekly prompt of a community: a tip, a question, an invitation or a support reminder.
    From the programme (`key` set) or written by a professional. Sent once, when due and
    outside the quiet hours; `delivered_at` is set in the transaction that queues it."""

    __tablename__ = "prompt"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    key: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    texts: Mapped[dict[str, Any]]  # locale -> text; Dutch always
    age_bands: Mapped[list[str]] = mapped_column(default=list)  # empty: every parent
    # A question answered with buttons: their labels, as the writer typed them (None: free answer).
    options: Mapped[list[str] | None]
    # Only the parents of one neighbourhood (None: the whole community).
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL")
    )
    due_at: Mapped[datetime] = mapped_column(index=True)
    event_at: Mapped[datetime | None]
    place: Mapped[str | None] = mapped_column(String(200))
    # A photo, video or voice note sent with the text (a professional showing an activity).
    media: Mapped[dict[str, Any] | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[bool] = mapped_column(default=False)  # too late after an outage
    reminded_at: Mapped[datetime | None]


class PromptMachineText(Base):
    """A prompt in one language as the machine translation server drafted it (`[translation]`),
    made once per prompt and language: every parent of that language reads the same text, and
    a restart does not ask again. `source_hash` names the text it was made from, so a prompt
    whose text changed before delivery is drafted again. Goes with its prompt."""

    __tablename__ = "prompt_machine_text"

    prompt_id: Mapped[int] = mapped_column(
        ForeignKey("prompt.id", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(10))
    source_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class PromptAnswer(Base):
    """A parent's reply to a prompt: a message, or a photo or voice note kept as the platform's
    reference. Erased with the parent."""

    __tablename__ = "prompt_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    media: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    digested_at: Mapped[datetime | None]
    # When the parent said yes to sharing it in the community's group rooms (never without).
    shared_at: Mapped[datetime | None]


class Rsvp(Base):
    """A parent's answer to an invitation: yes, no or maybe, and how many children come."""

    __tablename__ = "rsvp"

    prompt_id: Mapped[int] = mapped_column(
        ForeignKey("prompt.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    answer: Mapped[str] = mapped_column(String(10))
    children: Mapped[int | None]
    updated_at: Mapped[datetime]


class CommunityTranslator(Base):
    """Someone who translates the school's new prompts into one language for the parents who
    read it: a volunteer with a translator code, a staff member, or a parent who said yes.
    Erased with the person."""

    __tablename__ = "translator"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]


class TranslationRequest(Base):
    """A prompt sent to a translator, and what they did: nothing yet, "skip" or "done". Their
    buttons act only while it is open and the prompt has not gone out."""

    __tablename__ = "translation_request"

    prompt_id: Mapped[int] = mapped_column(
        ForeignKey("prompt.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    locale: Mapped[str] = mapped_column(String(10))
    asked_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(String(10))
    answered_at: Mapped[datetime | None]


class PromptTranslation(Base):
    """A prompt's text in one more language: written by a translator ("person") or drafted by
    a translation server ("machine"). A translator's texts are erased with them (the messages
    already sent to parents stay: they are the school's)."""

    __tablename__ = "prompt_translation"
    __table_args__ = (
        UniqueConstraint("prompt_id", "locale"),
        index_of_present("prompt_translation", "translator_id"),  # none for a machine's text
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    translator_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(10))  # "person" or "machine"
    created_at: Mapped[datetime]
