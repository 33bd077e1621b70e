"""Buddy matching in the community: parents' profiles in, the matcher's proposals stored as a
round, a coordinator's decisions applied, pairs introduced, followed up and ended.

The matcher (`matching`) is pure; this module is where it meets the database. Nothing here sends
a message by itself except `send_due_follow_ups`, the scheduled job: it only queues outbox rows
with idempotency keys, so running it twice changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from community.actions import Button, SendMessage
from community.buttons import action_data
from community.clock import Clock
from community.i18n import Translator, language_name
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
from community.services import outbox
from community.services.broadcast import queue_to_people
from community.services.buddy_limits import round_rules
from community.services.outbox import Outgoing
from matching import (
    Availability,
    Candidate,
    LeftOver,
    LeftOverReason,
    MatchResult,
    Place,
    Proposal,
    Reason,
    ReasonKind,
    match,
)

# The stateless button action that takes a follow-up answer. It is registered under this name in
# bot/engine/handlers/buddies.py; the job lives here, below the bot layer, so it encodes the data
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
def buddy_profile(session: Session, person: Person, clock: Clock) -> BuddyProfile:
    found = session.get(BuddyProfile, person.id)
    if found is None:
        found = BuddyProfile(person_id=person.id, paused=False, updated_at=clock.now())
        session.add(found)
        session.flush()
    return found


def first_name(session: Session, person: Person) -> str | None:
    found = session.get(BuddyProfile, person.id)
    return found.first_name if found is not None else None


def is_paused(session: Session, person: Person) -> bool:
    found = session.get(BuddyProfile, person.id)
    return bool(found and found.paused)


# -- pairs of a person ----------------------------------------------------------------------------
def active_pair(session: Session, person: Person) -> BuddyPair | None:
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


def other(pair: BuddyPair, person: Person) -> Person:
    return pair.b if pair.a_id == person.id else pair.a


def in_pair(pair: BuddyPair, person: Person) -> bool:
    return person.id in (pair.a_id, pair.b_id)


def community_of(pair: BuddyPair) -> Community:
    return pair.round.community


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
            # The weaker pairs of the second pass after the others.
            .order_by(
                BuddyPair.round_id, BuddyPair.second_pass, BuddyPair.weight.desc(), BuddyPair.id
            )
        )
    )


def new_round(
    session: Session, community: Community, clock: Clock, started_by: Person | None = None
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


# -- the parents a round left over ----------------------------------------------------------------
# Most useful to a coordinator first: those nobody could be paired with, then those who chose
# to wait. Each reason has a catalog message `buddy.left.<reason>` with {count}.
LEFT_OVER_ORDER = (
    LeftOverReason.NO_LANGUAGE_NEARBY,
    LeftOverReason.ONLY_PAST_PAIRS,
    LeftOverReason.MATCHED_BETTER_ELSEWHERE,
    LeftOverReason.NO_PLACE,
    LeftOverReason.WAITING_FOR_APPROVAL,
    LeftOverReason.PAUSED,
    LeftOverReason.OPTED_OUT,
)
# Reasons a coordinator may act on (find a parent with that language nearby): a few examples
# of who, by neighbourhood and home languages, since parents give the bot no names.
LEFT_OVER_EXAMPLES = frozenset(
    {
        LeftOverReason.NO_LANGUAGE_NEARBY,
        LeftOverReason.ONLY_PAST_PAIRS,
        LeftOverReason.MATCHED_BETTER_ELSEWHERE,
    }
)
EXAMPLES_PER_REASON = 3
LEFT_OVER_HEAD_ID, LEFT_OVER_EXAMPLE_ID, LEFT_OVER_MORE_ID = (
    "buddy.left.head",
    "buddy.left.example",
    "buddy.left.more",
)
# What would change it, where a coordinator (or time) can: `buddy.left.fix.<reason>`.
LEFT_OVER_FIXES = (
    LeftOverReason.NO_LANGUAGE_NEARBY,
    LeftOverReason.ONLY_PAST_PAIRS,
    LeftOverReason.MATCHED_BETTER_ELSEWHERE,
    LeftOverReason.NO_PLACE,
    LeftOverReason.WAITING_FOR_APPROVAL,
)


def left_over_id(reason: LeftOverReason) -> str:
    return f"buddy.left.{reason.value}"


def left_over_ids() -> set[str]:
    """Every catalog id the left-over summary may use."""
    fixed = {LEFT_OVER_HEAD_ID, LEFT_OVER_EXAMPLE_ID, LEFT_OVER_MORE_ID}
    fixes = {f"buddy.left.fix.{reason.value}" for reason in LEFT_OVER_FIXES}
    return fixed | fixes | {left_over_id(reason) for reason in LEFT_OVER_ORDER}


@dataclass(frozen=True)
class LeftOverGroup:
    reason: LeftOverReason
    count: int
    # (neighbourhood, home language codes) of the first few, for reasons in LEFT_OVER_EXAMPLES.
    examples: tuple[tuple[str, tuple[str, ...]], ...]


def stored_left_over(match_round: MatchRound) -> list[LeftOver]:
    return [LeftOver(int(x["id"]), x["reason"]) for x in match_round.left_over or ()]


def left_over_groups(session: Session, entries: Iterable[LeftOver]) -> list[LeftOverGroup]:
    """Parents left over, counted per reason in LEFT_OVER_ORDER: a short summary even for a
    community of thousands. Parents erased since the round are left out."""
    by_reason: dict[LeftOverReason, list[int]] = {}
    for entry in entries:
        by_reason.setdefault(entry.reason, []).append(entry.parent_id)
    out = []
    for reason in LEFT_OVER_ORDER:
        ids = by_reason.get(reason, [])
        examples = []
        if reason in LEFT_OVER_EXAMPLES:
            for pid in ids[:EXAMPLES_PER_REASON]:
                found = session.get(Person, pid)
                profile = found.profile if found is not None else None
                if profile is not None:
                    hood = profile.neighbourhood.name if profile.neighbourhood else "?"
                    examples.append((hood, tuple(profile.home_languages)))
        if ids:
            out.append(LeftOverGroup(reason, len(ids), tuple(examples)))
    return out


def left_over_text(
    session: Session, entries: Iterable[LeftOver], translator: Translator, locale: str
) -> str | None:
    """The parents left without a buddy, in the reader's language: a head line, a line per
    reason with the count, a few examples for the reasons a coordinator can act on. None when
    nobody was left over."""
    groups = left_over_groups(session, entries)
    if not groups:
        return None
    t = translator.t
    lines = [t(locale, LEFT_OVER_HEAD_ID, count=sum(g.count for g in groups))]
    for group in groups:
        lines.append(t(locale, left_over_id(group.reason), count=group.count))
        for hood, codes in group.examples:
            languages = ", ".join(language_name(code, locale) for code in codes) or "?"
            lines.append(t(locale, LEFT_OVER_EXAMPLE_ID, neighbourhood=hood, languages=languages))
        if group.examples and group.count > len(group.examples):
            lines.append(t(locale, LEFT_OVER_MORE_ID, count=group.count - len(group.examples)))
        if group.reason in LEFT_OVER_FIXES:
            lines.append(t(locale, f"buddy.left.fix.{group.reason.value}"))
    return "\n".join(lines)


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


def share_said_at(pair: BuddyPair, person: Person) -> datetime | None:
    return pair.a_share_at if pair.a_id == person.id else pair.b_share_at


def _set_share(pair: BuddyPair, person: Person, when: datetime | None) -> None:
    if pair.a_id == person.id:
        pair.a_share_at = when
    else:
        pair.b_share_at = when


def both_share(pair: BuddyPair) -> bool:
    return pair.a_share_at is not None and pair.b_share_at is not None


def say_yes_to_share(pair: BuddyPair, person: Person, clock: Clock) -> bool:
    """A parent says yes to swapping contact details; True when both have now said yes."""
    if share_said_at(pair, person) is None:
        _set_share(pair, person, clock.now())
    return both_share(pair)


def withdraw_share(pair: BuddyPair, person: Person) -> bool:
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


def record_answer(pair: BuddyPair, person: Person, answer: str) -> None:
    if pair.a_id == person.id:
        pair.a_answer = answer
    else:
        pair.b_answer = answer


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


# -- the follow-up (a scheduled job) --------------------------------------------------------------
def due_follow_ups(session: Session, clock: Clock, days: int) -> list[BuddyPair]:
    cutoff = clock.now() - timedelta(days=days)
    return list(
        session.scalars(
            select(BuddyPair)
            .where(
                BuddyPair.status == PairStatus.APPROVED,
                BuddyPair.introduced_at.is_not(None),
                BuddyPair.introduced_at <= cutoff,
                BuddyPair.follow_up_at.is_(None),
            )
            .order_by(BuddyPair.id)
        )
    )


# A parent who has not given the first name for their buddy holds up the introduction of both:
# after this many days the bot reminds them, once.
NAME_REMINDER_DAYS = 3


def due_name_reminders(session: Session, clock: Clock, days: int) -> list[tuple[BuddyPair, Person]]:
    """Parents of pairs approved `days` ago or longer who have not given a first name yet."""
    pairs = session.scalars(
        select(BuddyPair)
        .where(
            BuddyPair.status == PairStatus.APPROVED,
            BuddyPair.introduced_at.is_(None),
            BuddyPair.decided_at <= clock.now() - timedelta(days=days),
        )
        .order_by(BuddyPair.id)
    )
    return [
        (pair, person)
        for pair in pairs
        for person in (pair.a, pair.b)
        if person.active and first_name(session, person) is None
    ]


def send_due_name_reminders(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    days: int = NAME_REMINDER_DAYS,
    default_locale: str = "nl",
) -> int:
    """Remind each such parent once (one key per pair and parent); returns how many were new."""
    with session_factory.begin() as session:
        items = [
            Outgoing(
                person.platform,
                person.private_chat_id or person.platform_user_id,
                SendMessage(
                    translator.t(
                        translator.resolve(person.locale or default_locale), "buddy.name.remind"
                    )
                ),
                person.id,
                f"buddy:{pair.id}:name_reminder:{person.id}",
            )
            for pair, person in due_name_reminders(session, clock, days)
        ]
        return outbox.enqueue_all(session, items, clock)


def follow_up_messages(
    session: Session, pairs: Iterable[BuddyPair], translator: Translator, default_locale: str
) -> list[Outgoing]:
    items = []
    for pair in pairs:
        for person in (pair.a, pair.b):
            buddy = other(pair, person)
            locale = translator.resolve(person.locale or default_locale)
            name = first_name(session, buddy) or "?"
            buttons = tuple(
                Button(
                    translator.t(locale, f"buddy.follow_up.{answer}"),
                    follow_up_data(pair.id, answer),
                )
                for answer in FOLLOW_UP_ANSWERS
            )
            text = translator.t(locale, "buddy.follow_up.ask", name=name)
            chat_id = person.private_chat_id or person.platform_user_id
            key = f"buddy:{pair.id}:follow_up:{person.id}"
            items.append(
                Outgoing(
                    person.platform,
                    chat_id,
                    SendMessage(text, buttons),
                    person.id,
                    key,
                    mentions=(buddy.id,),  # names the buddy: erased with them
                )
            )
    return items


def send_due_follow_ups(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    days: int = 14,
    default_locale: str = "nl",
) -> int:
    """Ask both parents of every pair introduced `days` ago or longer "Did you meet?", once.
    Queues outbox rows with idempotency keys and marks the pair asked in the same transaction:
    a second run, or two at once, changes nothing. Returns how many messages were queued."""
    with session_factory.begin() as session:
        pairs = due_follow_ups(session, clock, days)
        if not pairs:
            return 0
        queued = outbox.enqueue_all(
            session, follow_up_messages(session, pairs, translator, default_locale), clock
        )
        for pair in pairs:
            pair.follow_up_at = clock.now()
        return queued


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


def _row_id(value: int | str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


class Buddies:
    """The buddy services as one handled event sees them (through `Domain.buddies`): bound to its
    transaction, so handlers never see a Session."""

    def __init__(self, session: Session, clock: Clock, quoted: set[int] | None = None) -> None:
        self._session = session
        self.clock = clock
        # Filled with the people whose first name is read: the event's messages may quote them.
        self._quoted = quoted if quoted is not None else set()

    def pair(self, pair_id: int | str) -> BuddyPair | None:
        """The pair a button names, or None for anything else (also forged button data)."""
        number = _row_id(pair_id)
        return self._session.get(BuddyPair, number) if number is not None else None

    def open_proposals(self, community: Community) -> list[BuddyPair]:
        return open_proposals(self._session, community)

    def new_round(
        self, community: Community, started_by: Person | None
    ) -> tuple[MatchRound | None, MatchResult]:
        return new_round(self._session, community, self.clock, started_by)

    def left_over_text(
        self, entries: Iterable[LeftOver], translator: Translator, locale: str
    ) -> str | None:
        return left_over_text(self._session, entries, translator, locale)

    def active_pair(self, person: Person) -> BuddyPair | None:
        return active_pair(self._session, person)

    def profile(self, person: Person) -> BuddyProfile:
        return buddy_profile(self._session, person, self.clock)

    def first_name(self, person: Person) -> str | None:
        self._quoted.add(person.id)
        return first_name(self._session, person)

    def is_paused(self, person: Person) -> bool:
        return is_paused(self._session, person)

    def set_first_name(self, person: Person, name: str) -> None:
        found = self.profile(person)
        found.first_name, found.updated_at = name, self.clock.now()

    def set_paused(self, person: Person, paused: bool) -> None:
        found = self.profile(person)
        found.paused, found.updated_at = paused, self.clock.now()

    def available(self, pair: BuddyPair) -> bool:
        """Both parents still want a buddy now: active, opted in, not paused, no other buddy."""
        for person in (pair.a, pair.b):
            profile = person.profile
            if not person.active or profile is None or not profile.buddy_opt_in:
                return False
            if self.is_paused(person):
                return False
            current = self.active_pair(person)
            if current is not None and current.id != pair.id:
                return False
        return True

    def decide(self, pair: BuddyPair, status: PairStatus) -> bool:
        return decide(pair, status, self.clock)

    def say_yes_to_share(self, pair: BuddyPair, person: Person) -> bool:
        return say_yes_to_share(pair, person, self.clock)

    def withdraw_share(self, pair: BuddyPair, person: Person) -> bool:
        return withdraw_share(pair, person)

    def end(self, pair: BuddyPair) -> bool:
        return end_pair(pair, self.clock)

    def reports(self, community: Community) -> list[RoundReport]:
        return round_reports(self._session, community)
