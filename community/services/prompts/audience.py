"""Who gets a prompt: the one rule that delivery, the route map (/routekaart), the digest's
count of parents reached and the reach list (/reach) all read, so that none promises a prompt
the others skip.

A parent gets a prompt when they are an active parent of its community who finished joining,
messages reach them, they did not pause prompts, and the prompt is for them: it names none of
their children's age bands only if it names no age band at all, and it names their
neighbourhood or none. A parent who joins after a prompt went out did not get it (delivery
happens once); their first route map shows only what is still to come."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from community.models import ParentProfile, Person, Prompt, Role

# Why a parent does not get a prompt (None: they do). The first four are about the parent
# (`standing`), the last two about the prompt's audience.
NOT_A_PARENT = "not_a_parent"
NOT_JOINED = "not_joined"
UNREACHABLE = "unreachable"
PAUSED = "paused"
OTHER_AGES = "other_ages"
OTHER_NEIGHBOURHOOD = "other_neighbourhood"


def standing(person: Person, profile: ParentProfile | None) -> str | None:
    """Why this person gets no prompts at all, or None when they get those meant for them."""
    if person.role is not Role.PARENT or not person.active:
        return NOT_A_PARENT
    if profile is None or profile.completed_at is None:
        return NOT_JOINED
    if person.unreachable_at is not None:
        return UNREACHABLE
    if profile.prompts_paused:
        return PAUSED
    return None


def why_not(person: Person, profile: ParentProfile | None, prompt: Prompt) -> str | None:
    """Why this person does not get the prompt, or None when they get it."""
    reason = standing(person, profile)
    if reason is not None or profile is None:
        return reason or NOT_JOINED
    if person.community_id != prompt.community_id:
        return NOT_A_PARENT
    bands = set(prompt.age_bands)
    if bands and not bands & set(profile.age_bands):
        return OTHER_AGES
    if prompt.neighbourhood_id is not None and profile.neighbourhood_id != prompt.neighbourhood_id:
        return OTHER_NEIGHBOURHOOD
    return None


def gets(person: Person, prompt: Prompt) -> bool:
    return why_not(person, person.profile, prompt) is None


def parents(community_id: int) -> Select[Person, ParentProfile]:
    """The community's active parents who finished joining, with their profiles: everyone the
    rule may say yes to (and whom the reach list looks at)."""
    return (
        select(Person, ParentProfile)
        .join(ParentProfile, ParentProfile.person_id == Person.id)
        .where(
            Person.community_id == community_id,
            Person.role == Role.PARENT,
            Person.active.is_(True),
            ParentProfile.completed_at.is_not(None),
        )
        .order_by(Person.id)
    )


def recipients(session: Session, prompt: Prompt) -> list[Person]:
    """The parents who get the prompt (`why_not` says None for them)."""
    query = parents(prompt.community_id).where(
        Person.unreachable_at.is_(None), ParentProfile.prompts_paused.is_(False)
    )
    rows = session.execute(query).all()
    return [person for person, profile in rows if why_not(person, profile, prompt) is None]
