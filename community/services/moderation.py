"""Moderation in a community's group rooms: reports, links held from newcomers, removals.

A report (or a held link) is a `ModerationReport` row that the coordinators' buttons name by
id; it keeps where the message is and who wrote it, never its text. A newcomer's join time is a
`RoomNewcomer` row, kept only for the first day. Both are erased with the person (ON DELETE
CASCADE) and pruned nightly (`community.services.housekeeping`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, joinedload

from community.clock import Clock
from community.models import (
    ModerationReport,
    OutboxMessage,
    Person,
    RelayedMessage,
    Role,
    Room,
    RoomNewcomer,
)
from community.services import people, relay
from community.services.people import Speaker
from community.services.rows import maybe, row, view, views
from community.views import ReportView, RoomView

# What counts as a link: a web address, a bare domain with a common ending, a Telegram or
# Matrix invite, or a mention of a bot (which can carry a link of its own).
_TLDS = "com|nl|net|org|eu|be|de|io|me|ly|info|xyz|ru|app|link|click|biz|co|top|online|site"
LINK = re.compile(
    r"(?:https?://|www\.|\bt\.me/|\btelegram\.(?:me|dog)/|\bmatrix\.to/"
    rf"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/|$|\s|[.,!?)])"
    r"|@\w*bot\b)",
    re.IGNORECASE,
)
REPORT, HELD = "report", "held"
DELETE, WARN, REMOVE, ALLOW = "delete", "warn", "remove", "allow"
# What each kind of report offers, in the order of its buttons.
VERBS = {REPORT: (DELETE, WARN, REMOVE), HELD: (ALLOW, DELETE, REMOVE)}


def has_link(text: str) -> bool:
    return LINK.search(text) is not None


@dataclass(frozen=True)
class Author:
    """Who wrote a message in a group room: a stored person (as plain values), or only a
    platform id."""

    person: Speaker | None
    platform: str | None = None
    user_id: str | None = None

    @property
    def known(self) -> bool:
        return self.person is not None or self.user_id is not None


@dataclass(frozen=True)
class Copy:
    """A relayed copy of ours, as a report on it needs it: its text and its original's author."""

    text: str
    author: Author


def _plain(person: Person | None) -> Speaker | None:
    return Speaker.of(person) if person is not None else None


class Moderation:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    # -- newcomers ------------------------------------------------------------------------------
    def record_join(self, room: RoomView, person: Speaker) -> None:
        """They joined now (again): their first day starts now."""
        self.session.execute(
            delete(RoomNewcomer).where(
                RoomNewcomer.room_id == room.id, RoomNewcomer.person_id == person.id
            )
        )
        self.session.execute(
            insert(RoomNewcomer),
            {"room_id": room.id, "person_id": person.id, "joined_at": self.clock.now()},
        )

    def is_newcomer(self, room: RoomView, person: Speaker, hours: int) -> bool:
        since = self.clock.now() - timedelta(hours=hours)
        joined = self.session.scalar(
            select(RoomNewcomer.joined_at).where(
                RoomNewcomer.room_id == room.id, RoomNewcomer.person_id == person.id
            )
        )
        return joined is not None and joined > since

    def trust(self, room: RoomView, person: Speaker) -> None:
        """A coordinator allowed their link: they are no newcomer any more."""
        self.session.execute(
            delete(RoomNewcomer).where(
                RoomNewcomer.room_id == room.id, RoomNewcomer.person_id == person.id
            )
        )

    def author(self, platform: str, user_id: str) -> Author:
        """Who a platform id is in a room: a stored person, or only the id."""
        return Author(_plain(people.find(self.session, platform, user_id)), platform, user_id)

    # -- reports --------------------------------------------------------------------------------
    def copy_of(self, room: RoomView, message_id: str) -> Copy | None:
        """The message is one of our relayed copies: its text and who wrote the original."""
        row = self.session.execute(
            select(OutboxMessage.payload, RelayedMessage.person_id)
            .join(RelayedMessage, RelayedMessage.copy_id == OutboxMessage.id)
            .where(
                OutboxMessage.platform == room.platform,
                OutboxMessage.chat_id == room.chat_id,
                OutboxMessage.remote_id == message_id,
            )
            .limit(1)
        ).first()
        if row is None:
            return None
        person = self.session.get(Person, row.person_id) if row.person_id is not None else None
        return Copy(str(row.payload.get("text", "")), Author(_plain(person)))

    def open_report(
        self, kind: str, room: RoomView, message_id: str, author: Author, reporter: Speaker | None
    ) -> ReportView:
        person = author.person
        report = ModerationReport(
            community_id=room.community_id,
            room_id=room.id,
            message_id=message_id,
            kind=kind,
            member_id=person.id if person is not None else None,
            member_platform=None if person is not None else author.platform,
            member_user_id=None if person is not None else author.user_id,
            reporter_id=reporter.id if reporter is not None else None,
            done=[],
            created_at=self.clock.now(),
        )
        self.session.add(report)
        self.session.flush()
        return view(self.session, ReportView, report)

    def report(self, report_id: int) -> ReportView | None:
        return maybe(self.session, ReportView, self.session.get(ModerationReport, report_id))

    def room_of(self, report: ReportView) -> RoomView | None:
        return maybe(self.session, RoomView, self.session.get(Room, report.room_id))

    def author_of(self, report: ReportView) -> Author:
        if report.member_id is not None:
            return Author(_plain(self.session.get(Person, report.member_id)))
        return Author(None, report.member_platform, report.member_user_id)

    def mark(self, seen: ReportView, verb: str) -> ReportView:
        """Record what a coordinator did; the report closes when nothing is left to do.
        Returns the report as it is now."""
        report = row(self.session, ModerationReport, seen.id)
        report.done = [*report.done, verb]
        left = [v for v in VERBS.get(report.kind, ()) if v not in report.done]
        if verb in (REMOVE, ALLOW) or (report.kind == HELD and verb == DELETE) or not left:
            report.closed_at = self.clock.now()
        return view(self.session, ReportView, report)

    def removal_rooms(self, report: ReportView, platform: str) -> list[RoomView]:
        """Where a removed member goes out of: the report's room's relay circle (its rooms of
        the same purpose), on the member's own platform."""
        room = self.session.get(Room, report.room_id)
        if room is None:
            return []
        circle = relay.circle(self.session, room)
        return views(self.session, RoomView, [r for r in circle if r.platform == platform])

    def removed_recently(self, room: RoomView, person: Speaker) -> bool:
        """A coordinator removed them from this community's rooms (the report is still kept):
        the bot does not let them in again by itself."""
        reports = self.session.scalars(
            select(ModerationReport).where(
                ModerationReport.community_id == room.community_id,
                ModerationReport.member_id == person.id,
            )
        )
        return any(REMOVE in r.done for r in reports)

    def stored_about(self, person_id: int) -> tuple[int, int, datetime | None]:
        """For /mydata: reports they made, reports about their messages, and when they last
        joined a room (kept only for their first day there)."""

        def count(column: Any) -> Any:
            query = select(func.count()).select_from(ModerationReport).where(column == person_id)
            return query.scalar_subquery()

        joined = select(func.max(RoomNewcomer.joined_at)).where(RoomNewcomer.person_id == person_id)
        made, about, since = self.session.execute(  # one round trip
            select(
                count(ModerationReport.reporter_id),
                count(ModerationReport.member_id),
                joined.scalar_subquery(),
            )
        ).one()
        return int(made or 0), int(about or 0), since

    def coordinators(self, community_id: int) -> list[Speaker]:
        return [
            Speaker.of(person)
            for person in self.session.scalars(
                select(Person)
                .options(joinedload(Person.profile))
                .where(
                    Person.community_id == community_id,
                    Person.role == Role.COORDINATOR,
                    Person.active.is_(True),
                )
                .order_by(Person.id)
            )
        ]


def forget(session: Session, clock: Clock, newcomer_hours: int, report_days: int) -> int:
    """Nightly: join times past the first day, reports past their days."""
    now = clock.now()
    newcomers = session.execute(
        delete(RoomNewcomer)
        .where(RoomNewcomer.joined_at < now - timedelta(hours=newcomer_hours))
        .execution_options(synchronize_session=False)
    )
    reports = session.execute(
        delete(ModerationReport)
        .where(ModerationReport.created_at < now - timedelta(days=report_days))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(newcomers.rowcount) + int(reports.rowcount)  # type: ignore[attr-defined]
