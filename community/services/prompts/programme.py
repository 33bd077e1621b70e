"""The programme in the database: the programme file's prompts stored per community (on the
coordinator's own day and time per kind, if set), and a prompt a professional wrote."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from community import prompt_kinds
from community.actions import Media
from community.clock import Clock
from community.models import Community, Person, Prompt
from community.services.prompts.schedule import to_utc
from community.views import CommunityView
from config.programme import DAYS, Programme, ProgrammeItem, PromptSettings, parse_hhmm
from config.reader import ConfigError

log = logging.getLogger(__name__)


def sync_programme(
    session: Session, settings: PromptSettings, community: Community, clock: Clock
) -> int:
    """Store the programme's prompts for a community (idempotent); returns how many are new.
    Undelivered prompts follow changes to the programme file, also when an item leaves it (its
    unsent prompts are skipped); a prompt due before the community existed is stored as
    skipped, so a new community never gets last week's messages."""
    programme = settings.programme
    if programme is None:
        return 0
    existing = {
        prompt.key: prompt
        for prompt in session.scalars(
            select(Prompt).where(
                Prompt.community_id == community.id,
                Prompt.key.is_not(None),
                Prompt.key.not_like("file:%"),  # imported prompts (prompt_import) are not ours
            )
        )
    }
    added = 0
    wanted: set[str] = set()
    for configured in usable_items(programme):
        for week in configured.weeks:
            key = f"{configured.key}-w{week}"
            wanted.add(key)
            added += _store_week(session, settings, community, configured, week, existing.get(key),
                                 clock)  # fmt: skip
    # A programme replaced mid-year (as the shipped one was) must not add its old prompts to the
    # new ones: that would break the limit per week.
    for old_key, prompt in existing.items():
        if old_key not in wanted and prompt.delivered_at is None:
            prompt.skipped, prompt.delivered_at = True, clock.now()
    session.flush()
    return added


def check_programme(settings: PromptSettings) -> None:
    """Refuse a programme file with an item the registry cannot send (at start and in
    `ouderkring doctor`): the same problems `usable_items` leaves out, as a config error."""
    programme = settings.programme
    if programme is None:
        return
    source = settings.sources[0] if settings.sources else "programme"
    for index, item in enumerate(programme.items):
        kind = prompt_kinds.find(item.kind)
        if kind is None:
            raise ConfigError(source, f"item[{index}].kind",
                              f"use one of {', '.join(prompt_kinds.names())}")  # fmt: skip
        if kind.event and (item.event_at is None or not item.place):
            raise ConfigError(source, f"item[{index}].kind",
                              f"a {item.kind} needs event_day, event_time and place")  # fmt: skip


def usable_items(programme: Programme) -> list[ProgrammeItem]:
    """The programme's items of a registered kind that has what the kind needs (an event); the
    others are left out, with an error in the log."""
    usable = []
    for item in programme.items:
        kind = prompt_kinds.find(item.kind)
        if kind is None:
            log.error("programme item %s: unknown kind %r", item.key, item.kind)
        elif kind.event and (item.event_at is None or not item.place):
            log.error("programme item %s: a %s needs event_day, event_time and place",
                      item.key, item.kind)  # fmt: skip
        else:
            usable.append(item)
    return usable


def _store_week(
    session: Session,
    settings: PromptSettings,
    community: Community,
    configured: ProgrammeItem,
    week: int,
    prompt: Prompt | None,
    clock: Clock,
) -> int:
    """Store (1) or update (0) one week's prompt of a programme item."""
    programme = settings.programme
    assert programme is not None
    item = with_community_time(configured, community)
    due_at = to_utc(item.local_due(programme.start, week), settings)
    event = item.local_event(programme.start, week)
    event_at = to_utc(event, settings) if event is not None else None
    if event_at is not None and due_at >= event_at:
        # The coordinator's day falls after the event in that week: keep the file's.
        due_at = to_utc(configured.local_due(programme.start, week), settings)
    if prompt is None:
        late = due_at < community.created_at
        session.add(
            Prompt(
                community_id=community.id, key=f"{item.key}-w{week}", kind=item.kind,
                texts=dict(item.texts), age_bands=list(item.age_bands), due_at=due_at,
                event_at=event_at, place=item.place, media=item.media, created_at=clock.now(),
                recipients=0, skipped=late, delivered_at=clock.now() if late else None,
            )
        )  # fmt: skip
        return 1
    if prompt.delivered_at is None:
        prompt.texts, prompt.age_bands = dict(item.texts), list(item.age_bands)
        prompt.due_at, prompt.event_at, prompt.place = due_at, event_at, item.place
        prompt.media = item.media
    return 0


def with_community_time(item: ProgrammeItem, community: Community | CommunityView) -> ProgrammeItem:
    """The item on the community coordinator's day and time for its kind, if they set one."""
    spec = (community.programme_times or {}).get(item.kind)
    if not isinstance(spec, str) or len(spec.split()) != 2:
        return item
    day, at = spec.split()
    if day not in DAYS:
        return item
    return dataclasses.replace(item, day=day, at=parse_hhmm(at))


def set_programme_time(community: Community, kind: str, day: str, at: time) -> None:
    times = dict(community.programme_times or {})
    times[kind] = f"{day} {at.strftime('%H:%M')}"
    community.programme_times = times  # a new dict: the JSON column sees the change


def create_prompt(
    session: Session,
    community: Community,
    kind: str,
    texts: dict[str, str],
    due_at: datetime,
    clock: Clock,
    *,
    author: Person | None = None,
    event_at: datetime | None = None,
    place: str | None = None,
    age_bands: Sequence[str] = (),
    neighbourhood_id: int | None = None,
    media: Media | None = None,
    options: Sequence[str] | None = None,
) -> Prompt:
    """A prompt a professional wrote (no programme key)."""
    if prompt_kinds.find(kind) is None:
        raise ValueError(f"not a prompt kind: {kind!r}")
    prompt = Prompt(
        community_id=community.id, key=None, kind=kind, texts=dict(texts),
        options=list(options) if options else None,
        age_bands=list(age_bands), neighbourhood_id=neighbourhood_id, due_at=due_at,
        event_at=event_at, place=place,
        media=media.to_json() if media is not None else None,
        author_id=author.id if author else None, created_at=clock.now(), recipients=0,
        skipped=False,
    )  # fmt: skip
    session.add(prompt)
    session.flush()
    return prompt
