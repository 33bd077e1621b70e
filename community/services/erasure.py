"""Erasing a person so that no table keeps anything of them.

Most goes by ON DELETE CASCADE from the person row: profiles, answers, RSVPs, pairs, what was
queued or sent to them, the map of their relayed group messages. What does not hang on the
person row is found here: messages to other people that quote them (`OutboxMention`, recorded
when such a message is queued), room actions naming their platform id, the rounds that left
them over, idempotency keys of their pairs, the private chat they used before they were stored
and a platform's direct-chat mapping.

`forget_parent_data` is the part a parent who becomes staff loses too: what the bot erases
"as a parent" (their profile, answers, RSVPs, buddy name and pairs).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from community.actions import DeleteMessage, Target
from community.clock import Clock
from community.models import (
    BuddyPair,
    BuddyProfile,
    MatchRound,
    OutboxKey,
    OutboxMention,
    OutboxMessage,
    OutboxStatus,
    Person,
    PromptAnswer,
    RelayedMessage,
    Rsvp,
)
from community.services import dialogue_state, outbox, platform_state


def _run(session: Session, statement: Any) -> None:
    session.execute(statement.execution_options(synchronize_session=False))


def forget_quoting_rows(session: Session, person_id: int) -> None:
    """Messages to others that quote the person (their first name, their words, their answers
    in a digest): queued ones are not delivered, sent or failed ones are not kept."""
    quoting = select(OutboxMention.outbox_id).where(OutboxMention.person_id == person_id)
    _run(session, delete(OutboxMessage).where(OutboxMessage.id.in_(quoting)))


def _pair_ids(session: Session, person_id: int) -> list[int]:
    return list(
        session.scalars(
            select(BuddyPair.id).where(
                or_(BuddyPair.a_id == person_id, BuddyPair.b_id == person_id)
            )
        )
    )


def _forget_left_over(session: Session, person: Person) -> None:
    """Take the person out of the lists of parents that rounds left without a buddy."""
    rounds = session.scalars(
        select(MatchRound).where(
            MatchRound.community_id == person.community_id, MatchRound.left_over.is_not(None)
        )
    )
    for found in rounds:
        entries = found.left_over or []
        kept = [entry for entry in entries if entry.get("id") != person.id]
        if len(kept) != len(entries):
            found.left_over = kept


def forget_parent_data(session: Session, person: Person) -> None:
    """Everything stored about the person as a parent; the person row stays. The caller ends
    an active buddy pair first (telling the buddy)."""
    pairs = _pair_ids(session, person.id)
    forget_quoting_rows(session, person.id)
    for pair_id in pairs:
        # "buddy:12:intro:34:0" and the like: the keys of a pair that is no more.
        _run(session, delete(OutboxKey).where(OutboxKey.key.like(f"buddy:{pair_id}:%")))
    _run(session, delete(BuddyPair).where(BuddyPair.id.in_(pairs)))
    _run(session, delete(BuddyProfile).where(BuddyProfile.person_id == person.id))
    _run(session, delete(PromptAnswer).where(PromptAnswer.person_id == person.id))
    _run(session, delete(Rsvp).where(Rsvp.person_id == person.id))
    _forget_left_over(session, person)
    # What was sent to them as a parent (a buddy's name, their own answers quoted back).
    sent = OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.DEAD])
    for chat_id in {person.private_chat_id, person.platform_user_id}:
        mine = (OutboxMessage.platform == person.platform) & (OutboxMessage.chat_id == chat_id)
        _run(session, delete(OutboxMessage).where(mine, sent))
    if person.profile is not None:
        session.delete(person.profile)
        person.profile = None
    session.flush()


def _take_back_copies(session: Session, person_id: int, clock: Clock) -> None:
    """The bot's copies of their group messages in the other rooms are deleted there too, as
    when they delete a message themselves (their own message stays theirs to delete)."""
    copies = session.execute(
        select(OutboxMessage.platform, OutboxMessage.chat_id, OutboxMessage.remote_id)
        .join(RelayedMessage, RelayedMessage.copy_id == OutboxMessage.id)
        .where(RelayedMessage.person_id == person_id, OutboxMessage.remote_id.is_not(None))
    )
    items = [
        outbox.Outgoing(platform, chat_id, DeleteMessage(Target(remote_id=remote)))
        for platform, chat_id, remote in copies
    ]
    outbox.enqueue_all(session, items, clock)


def erase(session: Session, person: Person, clock: Clock | None = None) -> None:
    """Delete everything stored about a person. Their dialogue state is the caller's (the
    engine keeps the chosen language under a pseudonym). With `clock`, the bot's copies of
    their group messages are deleted in the rooms they were relayed to."""
    if clock is not None:
        _take_back_copies(session, person.id, clock)
    forget_parent_data(session, person)
    dialogue_state.forget_member_actions(session, person.platform, person.platform_user_id)
    for chat_id in {person.private_chat_id, person.platform_user_id}:
        dialogue_state.forget_chat(session, person.platform, chat_id)
    platform_state.forget_direct_chat(session, person.platform, person.platform_user_id)
    _run(session, delete(Person).where(Person.id == person.id))
    session.expunge(person)
