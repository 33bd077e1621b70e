"""Communities and the people in them: a community and its neighbourhoods, a person on one
platform, a parent's profile, and the one-time role codes (with the wrong tries that slow
guessing down).

Privacy by design: no names, no addresses, no birth dates. A parent is a platform id, a language,
a postcode *area* (4 digits) and neighbourhood, age *bands* and home languages. One-time role codes
are stored only as hashes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.models.base import Base, stored_enum


class Role(enum.StrEnum):
    GUEST = "guest"
    PARENT = "parent"
    PROFESSIONAL = "professional"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    # Someone who only translates the school's messages (a volunteer invited with a code).
    # A parent or staff member who translates keeps their role: see `CommunityTranslator`.
    TRANSLATOR = "translator"


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
    role: Mapped[Role] = mapped_column(stored_enum(Role, "role"), default=Role.GUEST)
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


class RoleCode(Base):
    """A one-time code that makes its user a coordinator or professional. Only the hash is kept."""

    __tablename__ = "role_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(stored_enum(Role, "role"))
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
