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
from community.models import Role
from community.services.parent_answers import first_unanswered
from community.services.people import ROLE_RANK
from community.views import CommunityView, RoleCodeView

ONBOARDING = ("language", "consent", "postcode", "ages", "home_languages", "buddy")


def onboarding_done(ctx: Context) -> None:
    speaker = ctx.who.require_speaker()
    ctx.domain.people.finish_onboarding(speaker)
    answers = ctx.domain.people.answers(speaker)
    community = ctx.domain.communities.of(speaker)
    ctx.dialogue.leave()
    ctx.reply.say("done.joined", community=community.name if community else "")
    if answers is not None and answers.buddy_opt_in:
        ctx.reply.say("done.buddy")
    ctx.reply.say("done.help")
    invite_to_rooms(ctx, speaker)
    offer_to(ctx, speaker)


def staff_done(ctx: Context) -> None:
    speaker = ctx.who.require_speaker()
    ctx.dialogue.leave()
    if ctx.who.role is Role.ADMIN:
        ctx.reply.say("staff.admin")
    else:
        community = ctx.domain.communities.of(speaker)
        ctx.reply.say(
            "staff.joined",
            role=ctx.reply.t(f"role.{speaker.role.value}"),
            community=community.name if community else "",
        )
    ctx.reply.say("done.help")
    invite_to_rooms(ctx, speaker)


def resume_onboarding(ctx: Context) -> bool:
    """Back to where an unfinished onboarding stopped; False when nothing is left to ask."""
    speaker = ctx.who.require_speaker()
    answers = ctx.domain.people.answers(speaker) if speaker.role is Role.PARENT else None
    step = first_unanswered(speaker.locale, answers)
    if step is None:
        return False
    start_flow(ctx, "onboarding", step)
    return True


def _single_community(ctx: Context) -> CommunityView | None:
    every = ctx.domain.communities.all()
    return every[0] if len(every) == 1 else None


def _role_name(ctx: Context, role: Role) -> str:
    return ctx.reply.t(f"role.{role.value}")


def start(ctx: Context) -> None:
    code = ctx.incoming.args[0] if ctx.incoming.args else None
    speaker = ctx.who.speaker
    if speaker is not None and not speaker.active:
        # The code from the letter, or plain /start, brings them back.
        ctx.domain.people.set_active(speaker, True)
        ctx.reply.say("start.welcome_back")
    if ctx.who.role is Role.ADMIN and code is None:
        admin = ctx.who.ensure_speaker(Role.ADMIN)
        if admin.locale is None:
            start_flow(ctx, "staff")
        else:
            ctx.reply.say("start.already")
        return
    if code is None:
        if speaker is not None and speaker.settled:
            ctx.dialogue.leave()  # /start is a fresh start: any open question is dropped
            ctx.reply.say("start.already")
        elif ctx.dialogue.state is not None:
            reprompt(ctx)
        elif speaker is None or not resume_onboarding(ctx):
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


def _join_community(ctx: Context, community: CommunityView) -> None:
    speaker, role = ctx.who.speaker, ctx.who.role
    if role in (Role.PROFESSIONAL, Role.COORDINATOR, Role.ADMIN):
        ctx.reply.say("start.staff_code", role=_role_name(ctx, role), community=community.name)
        return
    if speaker is not None and speaker.role is not Role.GUEST:
        if speaker.community_id != community.id and speaker.settled:
            ctx.reply.say("start.other_community")
        elif speaker.settled:
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


def _take_role_code(ctx: Context, record: RoleCodeView) -> None:
    if record.role is Role.TRANSLATOR:
        take_translator_code(ctx, record)
        return
    speaker, role = ctx.who.speaker, ctx.who.role
    current = role if speaker is not None or role is Role.ADMIN else Role.GUEST
    if ROLE_RANK[record.role] <= ROLE_RANK[current]:
        # Roles never change sideways or down; the code stays unused for the right person.
        ctx.reply.say("start.code_not_higher", role=_role_name(ctx, current))
        return
    if speaker is not None and speaker.role is Role.PARENT:
        start_flow(ctx, "become_staff", code=record.id, role=record.role.value)
        return
    staff = ctx.who.ensure_speaker()
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
        speaker = ctx.who.require_speaker()
        end_on_stop(ctx)  # the buddy hears the pair ended, no more
        ctx.domain.privacy.forget_parent_data(speaker)
        ctx.domain.staff.use_code(record, speaker)
        staff_done(ctx)
        return Outcome.DONE
