"""/programme: a community's coordinator sets the day and time its prompts of one kind go out
(tips, questions, invitations, support reminders). The programme file stays as it is; the
community's own times are applied to every prompt not yet sent, and the pinned route map
follows (`community.services.prompts.programme.with_community_time`)."""

from __future__ import annotations

import re

from babel.dates import get_day_names

from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question, start_flow
from bot.engine.handlers.which_community import AFTER, community_for
from community import prompt_kinds
from community.models import Role
from community.views import CommunityView
from config.programme import DAYS, parse_hhmm

HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _day_name(ctx: Context, day: str) -> str:
    return str(get_day_names("wide", locale=ctx.who.locale)[DAYS.index(day)])


def programme(ctx: Context) -> None:
    if ctx.settings.prompts.programme is None or not ctx.settings.prompts.enabled:
        ctx.reply.say("programme.none")
        return
    community = community_for(ctx, "programme")
    if community is not None:
        _start(ctx, community)


def _start(ctx: Context, community: CommunityView) -> None:
    start_flow(ctx, "programme", community=community.slug)


AFTER["programme"] = _start


def _community(ctx: Context) -> CommunityView | None:
    """The community this flow sets times for: the admin's choice, or the coordinator's own."""
    if ctx.who.role is not Role.ADMIN:
        return ctx.domain.communities.of(ctx.who.require_speaker())
    state = ctx.dialogue.state
    slug = state.data.get("community") if state is not None else None
    return ctx.domain.communities.by_slug(str(slug)) if slug else None


class ProgrammeKind(Question):
    name = "programme_kind"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(Choice(kind.name, ctx.reply.t(kind.label)) for kind in prompt_kinds.kinds())

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("programme.ask_kind", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        ctx.dialogue.remember(kind=key)
        return Outcome.NEXT


class ProgrammeDay(Question):
    name = "programme_day"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(Choice(day, _day_name(ctx, day)) for day in DAYS)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("programme.ask_day", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        ctx.dialogue.remember(day=key)
        return Outcome.NEXT


class ProgrammeTime(Question):
    name = "programme_time"

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("programme.ask_time")

    def on_text(self, ctx: Context, text: str) -> Outcome:
        typed = text.strip().replace(".", ":")
        if len(typed) == 4 and typed[1] == ":":
            typed = "0" + typed  # 9:30
        if not HHMM.match(typed):
            ctx.reply.say("programme.bad_time")
            return Outcome.STAY
        at = parse_hhmm(typed)
        config = ctx.settings.prompts
        quiet = (
            config.quiet_start <= at or at < config.quiet_end
            if config.quiet_start > config.quiet_end
            else config.quiet_start <= at < config.quiet_end
        )
        if quiet:
            start, end = config.quiet_end.strftime("%H:%M"), config.quiet_start.strftime("%H:%M")
            ctx.reply.say("programme.quiet", start=start, end=end)
            return Outcome.STAY
        state = ctx.dialogue.state
        community = _community(ctx)
        if state is None or community is None:
            return Outcome.DONE
        kind, day = str(state.data["kind"]), str(state.data["day"])
        ctx.dialogue.leave()
        ctx.domain.prompts.set_programme_time(community, kind, day, at)
        label = ctx.reply.t(prompt_kinds.of(kind).label)
        ctx.reply.say("programme.saved", kind=label, day=_day_name(ctx, day), time=typed)
        return Outcome.DONE
