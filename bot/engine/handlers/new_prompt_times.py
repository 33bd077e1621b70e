"""When a /new prompt goes out: a typed day and time ("14-10 10:00"), and the next slot of the
programme for its kind. Apart from bot/engine/handlers/new_prompt.py, which asks the questions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.engine.context import Context
from community.services.prompts import to_utc, when_text, with_community_time
from config.programme import DAYS

ROLL_OVER = timedelta(days=30)
WHEN = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?\s+(\d{1,2})[:.](\d{2})$")


def typed_moment(ctx: Context, text: str) -> datetime | None:
    """A typed day and time ("14-10 10:00") as UTC, still to come; else says why, None."""
    config = ctx.settings.prompts
    match = WHEN.match(text.strip())
    now_local = ctx.clock.now().astimezone(config.zone)
    moment: datetime | None = None
    if match:
        day, month, year, hour, minute = match.groups()
        full_year = int(year) + (2000 if year and len(year) == 2 else 0) if year else None
        try:
            moment = datetime(
                full_year or now_local.year, int(month), int(day), int(hour), int(minute)
            )
            # "14-10" in December means next October; a moment earlier today has passed.
            if full_year is None and moment < now_local.replace(tzinfo=None) - ROLL_OVER:
                moment = moment.replace(year=moment.year + 1)
        except ValueError:
            moment = None
    if moment is None:
        ctx.reply.say("new.bad_when")
        return None
    at = to_utc(moment, config)
    if at <= ctx.clock.now():
        ctx.reply.say("new.past_when")
        return None
    return at


def programme_slot(ctx: Context) -> datetime | None:
    """The next moment the programme sends this kind of prompt in the writer's community (its
    coordinator's day and time, or the programme file's), if there is one."""
    state, config = ctx.dialogue.state, ctx.settings.prompts
    speaker = ctx.who.speaker
    community = ctx.domain.communities.of(speaker) if speaker is not None else None
    kind = state.data.get("kind") if state is not None else None
    if community is None or config.programme is None or kind is None:
        return None
    items = [with_community_time(i, community) for i in config.programme.items if i.kind == kind]
    if not items:
        return None
    now_local = ctx.clock.now().astimezone(config.zone)
    item = items[0]
    days_ahead = (DAYS.index(item.day) - now_local.weekday()) % 7
    for extra in (0, 7):
        moment = datetime.combine(now_local.date() + timedelta(days=days_ahead + extra), item.at)
        due = to_utc(moment, config)
        if due > ctx.clock.now():
            event = state.data.get("event_at") if state is not None else None
            if event and due >= datetime.fromisoformat(str(event)):
                return None  # the slot comes after the event itself
            return due
    return None


def when(ctx: Context, moment: datetime | None) -> str:
    return when_text(moment, ctx.who.locale, ctx.settings.prompts) if moment is not None else ""
