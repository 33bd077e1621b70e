"""Buddy rounds: the community's parents as the matcher (`matching`, pure) sees them, its
proposals stored as a round for a coordinator, the weekly round as a scheduled job, and the
reports of past rounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload, sessionmaker

from community.clock import Clock
from community.i18n import Translator
from community.models import (
    BuddyPair,
    BuddyProfile,
    Community,
    MatchRound,
    PairStatus,
    ParentProfile,
    Person,
    Role,
)
from community.services.broadcast import queue_to_people
from community.services.buddies.pairs import NEVER_AGAIN, Parent
from community.services.buddy_limits import round_rules
from matching import Availability, Candidate, MatchResult, Place, match


# -- the matcher's input --------------------------------------------------------------------------
def _parents(session: Session, community: Community) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .join(ParentProfile, ParentProfile.person_id == Person.id)
            .options(joinedload(Person.profile).joinedload(ParentProfile.neighbourhood))
            .where(
                Person.community_id == community.id,
                Person.role == Role.PARENT,
                Person.active,
                ParentProfile.completed_at.is_not(None),
            )
            .order_by(Person.id)
        ).unique()
    )


def _pairs_of_community(session: Session, community: Community) -> list[BuddyPair]:
    return list(
        session.scalars(
            select(BuddyPair)
            .join(MatchRound, MatchRound.id == BuddyPair.round_id)
            .where(MatchRound.community_id == community.id)
        )
    )


def candidates(
    session: Session, community: Community
) -> tuple[list[Candidate], set[frozenset[int]]]:
    """The parents of a community as the matcher sees them, and the pairs to avoid (rejected,
    ended, or already buddies). Parents with a buddy now are left out; parents who said no to a
    buddy, paused, or are in a proposal still to be judged take part as not available (the
    matcher lists them as left over, with that reason)."""
    pairs = _pairs_of_community(session, community)
    avoid = {frozenset((p.a_id, p.b_id)) for p in pairs if p.status in NEVER_AGAIN}
    busy = {pid for p in pairs if p.status is PairStatus.APPROVED for pid in (p.a_id, p.b_id)}
    waiting = {pid for p in pairs if p.status is PairStatus.PROPOSED for pid in (p.a_id, p.b_id)}
    paused = set(
        session.scalars(select(BuddyProfile.person_id).where(BuddyProfile.paused.is_(True)))
    )
    # Waiting since: the end of their last pair, else when they finished onboarding.
    ended: dict[int, datetime] = {}
    for p in pairs:
        if p.status is PairStatus.ENDED and p.ended_at is not None:
            for pid in (p.a_id, p.b_id):
                ended[pid] = max(ended.get(pid, p.ended_at), p.ended_at)
    out = []
    for person in _parents(session, community):
        if person.id in busy:
            continue
        profile = person.profile
        assert profile is not None
        hood = profile.neighbourhood
        place = Place(hood.name, hood.centre_lat, hood.centre_lon) if hood is not None else None
        availability = Availability.AVAILABLE
        if not profile.buddy_opt_in:
            availability = Availability.OPTED_OUT  # listed as left over by choice, never paired
        elif person.id in paused:
            availability = Availability.PAUSED
        elif person.id in waiting:
            availability = Availability.WAITING_FOR_APPROVAL
        out.append(
            Candidate(
                person.id,
                set(profile.home_languages),
                set(profile.age_bands),
                place,
                ended.get(person.id, profile.completed_at),
                availability,
            )
        )
    return out, avoid


def run_matcher(session: Session, community: Community, clock: Clock) -> MatchResult:
    found, avoid = candidates(session, community)
    rules, wider = round_rules(community, clock.now())
    return match(found, rules, avoid=avoid, relaxed=wider)


# -- rounds ---------------------------------------------------------------------------------------
def open_proposals(session: Session, community: Community) -> list[BuddyPair]:
    """Proposals still waiting for a coordinator, oldest round first, best pair first."""
    return list(
        session.scalars(
            select(BuddyPair)
            .join(MatchRound, MatchRound.id == BuddyPair.round_id)
            .where(MatchRound.community_id == community.id, BuddyPair.status == PairStatus.PROPOSED)
            # Each proposal is shown with both parents (and their profiles): loaded together,
            # not a query per pair.
            .options(
                contains_eager(BuddyPair.round),
                selectinload(BuddyPair.a).joinedload(Person.profile),
                selectinload(BuddyPair.b).joinedload(Person.profile),
            )
            # The weaker pairs of the second pass after the others.
            .order_by(
                BuddyPair.round_id, BuddyPair.second_pass, BuddyPair.weight.desc(), BuddyPair.id
            )
        )
    )


def new_round(
    session: Session, community: Community, clock: Clock, started_by: Parent | None = None
) -> tuple[MatchRound | None, MatchResult]:
    """Run the matcher and store its proposals as a new round, with the parents it left over
    and why; the round is None when it proposes nothing. Nobody is told anything: a pair
    reaches the parents only after a coordinator approves it."""
    result = run_matcher(session, community, clock)
    if not result.proposals:
        return None, result
    new = MatchRound(
        community_id=community.id,
        started_at=clock.now(),
        started_by_id=started_by.id if started_by is not None else None,
        left_over=[{"id": x.parent_id, "reason": x.reason.value} for x in result.left_over],
    )
    session.add(new)
    session.flush()
    for proposal in result.proposals:
        session.add(
            BuddyPair(
                round_id=new.id,
                a_id=proposal.a,
                b_id=proposal.b,
                status=PairStatus.PROPOSED,
                weight=proposal.weight,
                language=proposal.language,
                reasons=[{"kind": r.kind.value, **r.params()} for r in proposal.reasons],
                second_pass=proposal.second_pass,
            )
        )
    session.flush()
    session.refresh(new)
    return new, result


def start_round(
    session: Session, community: Community, clock: Clock, started_by: Person | None = None
) -> MatchRound | None:
    """`new_round` without the matcher's result: the stored round, or None."""
    return new_round(session, community, clock, started_by)[0]


# -- reports of past rounds ------------------------------------------------------------------------
@dataclass(frozen=True)
class RoundReport:
    round_id: int
    started_at: datetime
    proposed: int
    made: int  # approved (whatever became of the pair later)
    met: int  # pairs where at least one said "we met"
    ended: int


def round_reports(session: Session, community: Community, last: int = 5) -> list[RoundReport]:
    rounds = list(
        session.scalars(
            select(MatchRound)
            .where(MatchRound.community_id == community.id)
            .order_by(MatchRound.id.desc())
            .limit(last)
        )
    )
    out = []
    for item in reversed(rounds):
        pairs = item.pairs
        made = [
            p for p in pairs if p.decided_at and p.status in (PairStatus.APPROVED, PairStatus.ENDED)
        ]
        out.append(
            RoundReport(
                item.id,
                item.started_at,
                len(pairs),
                len(made),
                sum(1 for p in made if "met" in (p.a_answer, p.b_answer)),
                sum(1 for p in made if p.status is PairStatus.ENDED),
            )
        )
    return out


# -- the weekly round (a scheduled job) -----------------------------------------------------------
ROUND_READY_ID = "buddy.round.ready"


def start_scheduled_rounds(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    default_locale: str = "nl",
) -> int:
    """For every community without proposals waiting: run the matcher, store a round, and tell
    its coordinators to check it with /match. Parents hear nothing until a coordinator approves.
    One key per round and coordinator: a second run in the same week changes nothing (the
    proposals of the first still wait). Returns how many messages were queued."""
    queued = 0
    with session_factory.begin() as session:
        for community in session.scalars(select(Community).order_by(Community.id)):
            waiting = open_proposals(session, community)
            new = start_round(session, community, clock) if not waiting else None
            round_id = new.id if new is not None else (waiting[0].round_id if waiting else None)
            if round_id is None:
                continue
            coordinators = session.scalars(
                select(Person).where(
                    Person.community_id == community.id,
                    Person.role == Role.COORDINATOR,
                    Person.active,
                )
            )
            queued += queue_to_people(
                session,
                coordinators,
                translator,
                clock,
                ROUND_READY_ID,
                key=f"buddy:round:{round_id}:coordinator",
                default_locale=default_locale,
            )
    return queued
