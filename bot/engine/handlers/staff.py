"""Commands for coordinators and admins: one-time role codes and the community overview."""

from __future__ import annotations

from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question, start_flow
from bot.engine.handlers.translating import community_lines
from bot.engine.handlers.which_community import say_no_community
from community.models import Role
from community.services.role_codes import may_create
from community.views import CommunityView


def communities_of(ctx: Context) -> list[CommunityView]:
    if ctx.who.role is Role.ADMIN:
        return ctx.domain.communities.all()
    community = ctx.domain.communities.of(ctx.who.require_speaker())
    return [community] if community else []


def _make_code(ctx: Context, role: Role, community: CommunityView) -> None:
    code, code_id = ctx.domain.staff.create_code(
        community, role, ctx.settings.role_code_days, created_by=ctx.who.speaker
    )
    ctx.dialogue.leave()
    ctx.reply.say("code.created", role=ctx.reply.t(f"role.{role.value}"), community=community.name)
    ctx.reply.say_sealed(f"/start {code}", fallback=ctx.reply.t("code.not_sent"), code_id=code_id)
    days = ctx.settings.role_code_days
    ctx.reply.say_text(ctx.reply.tn("code.howto", "code.howto.plural", days))


class CodeRole(Question):
    name = "code_role"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(
            Choice(f"role:{role.value}", ctx.reply.t(f"role.{role.value}"))
            for role in (Role.COORDINATOR, Role.PROFESSIONAL, Role.TRANSLATOR)
            if may_create(ctx.who.role, role)
        )

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("code.ask_role", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        role = Role(key.split(":", 1)[1])
        options = communities_of(ctx)
        if len(options) == 1:
            _make_code(ctx, role, options[0])
            return Outcome.DONE
        if not options:
            ctx.dialogue.leave()
            say_no_community(ctx)
            return Outcome.DONE
        ctx.dialogue.remember(role=role.value)
        return Outcome.NEXT


class CodeCommunity(Question):
    name = "code_community"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(Choice(f"community:{c.slug}", c.name) for c in communities_of(ctx))

    def prompt(self, ctx: Context) -> None:
        ctx.reply.say("code.ask_community", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        community = ctx.domain.communities.by_slug(key.split(":", 1)[1])
        state = ctx.dialogue.state
        if community is None or state is None:
            ctx.dialogue.leave()
            say_no_community(ctx)
            return Outcome.DONE
        _make_code(ctx, Role(state.data["role"]), community)
        return Outcome.DONE


def code(ctx: Context) -> None:
    """`/code`, or `/code professional` / `/code coordinator` to skip the question."""
    wanted = _typed_role(ctx)
    if wanted is not None and not may_create(ctx.who.role, wanted):
        # A coordinator asking for a coordinator code: say why not, then what they can make.
        ctx.reply.say("code.not_allowed", role=ctx.reply.t(f"role.{wanted.value}"))
        wanted = None
    if wanted is None:
        start_flow(ctx, "code")
        return
    ctx.dialogue.enter("code", "code_role")  # answered already: not asked
    if CodeRole().on_choice(ctx, f"role:{wanted.value}") is Outcome.NEXT:
        start_flow(ctx, "code", "code_community", role=wanted.value)


def _typed_role(ctx: Context) -> Role | None:
    """The role typed after /code, in English or the person's language."""
    typed = " ".join(ctx.incoming.args).strip().casefold()
    for role in (Role.COORDINATOR, Role.PROFESSIONAL):
        if typed in (role.value, ctx.reply.t(f"role.{role.value}").casefold()):
            return role
    return None


def community_overview(ctx: Context) -> None:
    options = communities_of(ctx)
    if not options:
        say_no_community(ctx)
    for community in options:
        counts = ctx.domain.communities.parent_counts(community)
        total = sum(count for _, count in counts)
        lines = [
            ctx.reply.tn(
                "community.parents", "community.parents.plural", total, community=community.name
            )
        ]
        lines += [f"{name or ctx.reply.t('profile.no_answer')}: {count}" for name, count in counts]
        unreachable = ctx.domain.communities.unreachable_count(community)
        if unreachable:
            lines.append(
                ctx.reply.tn("community.unreachable", "community.unreachable.plural", unreachable)
            )
        lines += community_lines(ctx, community)
        lines.append(ctx.reply.t("community.invite", code=community.invite_code))
        ctx.reply.say_text("\n".join(lines))
