"""People and parent profiles: find, join a community, change answers, see and erase data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, literal_column, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from community.clock import Clock
from community.models import Community, DialogueState, ParentProfile, Person, Role
from community.services import erasure

# A one-time code can only raise a role, never keep it or lower it.
ROLE_RANK = {
    Role.GUEST: 0,
    Role.PARENT: 1,
    Role.TRANSLATOR: 1,  # a translator code is taken apart (bot/engine/handlers/translator_join.py)
    Role.PROFESSIONAL: 2,
    Role.COORDINATOR: 3,
    Role.ADMIN: 4,
}


@dataclass(frozen=True)
class Speaker:
    """The person an event comes from, as plain values: what the engine and a handler read
    to decide (who, which community, which language), with no session behind it, so that a
    handler reading only this can be tested without a database. A handler that changes what
    is stored passes it to a domain service, which loads the entity (`entity`)."""

    id: int
    platform: str
    platform_user_id: str
    private_chat_id: str | None
    role: Role
    community_id: int | None
    locale: str | None
    active: bool = True
    onboarded: bool = False
    voice_notes: bool = False

    @property
    def chat_id(self) -> str:
        """Their private chat (on some platforms the user id is the chat)."""
        return self.private_chat_id or self.platform_user_id

    @property
    def settled(self) -> bool:
        """Nothing left to ask: an onboarded parent, or staff who chose their language."""
        if self.role is Role.PARENT:
            return self.onboarded
        return self.role is not Role.GUEST and self.locale is not None

    @classmethod
    def of(cls, person: Person) -> Speaker:
        """A snapshot of `person` as loaded (profile and community are loaded with it)."""
        return cls(
            person.id, person.platform, person.platform_user_id, person.private_chat_id,
            person.role, person.community_id, person.locale, bool(person.active),
            is_onboarded(person), bool(person.voice_notes),
        )  # fmt: skip


def entity(session: Session, speaker: Speaker) -> Person:
    """The stored person a speaker is, for a service that changes it: the event loaded it
    already, so this is the session's own copy, found without a query."""
    person = session.get(Person, speaker.id)
    if person is None:
        raise LookupError(f"no person {speaker.id}")
    return person


_FIND = (
    select(Person)
    # Every handler reads the profile and the community: one query instead of three.
    .options(joinedload(Person.profile), joinedload(Person.community))
    .where(Person.platform == bindparam("platform"), Person.platform_user_id == bindparam("user"))
)


def find(session: Session, platform: str, user_id: str) -> Person | None:
    return session.scalar(_FIND, {"platform": platform, "user": user_id})


# One row always: a one-row anchor, outer-joined to the person and to their dialogue state
# (either may be missing). Every incoming event reads both: one round trip instead of two.
_ANCHOR = select(literal_column("1").label("one")).subquery("speaker")
_FIND_SPEAKER = (
    select(Person, DialogueState)
    .select_from(_ANCHOR)
    .outerjoin(
        Person,
        (Person.platform == bindparam("platform")) & (Person.platform_user_id == bindparam("user")),
    )
    .outerjoin(
        DialogueState,
        (DialogueState.platform == bindparam("platform"))
        & (DialogueState.user_id == bindparam("user")),
    )
    .options(joinedload(Person.profile), joinedload(Person.community))
)


def find_speaker(
    session: Session, platform: str, user_id: str
) -> tuple[Person | None, DialogueState | None]:
    """The person a platform user is (if stored) and their dialogue state (if any)."""
    person, state = session.execute(_FIND_SPEAKER, {"platform": platform, "user": user_id}).one()
    return person, state


def create(
    session: Session,
    platform: str,
    user_id: str,
    chat_id: str,
    clock: Clock,
    role: Role = Role.GUEST,
    locale: str | None = None,
) -> Person:
    person = Person(
        platform=platform,
        platform_user_id=user_id,
        private_chat_id=chat_id,
        role=role,
        locale=locale,
        active=True,
        created_at=clock.now(),
        last_seen_at=clock.now(),
    )
    session.add(person)
    session.flush()
    # Just stored: no profile yet, and no query to find that out when one is asked for.
    set_committed_value(person, "profile", None)
    return person


# "Last seen" is kept to the day: most events write nothing for it.
SEEN_EVERY = timedelta(days=1)


def seen(person: Person, now: datetime) -> None:
    """They wrote or pressed something: a silence that would erase them starts again. Changes
    the row only once a day (or to take back a warning), so the engine's usual event adds no
    statement for it."""
    last = person.last_seen_at
    if last is None or last <= now - SEEN_EVERY or person.inactivity_warned_at is not None:
        person.last_seen_at = now
        person.inactivity_warned_at = None


def join_as_parent(session: Session, person: Person, community: Community) -> ParentProfile:
    person.community = community
    person.role = Role.PARENT
    person.active = True
    if person.profile is None:
        person.profile = ParentProfile(home_languages=[], age_bands=[])
    session.flush()
    return person.profile


def parent_chat(person: Person | Speaker) -> str | None:
    """A parent's private chat (on some platforms the user id is the chat); None for staff."""
    if person.role is not Role.PARENT:
        return None
    return person.private_chat_id or person.platform_user_id


def is_onboarded(person: Person) -> bool:
    """A parent who answered every onboarding question (and so gave consent)."""
    profile = person.profile
    return person.role is Role.PARENT and profile is not None and profile.completed_at is not None


def erase(session: Session, person: Person, clock: Clock | None = None) -> None:
    """Delete everything stored about a person (community/services/erasure.py)."""
    erasure.erase(session, person, clock)
