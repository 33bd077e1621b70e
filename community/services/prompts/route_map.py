"""The route map (/routekaart): the rhythm of the prompts, what comes next and where help is.
A parent sees what they will get (the audience rule, community/services/prompts/audience.py);
a room gets its community's map pinned each Monday, edited in place when the schedule
changes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from community import prompt_kinds
from community.actions import EditMessage, PinMessage, SendMessage, Target
from community.clock import Clock
from community.i18n import Translator
from community.models import Community, Person, Prompt, Role, Room
from community.services import outbox
from community.services.outbox import Outgoing
from community.services.prompts.audience import why_not
from community.services.prompts.programme import sync_programme
from community.services.prompts.schedule import in_quiet_hours, local, when_text
from community.views import PromptView
from config import Settings
from config.programme import PromptSettings

ROUTE_MAP_DAY, ROUTE_MAP_AT = 0, time(9, 0)  # rooms get a new pinned route map on Monday 09:00
ROUTE_MAP_LINES = 6  # prompts to come listed


def upcoming(session: Session, person: Person, clock: Clock, days: int = 14) -> list[Prompt]:
    """The prompts this person will get in the next `days` days: for a parent, those delivery
    will send them (none while they paused prompts); staff see all of their community's."""
    if person.community is None:
        return []
    rows = upcoming_in_community(session, person.community, clock, days)
    if person.role is not Role.PARENT:
        return rows
    return [prompt for prompt in rows if why_not(person, person.profile, prompt) is None]


def upcoming_in_community(
    session: Session, community: Community, clock: Clock, days: int = 14
) -> list[Prompt]:
    now = clock.now()
    return list(
        session.scalars(
            select(Prompt)
            .where(
                Prompt.community_id == community.id,
                Prompt.delivered_at.is_(None),
                Prompt.due_at <= now + timedelta(days=days),
            )
            .order_by(Prompt.due_at, Prompt.id)
        )
    )


def route_map_lines(
    coming: Sequence[Prompt | PromptView],
    locale: str,
    translator: Translator,
    config: PromptSettings,
) -> list[str]:
    """The route map: the rhythm (at most N a week, never in the quiet hours), the prompts to
    come, and where help and one's data are."""
    programme = config.programme
    lines = [
        translator.t(locale, "routekaart.intro"),
        translator.t(
            locale,
            "routekaart.rhythm",
            count=programme.max_per_week if programme is not None else 3,
            start=config.quiet_start.strftime("%H:%M"),
            end=config.quiet_end.strftime("%H:%M"),
        ),
    ]

    def when(moment: datetime, locale: str) -> str:
        return when_text(moment, locale, config)

    if coming:
        lines += ["", translator.t(locale, "routekaart.next")]
        for prompt in coming[:ROUTE_MAP_LINES]:
            what = prompt_kinds.of(prompt.kind).route_line(prompt, locale, translator, when)
            lines.append(f"- {when_text(prompt.due_at, locale, config)}: {what}")
    else:
        lines += ["", translator.t(locale, "routekaart.nothing")]
    return [*lines, "", translator.t(locale, "routekaart.help")]


def post_route_maps(
    session_factory: sessionmaker[Session],
    translator: Translator,
    clock: Clock,
    settings: Settings,
) -> int:
    """Each Monday from 09:00, every room of a community gets the route map, pinned, in the
    community's language (once a week: the key names the room and the week). When the schedule
    changes after that (a new prompt, a changed programme), the pinned map is edited in place.
    Returns how many messages were queued."""
    config = settings.prompts
    now = clock.now()
    today = local(now, config)
    if not config.enabled or in_quiet_hours(now, config):
        return 0
    weekly = today.weekday() == ROUTE_MAP_DAY and today.time() >= ROUTE_MAP_AT
    year, week, _ = today.isocalendar()
    queued = 0
    with session_factory.begin() as session:
        for community in session.scalars(select(Community)).all():
            rooms = session.scalars(select(Room).where(Room.community_id == community.id)).all()
            if not rooms:
                continue
            sync_programme(session, config, community, clock)
            coming = upcoming_in_community(session, community, clock)
            locale = translator.resolve(community.default_locale)
            text = "\n".join(route_map_lines(coming, locale, translator, config))
            digest = hashlib.sha256(text.encode()).hexdigest()
            for room in rooms:
                if weekly:
                    queued += _pin_route_map(session, room, text, digest, f"{year}-{week}", clock)
                if room.route_map_id is not None and room.route_map_digest != digest:
                    edit = EditMessage(Target(outbox_id=room.route_map_id), text)
                    queued += outbox.enqueue_all(
                        session, [Outgoing(room.platform, room.chat_id, edit)], clock
                    )
                    room.route_map_digest = digest
    return queued


def _pin_route_map(
    session: Session, room: Room, text: str, digest: str, week: str, clock: Clock
) -> int:
    def pinned(row_id: int) -> None:
        room.route_map_id, room.route_map_digest = row_id, digest

    key = f"routekaart:{room.id}:{week}"
    return outbox.enqueue_all(
        session,
        [
            Outgoing(room.platform, room.chat_id, SendMessage(text), None, key, queued=pinned),
            Outgoing(
                room.platform, room.chat_id, PinMessage(Target(earlier=1)), None, f"{key}:pin"
            ),
        ],
        clock,
    )
