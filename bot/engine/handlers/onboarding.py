"""First contact: /start with a community's invite code (or a role code), then the questions.

Warm and without thresholds (seeds 002 and 004): the only thing typed is a postcode, everything
else is a button, and a parent who says no to storing data leaves nothing behind.
"""

from __future__ import annotations

from bot.engine.commands import command
from bot.engine.context import Context
from bot.engine.dialogue import flow, reprompt, start_flow
from bot.engine.handlers.room_setup import invite_to_rooms
from community.models import Community, Person, Role
from community.services.people import is_settled

# Importing the questions registers them for the flows below.
from bot.engine.handlers import questions  # noqa: F401  # isort: skip

ONBOARDING = ("language", "consent", "postcode", "ages", "home_languages", "buddy")


@flow("onboarding", ONBOARDING)
def onboarding_done(ctx: Context) -> None:
    person = ctx.require_person()
    assert person.profile is not None
    person.profile.completed_at = ctx.clock.now()
    ctx.leave()
    ctx.say("done.joined", community=person.community.name if person.community else "")
    ctx.say("done.next")
    if person.profile.buddy_opt_in:
        ctx.say("done.buddy")
    ctx.say("done.help")
    invite_to_rooms(ctx, person)


@flow("staff", ("language",))
def staff_done(ctx: Context) -> None:
    person = ctx.require_person()
    ctx.leave()
    if ctx.role is Role.ADMIN:
        ctx.say("staff.admin")
    else:
        ctx.say(
            "staff.joined",
            role=ctx.t(f"role.{person.role.value}"),
            community=person.community.name if person.community else "",
        )
    ctx.say("done.help")
    invite_to_rooms(ctx, person)


def first_unanswered(person: Person) -> str | None:
    """Where an unfinished onboarding picks up again (after /cancel, /language, a new /start)."""
    profile = person.profile
    if person.role is not Role.PARENT or profile is None or profile.completed_at is not None:
        return None
    if person.locale is None:
        return "language"
    if profile.consent_at is None:
        return "consent"
    if not profile.age_bands:
        return "ages" if profile.postcode_area else "postcode"
    if not profile.home_languages:
        return "home_languages"
    return "buddy"


def resume_onboarding(ctx: Context) -> bool:
    step = first_unanswered(ctx.require_person())
    if step is None:
        return False
    start_flow(ctx, "onboarding", step)
    return True


def _single_community(ctx: Context) -> Community | None:
    every = ctx.domain.communities()
    return every[0] if len(every) == 1 else None


@command("start", roles=None)
def start(ctx: Context) -> None:
    code = ctx.incoming.args[0] if ctx.incoming.args else None
    person = ctx.person
    if ctx.role is Role.ADMIN and code is None:
        admin = ctx.ensure_person(Role.ADMIN)
        if admin.locale is None:
            start_flow(ctx, "staff")
        else:
            ctx.say("start.already")
        return
    if person is not None and code is None:
        if not person.active:
            person.active = True
            ctx.say("start.welcome_back")
        if is_settled(person):
            ctx.leave()  # /start is a fresh start: any open question is dropped
            ctx.say("start.already")
            return
        if ctx.state is not None:
            reprompt(ctx)
            return
        if resume_onboarding(ctx):
            return
    community = ctx.domain.community_by_code(code) if code else _single_community(ctx)
    if community is not None:
        _join_community(ctx, community)
        return
    record = ctx.domain.find_role_code(code) if code else None
    if record is None:
        ctx.say("start.bad_code" if code else "start.need_code")
        return
    staff = ctx.ensure_person()
    ctx.leave()
    ctx.domain.use_role_code(record, staff)
    start_flow(ctx, "staff")


def _join_community(ctx: Context, community: Community) -> None:
    person = ctx.person
    if person is not None and is_settled(person):
        if person.community_id == community.id:
            ctx.say("start.already")
        else:
            ctx.say("start.other_community")
        return
    ctx.domain.join_as_parent(ctx.ensure_person(), community)
    start_flow(ctx, "onboarding")
