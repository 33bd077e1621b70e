"""Staff and their one-time codes, as one handled event sees them: codes made, tried and used,
wrong tries counted, the staff of a community listed, a role given up (/stop) or taken away
(/revoke, `ouderkring role revoke`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from community.actions import SendMessage
from community.clock import Clock
from community.i18n import Translator
from community.models import Community, Person, Role, RoleCode
from community.services import dialogue_state, people, role_codes, room_setup, rooms
from community.services.domain_areas import erase_person
from community.services.outbox import Outgoing
from community.services.people import Speaker
from community.services.rows import hold, maybe, row, view
from community.views import CommunityView, RoleCodeView


class Staff:
    def __init__(self, session: Session, clock: Clock, quoted: set[int]) -> None:
        self._session = session
        self.clock = clock
        self._quoted = quoted  # the event's quoted people (`Domain.quoted`): an erased one is not

    def find_code(self, code: str) -> RoleCodeView | None:
        found = role_codes.find_valid(self._session, code, self.clock)
        return maybe(self._session, RoleCodeView, found)

    def spent_code(self, code: str) -> str | None:
        """ "used" or "expired" for a one-time code that no longer works, else None."""
        return role_codes.spent(self._session, code, self.clock)

    def code_by_id(self, code_id: int) -> RoleCodeView | None:
        """The code, if it is still unused and unexpired."""
        record = self._session.get(RoleCode, code_id)
        if record is None or record.used_at is not None or record.expires_at <= self.clock.now():
            return None
        return view(self._session, RoleCodeView, record)

    def too_many_tries(self, platform: str, user_id: str) -> bool:
        return role_codes.too_many_tries(self._session, platform, user_id, self.clock)

    def note_wrong_try(self, platform: str, user_id: str) -> None:
        role_codes.note_wrong_try(self._session, platform, user_id, self.clock)

    def use_code(self, record: RoleCodeView, speaker: Speaker) -> None:
        stored = row(self._session, RoleCode, record.id)
        role_codes.use(stored, people.entity(self._session, speaker), self.clock)

    def create_code(
        self, community: CommunityView, role: Role, days: int, created_by: Speaker | None
    ) -> tuple[str, int]:
        """A new code (shown once, never stored) and the id of its record."""
        maker = people.entity(self._session, created_by) if created_by is not None else None
        code, record = role_codes.create_record(
            self._session,
            row(self._session, Community, community.id),
            role,
            self.clock,
            days,
            created_by=maker,
        )
        return code, record.id

    def of(self, community: CommunityView) -> list[tuple[Speaker, datetime]]:
        """The community's coordinators and professionals, each with the day they got the role."""
        session = self._session
        staff = role_codes.staff_of(session, row(session, Community, community.id))
        return [
            (Speaker.of(hold(session, person)), role_codes.staff_since(session, person))
            for person in staff
        ]

    def member(self, person_id: int) -> Speaker | None:
        person = self._session.get(Person, person_id)
        if person is None or person.role not in role_codes.STAFF_ROLES:
            return None
        return Speaker.of(hold(self._session, person))

    def step_down(self, speaker: Speaker) -> None:
        """Staff who stop: no role, no community, and the codes they made and nobody used void."""
        person = people.entity(self._session, speaker)
        role_codes.void_made_by(self._session, person)
        person.role, person.community = Role.GUEST, None

    def revoke(
        self, member: Speaker, translator: Translator, default_locale: str
    ) -> list[Outgoing]:
        """Take a staff member's role away (and the codes they made that nobody used). They
        leave the rooms the bot made and everything stored about them is erased (staff keep
        nothing else: a parent who became staff lost their profile then); only their language
        stays, so the next reply is in it. Returns what to queue: the removals and a short
        message to them, in their language."""
        person = people.entity(self._session, member)
        locale = person.locale or default_locale
        community = person.community
        stay = rooms.of_community(self._session, community) if community else []
        items = room_setup.removals(stay, person)
        text = translator.t(
            locale,
            "revoke.told",
            role=translator.t(locale, f"role.{person.role.value}"),
            community=community.name if community else "",
        )
        chat_id = person.private_chat_id or person.platform_user_id
        items.append(Outgoing(person.platform, chat_id, SendMessage(text)))
        platform, user_id = person.platform, person.platform_user_id
        role_codes.void_made_by(self._session, person)
        self._quoted.discard(person.id)
        erase_person(self._session, person, self.clock)
        dialogue_state.set_locale(self._session, platform, user_id, locale, self.clock)
        return items
