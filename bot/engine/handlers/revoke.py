"""/revoke: a role can go down. An admin takes any staff role away (coordinator, professional) in
any community; a coordinator only a professional's, in their own community.

Whom is chosen with buttons (or by typing the number in front): the bot keeps no names, so each
staff member is shown by number, role, platform and the day they got the role. What the press
names is checked again at the end, against the database: a list shown a while ago cannot take a
role away that has changed since.
"""

from __future__ import annotations

from babel.dates import format_date

from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question, YesNoQuestion, start_flow
from bot.engine.handlers.staff import communities_of
from community.services.people import Speaker
from community.services.role_codes import may_revoke


def revoke(ctx: Context) -> None:
    options = communities_of(ctx)
    if not options:
        ctx.reply.say("code.no_community")
    elif len(options) == 1:
        start_flow(ctx, "revoke", "revoke_who", community=options[0].id)
    else:
        start_flow(ctx, "revoke")


def _may_revoke(ctx: Context, target: Speaker) -> bool:
    speaker = ctx.who.speaker
    if speaker is not None and speaker.id == target.id:
        return False
    return may_revoke(ctx.who.role, speaker.community_id if speaker else None, target)


class RevokeCommunity(Question):
    name = "revoke_community"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(Choice(f"community:{c.id}", c.name) for c in communities_of(ctx))

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("code.ask_community", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        ctx.dialogue.remember(community=int(key.split(":", 1)[1]))
        return Outcome.NEXT


class RevokeWho(Question):
    name = "revoke_who"

    def _targets(self, ctx: Context) -> list[tuple[Speaker, str]]:
        state = ctx.dialogue.state
        community_id = state.data.get("community") if state is not None else None
        community = ctx.domain.communities.by_id(int(community_id)) if community_id else None
        if community is None or community not in communities_of(ctx):
            return []
        return [
            (person, format_date(since.date(), format="medium", locale=ctx.who.locale))
            for person, since in ctx.domain.staff.of(community)
            if _may_revoke(ctx, person)
        ]

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(
            Choice(
                f"person:{person.id}",
                ctx.reply.t(
                    "revoke.item",
                    number=number,
                    role=ctx.reply.t(f"role.{person.role.value}"),
                    platform=person.platform.capitalize(),
                    date=since,
                ),
            )
            for number, (person, since) in enumerate(self._targets(ctx), 1)
        )

    def enter(self, ctx: Context) -> None:
        if not self._targets(ctx):
            ctx.dialogue.leave()
            ctx.reply.say("revoke.none")
            return
        self.prompt(ctx)

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("revoke.ask_who", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        ctx.dialogue.remember(person=int(key.split(":", 1)[1]))
        return Outcome.NEXT


class RevokeConfirm(YesNoQuestion):
    name = "revoke_confirm"
    ask_id, yes_id, no_id = "revoke.ask_sure", "revoke.yes", "button.no"
    no_first = True  # taking a role away cannot be undone with a button

    def _target(self, ctx: Context) -> Speaker | None:
        state = ctx.dialogue.state
        person_id = state.data.get("person") if state is not None else None
        target = ctx.domain.staff.member(int(person_id)) if person_id else None
        return target if target is not None and _may_revoke(ctx, target) else None

    def prompt(self, ctx: Context) -> None:
        target = self._target(ctx)
        role = ctx.reply.t(f"role.{target.role.value}") if target else ""
        ctx.reply.say(self.ask_id, role=role, choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        target = self._target(ctx)
        ctx.dialogue.leave()
        if key == "no":
            ctx.reply.say("revoke.kept")
        elif target is None:  # revoked by someone else, or stopped, meanwhile
            ctx.reply.say("revoke.gone")
        else:
            role = ctx.reply.t(f"role.{target.role.value}")
            ctx.out.queue(
                ctx.domain.staff.revoke(target, ctx.translator, ctx.settings.default_locale)
            )
            ctx.reply.say("revoke.done", role=role)
        return Outcome.DONE
