"""A buddy pair as its two parents live it: the first name each shares, pausing, the pair a
parent is in, a coordinator's decision, swapping contact details, the follow-up answers, and
the end of a pair."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from community.buttons import action_data
from community.clock import Clock
from community.models import BuddyPair, BuddyProfile, Community, PairStatus, Person
from community.services.people import Speaker
from matching import Proposal, Reason, ReasonKind


class Parent(Protocol):
    """A parent as a pair knows them: by id (stored, or the speaker's plain values)."""

    @property
    def id(self) -> int: ...


@dataclass(frozen=True)
class Pair:
    """A buddy pair as plain values, what a handler reads: its two parents (as `Speaker`s, to
    tell them something), where it stands and who said yes to swapping contact details. A
    handler that changes the pair passes it back to `Buddies`, which loads the stored row."""

    id: int
    status: PairStatus
    a: Speaker
    b: Speaker
    community_id: int
    introduced_at: datetime | None
    a_share_at: datetime | None
    b_share_at: datetime | None
    second_pass: bool
    reasons: tuple[Reason, ...]

    @classmethod
    def of(cls, pair: BuddyPair) -> Pair:
        """A snapshot of `pair` as stored now."""
        return cls(
            pair.id, pair.status, Speaker.of(pair.a), Speaker.of(pair.b),
            pair.round.community_id, pair.introduced_at, pair.a_share_at, pair.b_share_at,
            bool(pair.second_pass), reasons_of(pair),
        )  # fmt: skip

    @property
    def parents(self) -> tuple[Speaker, Speaker]:
        return self.a, self.b

    def other(self, person: Parent) -> Speaker:
        return self.b if self.a.id == person.id else self.a

    def has(self, person: Parent) -> bool:
        return person.id in (self.a.id, self.b.id)

    def share_said_at(self, person: Parent) -> datetime | None:
        return self.a_share_at if self.a.id == person.id else self.b_share_at

    @property
    def both_share(self) -> bool:
        return self.a_share_at is not None and self.b_share_at is not None


# The stateless button action that takes a follow-up answer. It is listed under this name in
# bot/engine/handler_table.py; the job lives here, below the bot layer, so it encodes the data
# itself (community/buttons.py).
FOLLOW_UP_ACTION = "buddy_met"
FOLLOW_UP_ANSWERS = ("met", "not_yet", "another")
# Answers that close a pair: "I want another buddy".
ENDING_ANSWER = "another"
# Statuses that keep two parents from ever being proposed again.
NEVER_AGAIN = (PairStatus.REJECTED, PairStatus.ENDED, PairStatus.APPROVED)
NAME_MAX = 30
NAME_JOINERS = frozenset(" '’.-")


def follow_up_data(pair_id: int, answer: str) -> str:
    return action_data(FOLLOW_UP_ACTION, pair_id, answer)


def clean_first_name(text: str) -> str | None:
    """A first name as a parent types it ("fatima" -> "Fatima"), or None when it looks like more
    than a name (digits, an address, a link, a phone number): the bot shares nothing else.
    Letters of any script with their combining marks (Arabic vowel signs, Devanagari), and up
    to 3 parts joined by a space, hyphen, apostrophe or dot."""
    name = " ".join(text.split())
    if not name or len(name) > NAME_MAX or not unicodedata.category(name[0]).startswith("L"):
        return None
    for char in name:
        if char not in NAME_JOINERS and unicodedata.category(char)[0] not in "LM":
            return None
    parts = [part for part in re.split(r"[ '’.-]+", name) if part]
    if len(parts) > 3:
        return None
    return name[:1].upper() + name[1:]


# -- profiles -------------------------------------------------------------------------------------
def buddy_profile(session: Session, person: Parent, clock: Clock) -> BuddyProfile:
    found = session.get(BuddyProfile, person.id)
    if found is None:
        found = BuddyProfile(person_id=person.id, paused=False, updated_at=clock.now())
        session.add(found)
        session.flush()
    return found


def first_name(session: Session, person: Parent) -> str | None:
    found = session.get(BuddyProfile, person.id)
    return found.first_name if found is not None else None


def is_paused(session: Session, person: Parent) -> bool:
    found = session.get(BuddyProfile, person.id)
    return bool(found and found.paused)


# -- pairs of a person ----------------------------------------------------------------------------
def active_pair(session: Session, person: Parent) -> BuddyPair | None:
    """The pair a parent is in now (approved and not ended), if any."""
    return session.scalar(
        select(BuddyPair)
        .where(
            BuddyPair.status == PairStatus.APPROVED,
            or_(BuddyPair.a_id == person.id, BuddyPair.b_id == person.id),
        )
        .order_by(BuddyPair.id.desc())
        .limit(1)
    )


def other(pair: BuddyPair, person: Parent) -> Person:
    return pair.b if pair.a_id == person.id else pair.a


def in_pair(pair: BuddyPair, person: Parent) -> bool:
    return person.id in (pair.a_id, pair.b_id)


def community_of(pair: BuddyPair) -> Community:
    return pair.round.community


# -- a coordinator's decision, and the end of a pair -----------------------------------------------
def reasons_of(pair: BuddyPair) -> tuple[Reason, ...]:
    return tuple(
        Reason(kind=ReasonKind(item["kind"]), **{k: v for k, v in item.items() if k != "kind"})
        for item in pair.reasons
    )


def as_proposal(pair: BuddyPair) -> Proposal:
    return Proposal(
        pair.a_id, pair.b_id, pair.weight, pair.language, reasons_of(pair), pair.second_pass
    )


def decide(pair: BuddyPair, status: PairStatus, clock: Clock) -> bool:
    """Approve, reject or skip a proposal; False when it was already decided."""
    if pair.status is not PairStatus.PROPOSED:
        return False
    pair.status, pair.decided_at = status, clock.now()
    return True


def end_pair(pair: BuddyPair, clock: Clock) -> bool:
    """Either parent ends the pair, no reason asked; it is never proposed again."""
    if pair.status is not PairStatus.APPROVED:
        return False
    pair.status, pair.ended_at = PairStatus.ENDED, clock.now()
    return True


# -- swapping contact details ---------------------------------------------------------------------
# Only the moment each parent says yes is kept. Once both said yes, each types what the other
# may get (a phone number, an e-mail, a username); it goes straight to the buddy through the
# outbox and is kept nowhere else: the product stores no phone numbers.
CONTACT_MAX = 200


def share_said_at(pair: BuddyPair, person: Parent) -> datetime | None:
    return pair.a_share_at if pair.a_id == person.id else pair.b_share_at


def _set_share(pair: BuddyPair, person: Parent, when: datetime | None) -> None:
    if pair.a_id == person.id:
        pair.a_share_at = when
    else:
        pair.b_share_at = when


def both_share(pair: BuddyPair) -> bool:
    return pair.a_share_at is not None and pair.b_share_at is not None


def say_yes_to_share(pair: BuddyPair, person: Parent, clock: Clock) -> bool:
    """A parent says yes to swapping contact details; True when both have now said yes."""
    if share_said_at(pair, person) is None:
        _set_share(pair, person, clock.now())
    return both_share(pair)


def withdraw_share(pair: BuddyPair, person: Parent) -> bool:
    """Take back a yes before the buddy agreed; False once both said yes (too late) or when
    there was no yes to take back."""
    if both_share(pair) or share_said_at(pair, person) is None:
        return False
    _set_share(pair, person, None)
    return True


def clean_contact(text: str) -> str | None:
    """What a parent typed to share, trimmed; None when empty or too long."""
    contact = text.strip()
    return contact if 0 < len(contact) <= CONTACT_MAX else None


def record_answer(pair: BuddyPair, person: Parent, answer: str) -> None:
    if pair.a_id == person.id:
        pair.a_answer = answer
    else:
        pair.b_answer = answer
