"""The domain as one handled event sees it: one service object per area, each bound to that
event's transaction (`domain.rooms.find(...)`, `domain.buddies.pair(...)`).

Handlers get this through their context and never see a Session; the engine owns the
transaction (all or nothing). Scheduled jobs and the matcher use the same services directly.
"""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.orm import Session

from community.clock import Clock
from community.services.buddies import Buddies
from community.services.chat_areas import Relay, Rooms, Sent
from community.services.domain_areas import Communities, Dialogues, People, Privacy
from community.services.moderation import Moderation
from community.services.prompts import Prompts
from community.services.staff import Staff
from community.services.translators import Translations


class Domain:
    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self.clock = clock
        # The people whose first name this event read: what it queues may quote them, so the
        # rows are linked to them and erased with them (`Outgoing.mentions`).
        self.quoted: set[int] = set()

    @cached_property
    def communities(self) -> Communities:
        return Communities(self._session, self.clock)

    @cached_property
    def people(self) -> People:
        return People(self._session, self.clock)

    @cached_property
    def privacy(self) -> Privacy:
        """/mydata and erasure (community/services/mydata.py, erasure.py)."""
        return Privacy(self._session, self.clock, self.quoted)

    @cached_property
    def dialogues(self) -> Dialogues:
        return Dialogues(self._session, self.clock)

    @cached_property
    def rooms(self) -> Rooms:
        return Rooms(self._session, self.clock)

    @cached_property
    def relay(self) -> Relay:
        return Relay(self._session, self.clock)

    @cached_property
    def sent(self) -> Sent:
        return Sent(self._session, self.clock)

    @cached_property
    def buddies(self) -> Buddies:
        return Buddies(self._session, self.clock, self.quoted)

    @cached_property
    def moderation(self) -> Moderation:
        return Moderation(self._session, self.clock)

    @cached_property
    def staff(self) -> Staff:
        return Staff(self._session, self.clock, self.quoted)

    @cached_property
    def translations(self) -> Translations:
        return Translations(self._session, self.clock)

    @cached_property
    def prompts(self) -> Prompts:
        """Weekly prompts: delivery, RSVPs, answers, route map, reach
        (community/services/prompts/)."""
        return Prompts(self._session, self.clock)
