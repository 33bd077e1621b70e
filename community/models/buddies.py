"""Buddy matching: a parent's buddy settings, the matcher's rounds and the pairs they proposed."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.models.base import Base, stored_enum
from community.models.people import Community, Person


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
        stored_enum(PairStatus, "pair_status"), default=PairStatus.PROPOSED
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
    # are typed once both said yes and go straight to the buddy
    # (community/services/buddies/pairs.py).
    a_share_at: Mapped[datetime | None]
    b_share_at: Mapped[datetime | None]

    round: Mapped[MatchRound] = relationship(back_populates="pairs")
    a: Mapped[Person] = relationship(foreign_keys=[a_id])
    b: Mapped[Person] = relationship(foreign_keys=[b_id])
