"""Parents' answers to a prompt whose kind takes them: a message, photo or voice note after a
question (within `answer_days`), or a press on one of its buttons; and sharing an answer, when
the parent says yes, in the community's tips room(s)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from community import prompt_kinds
from community.actions import Media
from community.clock import Clock
from community.models import Community, Person, Prompt, PromptAnswer, Room
from community.services.prompts.rsvp import received

SHARE_ACTION = "share"  # a parent's yes / no to sharing an answer in the group rooms
SHARE_PURPOSE = "tips"  # where answers are shared: the community's tips room(s)


def open_question(session: Session, person: Person, clock: Clock, days: int) -> Prompt | None:
    """The latest prompt taking typed answers this parent got in the last `days` days, if any."""
    since = clock.now() - timedelta(days=days)
    candidates = session.scalars(
        select(Prompt)
        .where(
            Prompt.community_id == person.community_id,
            Prompt.kind.in_(prompt_kinds.names(lambda kind: kind.typed_answers)),
            Prompt.skipped.is_(False),
            Prompt.delivered_at >= since,
        )
        .order_by(Prompt.delivered_at.desc(), Prompt.id.desc())
        .limit(5)
    ).all()
    for prompt in candidates:
        if received(session, prompt, person):
            return prompt
    return None


def record_answer(
    session: Session,
    prompt: Prompt,
    person: Person,
    clock: Clock,
    text: str | None = None,
    media: Media | None = None,
) -> PromptAnswer:
    answer = PromptAnswer(
        prompt_id=prompt.id,
        person_id=person.id,
        text=text or None,
        media=media.to_json() if media is not None else None,
        created_at=clock.now(),
    )
    session.add(answer)
    session.flush()
    return answer


def record_choice(
    session: Session, prompt: Prompt, person: Person, clock: Clock, label: str
) -> PromptAnswer:
    """A press on a question's button: one answer per parent, a later press changes it (and
    it shows in the next digest again)."""
    earlier = session.scalar(
        select(PromptAnswer).where(
            PromptAnswer.prompt_id == prompt.id,
            PromptAnswer.person_id == person.id,
            PromptAnswer.text.in_(prompt.options or []),
        )
    )
    if earlier is None:
        return record_answer(session, prompt, person, clock, label)
    earlier.text, earlier.created_at, earlier.digested_at = label, clock.now(), None
    return earlier


def has_answered(session: Session, prompt: Prompt, person: Person) -> bool:
    found = session.scalar(
        select(PromptAnswer.id)
        .where(PromptAnswer.prompt_id == prompt.id, PromptAnswer.person_id == person.id)
        .limit(1)
    )
    return found is not None


def answered_question(session: Session, prompt_id: int, person: Person) -> Prompt | None:
    """A question with buttons that this parent got (a press may come days later)."""
    prompt = session.get(Prompt, prompt_id)
    if prompt is None or not prompt_kinds.of(prompt.kind).options or not prompt.options:
        return None
    if prompt.community_id != person.community_id or not received(session, prompt, person):
        return None
    return prompt


def answer_to_share(session: Session, answer_id: int, person: Person) -> PromptAnswer | None:
    """The parent's own answer, not shared yet, with something to show; else None."""
    answer = session.get(PromptAnswer, answer_id)
    if answer is None or answer.person_id != person.id or answer.shared_at is not None:
        return None
    return answer if answer.text or answer.media else None


def share_rooms(session: Session, community: Community) -> list[Room]:
    rows = session.scalars(select(Room).where(Room.community_id == community.id).order_by(Room.id))
    return [room for room in rows if (room.purpose or SHARE_PURPOSE) == SHARE_PURPOSE]
