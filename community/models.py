"""The database: SQLAlchemy 2 typed models for communities, people, profiles, rooms, dialogue
state and the outbox.

Privacy by design: no names, no addresses, no birth dates. A parent is a platform id, a language,
a postcode *area* (4 digits) and neighbourhood, age *bands* and home languages. One-time role codes
are stored only as hashes.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite stores no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


class Role(enum.StrEnum):
    GUEST = "guest"
    PARENT = "parent"
    PROFESSIONAL = "professional"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    # Someone who only translates the school's messages (a volunteer invited with a code).
    # A parent or staff member who translates keeps their role: see `CommunityTranslator`.
    TRANSLATOR = "translator"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings (no native enum type), so adding a value needs no ALTER TYPE.
    return Enum(
        kind,
        name=name,
        native_enum=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


class Community(Base):
    __tablename__ = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(120))
    invite_code: Mapped[str] = mapped_column(String(32), unique=True)
    default_locale: Mapped[str] = mapped_column(String(10))
    home_languages: Mapped[list[str]]
    # A coordinator's own days and times for the programme, per kind of prompt:
    # {"tip": "thu 15:00"}; None or a missing kind: the programme file's.
    programme_times: Mapped[dict[str, Any] | None]
    # The limits of its buddy rounds, from the `[buddy_matching]` table of its file:
    # {"max_distance_m": 2000, "allow_dutch": false, "second_pass_max_distance_m": 4000, ...}.
    buddy_matching: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]

    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(
        back_populates="community", cascade="all, delete-orphan", order_by="Neighbourhood.name"
    )


class Neighbourhood(Base):
    __tablename__ = "neighbourhood"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    postcode_areas: Mapped[list[str]]
    centre_lat: Mapped[float]
    centre_lon: Mapped[float]

    community: Mapped[Community] = relationship(back_populates="neighbourhoods")


class Person(Base):
    """Someone on one chat platform. Nothing but what the bot needs to talk to them."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_user_id: Mapped[str] = mapped_column(String(255))
    # The private chat to reach this person in (on some platforms it differs from the user id).
    private_chat_id: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(10))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.GUEST)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Set when the platform said the person cannot be reached (blocked the bot, left): the
    # coordinator sees them as someone to phone. Cleared when they write again.
    unreachable_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # When they last wrote or pressed a button (kept to the day: written at most once a day),
    # and when they were told that a long silence erases them (cleared when they write).
    last_seen_at: Mapped[datetime | None]
    inactivity_warned_at: Mapped[datetime | None]
    # Every message to them comes as a voice note too (/voice; "I prefer listening").
    voice_notes: Mapped[bool] = mapped_column(default=False, server_default=false())

    community: Mapped[Community | None] = relationship()
    profile: Mapped[ParentProfile | None] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )


class ParentProfile(Base):
    __tablename__ = "parent_profile"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    postcode_area: Mapped[str | None] = mapped_column(String(4))
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL")
    )
    home_languages: Mapped[list[str]] = mapped_column(default=list)
    age_bands: Mapped[list[str]] = mapped_column(default=list)
    buddy_opt_in: Mapped[bool | None]
    # The parent asked for no tips and invitations for now (/pause; /resume ends it).
    prompts_paused: Mapped[bool] = mapped_column(default=False)
    consent_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="profile")
    neighbourhood: Mapped[Neighbourhood | None] = relationship()


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
    conversation: an edit or a deletion of the message follows it to the copy. The copy is the
    outbox row that sent it (its platform id is known once sent); pruning that row forgets
    this too. Erasing the sender erases it."""

    __tablename__ = "relayed_message"
    __table_args__ = (Index("ix_relayed_message_source", "platform", "chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(255))
    copy_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]


class Conversation(Base):
    """Where someone is in a dialogue, so that a restart resumes at the same step.

    Keyed by the platform user, not the person: before a parent consents nothing else is stored
    about them, only this (their chosen language and the open question). Such a row without a
    person is erased after a day of silence. After /cancel or an erasure only the language is
    kept here, so the next thing the bot says is in the language the person chose."""

    __tablename__ = "dialogue_state"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    # The private chat with them: what was sent there is erased with them, also before consent.
    chat_id: Mapped[str | None] = mapped_column(String(255))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str | None] = mapped_column(String(10))
    flow: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    # Changes each time a question is asked anew; its buttons carry it, so a press on a button
    # of an earlier question is recognised as old instead of answering the current one.
    token: Mapped[str] = mapped_column(String(12), default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


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
        Index("ix_outbox_message_remote", "remote_id"),
        # Erasing someone also erases what was sent to their chat before they were stored.
        Index("ix_outbox_message_chat", "platform", "chat_id"),
        # An id is never given twice, also after the newest rows were deleted (an erasure, a
        # row forgotten once sent): Matrix takes it as the transaction id and would drop a
        # second message with the same one. (PostgreSQL's sequences never reuse an id.)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set for messages to a person, so that erasing the person erases what was queued for them.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20), default="send")
    payload: Mapped[dict[str, Any]]
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
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

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]


class PlatformState(Base):
    """Small values an adapter must keep across restarts (a Matrix sync token, a device id)."""

    __tablename__ = "platform_state"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class RoleCode(Base):
    """A one-time code that makes its user a coordinator or professional. Only the hash is kept."""

    __tablename__ = "role_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None]

    community: Mapped[Community] = relationship()


class CodeTry(Base):
    """A wrong one-time or invite code, kept for a minute so that guessing is slowed down. Keyed
    by a hash of the platform user (strangers who never joined have no person to link to)."""

    __tablename__ = "code_try"

    id: Mapped[int] = mapped_column(primary_key=True)
    who: Mapped[str] = mapped_column(String(64), index=True)
    tried_at: Mapped[datetime]


class ProcessedEvent(Base):
    """Platform events already handled, so that a replayed update is not handled twice."""

    __tablename__ = "processed_event"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    processed_at: Mapped[datetime]


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


class PairStatus(enum.StrEnum):
    PROPOSED = "proposed"  # waits for a coordinator
    APPROVED = "approved"  # a buddy pair: introduced (or about to be), until one ends it
    REJECTED = "rejected"  # a coordinator said no: never proposed again
    SKIPPED = "skipped"  # a coordinator passed this round: may be proposed again later
    ENDED = "ended"  # one of the two ended it (no reason asked): never proposed again


class BuddyProfile(Base):
    """A parent's buddy settings: the first name they chose to share with a buddy (asked when a
    pair is approved; erased with the person) and whether matching is paused."""

    __tablename__ = "buddy_profile"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    first_name: Mapped[str | None] = mapped_column(String(40))
    paused: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]


class MatchRound(Base):
    """One run of the matcher for a community; its proposals wait for a coordinator."""

    __tablename__ = "match_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The parents this round left without a proposal, and why: [{"id": 12, "reason": "paused"}]
    # (matching.LeftOverReason values), for the coordinator's review.
    left_over: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    community: Mapped[Community] = relationship()
    pairs: Mapped[list[BuddyPair]] = relationship(
        back_populates="round", order_by="BuddyPair.id", passive_deletes=True
    )


class BuddyPair(Base):
    """A proposed pair of two parents and what became of it. Erasing either parent erases it."""

    __tablename__ = "buddy_pair"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("match_round.id", ondelete="CASCADE"), index=True
    )
    a_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    b_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[PairStatus] = mapped_column(
        _enum(PairStatus, "pair_status"), default=PairStatus.PROPOSED
    )
    # The matcher's points, language and reasons (data for the catalogs), kept for the review.
    weight: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Proposed by the second pass under the community's wider limits: a weaker pair.
    second_pass: Mapped[bool] = mapped_column(default=False)
    decided_at: Mapped[datetime | None]
    introduced_at: Mapped[datetime | None]
    follow_up_at: Mapped[datetime | None]  # when "did you meet?" was queued
    # Follow-up answers of a and b: "met", "not_yet" or "another".
    a_answer: Mapped[str | None] = mapped_column(String(20))
    b_answer: Mapped[str | None] = mapped_column(String(20))
    ended_at: Mapped[datetime | None]
    # When a and b said yes to swapping contact details. Only the moment is kept: the details
    # are typed once both said yes and go straight to the buddy (community/services/buddies.py).
    a_share_at: Mapped[datetime | None]
    b_share_at: Mapped[datetime | None]

    round: Mapped[MatchRound] = relationship(back_populates="pairs")
    a: Mapped[Person] = relationship(foreign_keys=[a_id])
    b: Mapped[Person] = relationship(foreign_keys=[b_id])


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

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), index=True
    )
    # The room the message was seen in, and its platform id there (a relayed copy, maybe).
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))  # "report" or "held"
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    # Someone the bot does not store (never joined): their platform id, to warn or remove them.
    member_platform: Mapped[str | None] = mapped_column(String(20))
    member_user_id: Mapped[str | None] = mapped_column(String(255))
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    # What coordinators did so far: "delete", "warn", "remove", "allow".
    done: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]


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
    __table_args__ = (UniqueConstraint("prompt_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    translator_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(10))  # "person" or "machine"
    created_at: Mapped[datetime]
