"""People stored straight in the database, for tests about group rooms: a parent who finished
onboarding in a community (so they belong in its rooms), or staff of it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import Community, ParentProfile, Person, Role


def add_member(
    session: Session,
    platform: str,
    user_id: str,
    clock: Clock,
    role: Role = Role.PARENT,
    community: Community | None = None,
    locale: str = "nl",
) -> Person:
    """A person of `community` (the first one when not given); a parent is onboarded."""
    community = community or session.scalars(select(Community).order_by(Community.id)).first()
    assert community is not None
    person = Person(
        platform=platform, platform_user_id=user_id, private_chat_id=user_id, locale=locale,
        role=role, created_at=clock.now(), community_id=community.id,
    )  # fmt: skip
    session.add(person)
    session.flush()
    if role is Role.PARENT:
        now = clock.now()
        session.add(ParentProfile(person_id=person.id, consent_at=now, completed_at=now))
        session.flush()
    return person
