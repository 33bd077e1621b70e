"""First contact: /start with a community's invite code (or a role code), then the questions.

Warm and without thresholds (seeds 002 and 004): the only thing typed is a postcode, everything
else is a button, and a parent who says no to storing data leaves nothing behind.
"""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.dialogue import (
    Outcome,
    YesNoQuestion,
    reprompt,
    start_flow,
)
from bot.engine.handlers.buddies import end_on_stop
from bot.engine.handlers.room_setup import invite_to_rooms
from bot.engine.handlers.translator_join import offer_to, take_translator_code
from community.models import Community, Person, Role, RoleCode
from community.services.people import ROLE_RANK, is_settled

ONBOARDING = ("language", "consent", "postcode", "ages", "home_languages", "buddy")


def onboarding_done(ctx: Context) -> None:
    person = ctx.who.require_person()
    assert person.profile is not None
    person.profile.completed_at = ctx.clock.now()
    ctx.dialogue.leave()
    ctx.reply.say("done.joined", community=person.community.name if person.community else "")
    if person.profile.buddy_opt_in:
        ctx.reply.say("done.buddy")
    ctx.reply.say("done.help")
    invite_to_rooms(ctx, person)
    offer_to(ctx, person)


def staff_done(ctx: Context) -> None:
    person = ctx.who.require_person()
    ctx.dialogue.leave()
    if ctx.who.role is Role.ADMIN:
        ctx.reply.say("staff.admin")
    else:
        ctx.reply.say(
            "staff.joined",
            role=ctx.reply.t(f"role.{person.role.value}"),
            community=person.community.name if person.community else "",
        )
    ctx.reply.say("done.help")
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
    step = first_unanswered(ctx.who.require_person())
    if step is None:
        return False
    start_flow(ctx, "onboarding", step)
    return True


def _single_community(ctx: Context) -> Community | None:
    every = ctx.domain.communities.all()
    return every[0] if len(every) == 1 else None


def _role_name(ctx: Context, role: Role) -> str:
    return ctx.reply.t(f"role.{role.value}")


def start(ctx: Context) -> None:
    code = ctx.incoming.args[0] if ctx.incoming.args else None
    person = ctx.who.person
    if person is not None and not person.active:
        person.active = True  # the code from the letter, or plain /start, brings them back
        ctx.reply.say("start.welcome_back")
    if ctx.who.role is Role.ADMIN and code is None:
        admin = ctx.who.ensure_person(Role.ADMIN)
        if admin.locale is None:
            start_flow(ctx, "staff")
        else:
            ctx.reply.say("start.already")
        return
    if code is None:
        if person is not None and is_settled(person):
            ctx.dialogue.leave()  # /start is a fresh start: any open question is dropped
            ctx.reply.say("start.already")
        elif ctx.dialogue.state is not None:
            reprompt(ctx)
        elif person is None or not resume_onboarding(ctx):
            community = _single_community(ctx)
            if community is not None:
                _join_community(ctx, community)
            else:
                ctx.reply.say("start.need_code")
        return
    _start_with_code(ctx, code)


SPENT_CODE = {"used": "start.code_used", "expired": "start.code_expired"}


def _start_with_code(ctx: Context, code: str) -> None:
    """An invite code or a one-time code. Guessing is slowed: after 5 wrong codes in a minute no
    code is taken for a while, not even a right one."""
    incoming = ctx.incoming
    if ctx.domain.staff.too_many_tries(incoming.platform, incoming.user_id):
        ctx.reply.say("code.too_many")
        return
    community = ctx.domain.communities.by_code(code)
    if community is not None:
        _join_community(ctx, community)
        return
    record = ctx.domain.staff.find_code(code)
    if record is None:
        ctx.domain.staff.note_wrong_try(incoming.platform, incoming.user_id)
        spent = ctx.domain.staff.spent_code(code)  # a real code, used or too old: say so
        ctx.reply.say(SPENT_CODE.get(spent or "", "start.bad_code"))
        return
    _take_role_code(ctx, record)


def _join_community(ctx: Context, community: Community) -> None:
    person, role = ctx.who.person, ctx.who.role
    if role in (Role.PROFESSIONAL, Role.COORDINATOR, Role.ADMIN):
        ctx.reply.say("start.staff_code", role=_role_name(ctx, role), community=community.name)
        return
    if person is not None and person.role is not Role.GUEST:
        if person.community_id != community.id and is_settled(person):
            ctx.reply.say("start.other_community")
        elif is_settled(person):
            ctx.dialogue.leave()
            ctx.reply.say("start.already")
        elif ctx.dialogue.state is None or not _in_onboarding(ctx):
            resume_onboarding(ctx)
        else:
            reprompt(ctx)
        return
    state = ctx.dialogue.state
    if state is not None and _in_onboarding(ctx) and state.data.get("community") == community.id:
        reprompt(ctx)  # the code again, half-way: go on where they were
        return
    # Nothing is stored yet: only the dialogue state knows the community and the language.
    start_flow(ctx, "onboarding", community=community.id)


def _in_onboarding(ctx: Context) -> bool:
    state = ctx.dialogue.state
    return state is not None and state.flow == "onboarding"


def _take_role_code(ctx: Context, record: RoleCode) -> None:
    if record.role is Role.TRANSLATOR:
        take_translator_code(ctx, record)
        return
    person, role = ctx.who.person, ctx.who.role
    current = role if person is not None or role is Role.ADMIN else Role.GUEST
    if ROLE_RANK[record.role] <= ROLE_RANK[current]:
        # Roles never change sideways or down; the code stays unused for the right person.
        ctx.reply.say("start.code_not_higher", role=_role_name(ctx, current))
        return
    if person is not None and person.role is Role.PARENT:
        start_flow(ctx, "become_staff", code=record.id, role=record.role.value)
        return
    staff = ctx.who.ensure_person()
    ctx.dialogue.leave()
    ctx.domain.staff.use_code(record, staff)
    start_flow(ctx, "staff")


class BecomeStaff(YesNoQuestion):
    """A parent with a staff code is asked first: their parent answers are erased."""

    name = "become_staff"
    ask_id, yes_id, no_id = "start.become_staff.ask", "start.become_staff.yes", "button.no"

    def prompt(self, ctx: Context) -> None:
        state = ctx.dialogue.state
        role = Role(state.data["role"]) if state is not None else Role.PROFESSIONAL
        ctx.reply.say(self.ask_id, role=_role_name(ctx, role), choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        state = ctx.dialogue.state
        record = ctx.domain.staff.code_by_id(int(state.data["code"])) if state else None
        ctx.dialogue.leave()
        if key == "no":
            ctx.reply.say("start.become_staff.kept")
            return Outcome.DONE
        if record is None:  # used by someone else, or expired, meanwhile
            ctx.reply.say("start.bad_code")
            return Outcome.DONE
        person = ctx.who.require_person()
        end_on_stop(ctx)  # the buddy hears the pair ended, no more
        ctx.domain.privacy.forget_parent_data(person)
        ctx.domain.staff.use_code(record, person)
        staff_done(ctx)
        return Outcome.DONE
