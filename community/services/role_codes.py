"""One-time codes that make someone a coordinator or professional of a community.

Who may make which code: an admin makes coordinator (and professional) codes, a coordinator
makes professional codes. Only a hash of the code is stored; the code is shown once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from community.clock import Clock
from community.models import CodeTry, Community, Person, Role, RoleCode
from community.services.outbox import Claimed

if TYPE_CHECKING:
    from community.services.people import Speaker

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10

MAY_CREATE: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset({Role.COORDINATOR, Role.PROFESSIONAL, Role.TRANSLATOR}),
    Role.COORDINATOR: frozenset({Role.PROFESSIONAL, Role.TRANSLATOR}),
}


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def may_create(creator_role: Role, role: Role) -> bool:
    return role in MAY_CREATE.get(creator_role, frozenset())


def create(
    session: Session,
    community: Community,
    role: Role,
    clock: Clock,
    days: int,
    created_by: Person | None = None,
) -> str:
    return create_record(session, community, role, clock, days, created_by)[0]


def create_record(
    session: Session,
    community: Community,
    role: Role,
    clock: Clock,
    days: int,
    created_by: Person | None = None,
) -> tuple[str, RoleCode]:
    """A new code and its stored record (which holds only the hash)."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    record = RoleCode(
        code_hash=_hash(code),
        role=role,
        community_id=community.id,
        created_by_id=created_by.id if created_by else None,
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(days=days),
    )
    session.add(record)
    session.flush()
    return code, record


def void_unsent(session: Session, code_id: int) -> None:
    """A code whose message never reached its maker is deleted: nobody can know it."""
    session.execute(delete(RoleCode).where(RoleCode.id == code_id, RoleCode.used_at.is_(None)))


def find_valid(session: Session, code: str, clock: Clock) -> RoleCode | None:
    """The unused, unexpired code record for `code`, or None."""
    if not code or len(code) > 64:
        return None
    record = session.scalar(select(RoleCode).where(RoleCode.code_hash == _hash(code)))
    if record is None or record.used_at is not None or record.expires_at <= clock.now():
        return None
    return record


def spent(session: Session, code: str, clock: Clock) -> str | None:
    """Why a code that exists does not work: "used" or "expired"; None if it is no code."""
    if not code or len(code) > 64:
        return None
    record = session.scalar(select(RoleCode).where(RoleCode.code_hash == _hash(code)))
    if record is None:
        return None
    if record.used_at is not None:
        return "used"
    return "expired" if record.expires_at <= clock.now() else None


def use(record: RoleCode, person: Person, clock: Clock) -> None:
    """Spend a code: it works once, and gives `person` its role in its community."""
    record.used_at, record.used_by_id = clock.now(), person.id
    person.role, person.community, person.active = record.role, record.community, True


# -- taking a role away --------------------------------------------------------------------------
# The same ladder as for making codes: an admin takes any staff role away, a coordinator only a
# professional's, and only in their own community.
# (Translators are not staff: /revoke does not list them.)
MAY_REVOKE: dict[Role, frozenset[Role]] = {
    role: made - {Role.TRANSLATOR} for role, made in MAY_CREATE.items()
}
STAFF_ROLES = (Role.COORDINATOR, Role.PROFESSIONAL)


def may_revoke(role: Role, community_id: int | None, target: Person | Speaker) -> bool:
    """Whether someone with `role` (of `community_id`) may take `target`'s role away."""
    if target.role not in MAY_REVOKE.get(role, frozenset()):
        return False
    return role is Role.ADMIN or (community_id is not None and community_id == target.community_id)


def void_made_by(session: Session, person: Person) -> None:
    """Codes a person made and nobody used yet stop working when they lose their role."""
    session.execute(
        delete(RoleCode).where(RoleCode.created_by_id == person.id, RoleCode.used_at.is_(None))
    )


def staff_of(session: Session, community: Community) -> list[Person]:
    """The coordinators and professionals of a community, longest in the role first."""
    return list(
        session.scalars(
            select(Person)
            .options(joinedload(Person.profile))  # read as plain values (`Speaker.of`)
            .where(
                Person.community_id == community.id,
                Person.role.in_(STAFF_ROLES),
            )
            .order_by(Person.id)
        )
    )


def staff_since(session: Session, person: Person) -> datetime:
    """When `person` got their role: the code they used last, else when they first wrote."""
    used = session.scalar(
        select(RoleCode.used_at)
        .where(RoleCode.used_by_id == person.id, RoleCode.used_at.is_not(None))
        .order_by(RoleCode.used_at.desc())
        .limit(1)
    )
    return used or person.created_at


def void_after_fallback(
    session: Session, claimed: Claimed, remote: str | None, clock: Clock
) -> None:
    """The stored fallback of a sealed code message went out instead of the code: void it (the
    outbox's after-sent hook for a `SealedMessage`, wired in bot/app.py)."""
    code_id = claimed.payload.get("code_id")
    if code_id is not None:
        void_unsent(session, int(code_id))


# -- slowing down guessing -----------------------------------------------------------------------
TRIES_PER_MINUTE = 5
TRY_WINDOW = timedelta(minutes=1)


def _who(platform: str, user_id: str) -> str:
    # A hash, not the id: the row says nothing readable about whom it slows down, and it lives
    # a minute at most.
    return hashlib.sha256(f"{platform}\0{user_id}".encode()).hexdigest()


def forget_tries(session: Session, clock: Clock) -> int:
    """Forget wrong tries older than the window (also run by the nightly housekeeping)."""
    result = session.execute(
        delete(CodeTry)
        .where(CodeTry.tried_at <= clock.now() - TRY_WINDOW)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def forget_tries_of(session: Session, platform: str, user_id: str) -> None:
    """Erasing a person forgets their wrong tries too (rows that would be gone in a minute)."""
    session.execute(delete(CodeTry).where(CodeTry.who == _who(platform, user_id)))


def too_many_tries(session: Session, platform: str, user_id: str, clock: Clock) -> bool:
    """Whether this platform user typed `TRIES_PER_MINUTE` wrong codes in the last minute; until
    the oldest of them is a minute old, no code is taken from them, not even a right one."""
    forget_tries(session, clock)
    count = session.scalar(
        select(func.count()).select_from(CodeTry).where(CodeTry.who == _who(platform, user_id))
    )
    return bool(count and count >= TRIES_PER_MINUTE)


def note_wrong_try(session: Session, platform: str, user_id: str, clock: Clock) -> None:
    session.add(CodeTry(who=_who(platform, user_id), tried_at=clock.now()))
