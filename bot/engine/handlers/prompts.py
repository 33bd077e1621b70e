"""Weekly prompts as a parent meets them: RSVP buttons on an invitation (pressed days later),
how many children come, the calendar file, answers to a question prompt (a message, photo or
voice note), and /support, the local support directory. Domain work is in
community/services/prompts/, reached through ctx.domain.prompts; what differs per kind of
prompt is in community/prompt_kinds/."""

from __future__ import annotations

from datetime import datetime

from bot.engine.buttons import action_button
from bot.engine.context import Context
from bot.engine.handlers.which_community import AFTER, community_for, say_no_community
from community.actions import Media, SendMessage
from community.models import Role
from community.prompt_kinds.invitation import (
    MAX_CHILDREN,
    RSVP_ANSWERS,
    count_buttons,
)
from community.services.prompts import (
    SHARE_ACTION,
    SOURCE_LOCALE,
    calendar_file,
    reach_text,
    route_map_lines,
    when_text,
)
from community.views import AnswerView, CommunityView, PromptView

THANKS = {"no": "rsvp.thanks_no", "maybe": "rsvp.thanks_maybe"}
SHARE_LABELS = {"yes": "answer.share.yes", "no": "answer.share.no"}


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def rsvp(ctx: Context, args: tuple[str, ...]) -> None:
    """Yes / no / maybe on an invitation. The buttons stay: a parent may change their mind."""
    speaker = ctx.who.require_speaker()
    prompt_id = _number(args[0]) if len(args) == 2 else None
    answer = args[1] if len(args) == 2 else ""
    prompt = (
        ctx.domain.prompts.open_invitation(prompt_id, speaker) if prompt_id is not None else None
    )
    if prompt is None or answer not in RSVP_ANSWERS:
        ctx.reply.say("rsvp.closed")
        ctx.reply.clear_pressed()
        return
    ctx.domain.prompts.record_rsvp(prompt, speaker, answer)
    if answer == "yes":
        ctx.reply.say_text(
            ctx.reply.t("rsvp.how_many"),
            buttons=count_buttons(prompt, ctx.who.locale, ctx.translator),
        )
    else:
        ctx.reply.say(THANKS[answer])


def rsvp_children(ctx: Context, args: tuple[str, ...]) -> None:
    speaker = ctx.who.require_speaker()
    prompt_id = _number(args[0]) if len(args) == 2 else None
    count = _number(args[1]) if len(args) == 2 else None
    prompt = (
        ctx.domain.prompts.open_invitation(prompt_id, speaker) if prompt_id is not None else None
    )
    if prompt is None or count is None or not 1 <= count <= MAX_CHILDREN:
        ctx.reply.say("rsvp.closed")
        ctx.reply.clear_pressed()
        return
    if not ctx.domain.prompts.set_rsvp_children(prompt, speaker, count):
        ctx.reply.say("input.old_button")
        ctx.reply.clear_pressed()
        return
    ctx.reply.clear_pressed()
    title = ctx.reply.t("rsvp.calendar_title", place=prompt.place or "")
    ctx.reply.say("rsvp.see_you", media=calendar_file(prompt, ctx.settings.prompts, title))


def take_answer(ctx: Context, text: str, media: Media | None) -> bool:
    """A parent's message outside a dialogue: an answer to the question prompt they got last
    (within `answer_days`). Returns False when there is no such prompt."""
    speaker = ctx.who.speaker
    if speaker is None or ctx.who.role is not Role.PARENT:
        return False
    prompt = ctx.domain.prompts.open_question(speaker, ctx.settings.prompts.answer_days)
    if prompt is None:
        return False
    answer = ctx.domain.prompts.record_answer(prompt, speaker, text or None, media)
    _thank_and_offer_sharing(ctx, answer)
    return True


def answer_option(ctx: Context, args: tuple[str, ...]) -> None:
    """A button of a question with buttons, pressed maybe days later: its label is the answer
    (a later press changes it)."""
    speaker = ctx.who.require_speaker()
    prompt_id = _number(args[0]) if len(args) == 2 else None
    index = _number(args[1]) if len(args) == 2 else None
    prompt = (
        ctx.domain.prompts.answered_question(prompt_id, speaker) if prompt_id is not None else None
    )
    ctx.reply.clear_pressed()
    options = (prompt.options or []) if prompt is not None else []
    if prompt is None or index is None or index >= len(options):
        ctx.reply.say("input.old_button")
        return
    answer = ctx.domain.prompts.record_choice(prompt, speaker, options[index])
    _thank_and_offer_sharing(ctx, answer)


def _thank_and_offer_sharing(ctx: Context, answer: AnswerView) -> None:
    ctx.reply.say("answer.thanks")
    speaker = ctx.who.require_speaker()
    community = ctx.domain.communities.of(speaker)
    if community is not None and ctx.domain.prompts.share_rooms(community):
        # Shared with the other parents only if they say yes (a button that works days later).
        buttons = tuple(
            action_button(ctx.reply.t(msgid), SHARE_ACTION, answer.id, key)
            for key, msgid in SHARE_LABELS.items()
        )
        ctx.reply.say_text(ctx.reply.t("answer.share.ask"), buttons=buttons)


def share(ctx: Context, args: tuple[str, ...]) -> None:
    """Yes: the answer goes to the community's tips room(s) without a name; no: it stays with
    the school. A second press (or someone else's) changes nothing."""
    speaker = ctx.who.require_speaker()
    answer_id = _number(args[0]) if len(args) == 2 else None
    answer = (
        ctx.domain.prompts.answer_to_share(answer_id, speaker) if answer_id is not None else None
    )
    ctx.reply.clear_pressed()
    if answer is None or args[1] not in SHARE_LABELS:
        ctx.reply.say("input.old_button")
        return
    if args[1] == "no":
        ctx.reply.say("answer.share.kept")
        return
    community = ctx.domain.communities.of(speaker)
    rooms = ctx.domain.prompts.share_rooms(community) if community is not None else []
    media = Media.from_json(answer.media) if answer.media else None
    for room in rooms:
        locale = community.default_locale if community is not None else ctx.who.locale
        text = ctx.translator.t(locale, "answer.share.line", text=answer.text or "")
        # It quotes the parent: erasing them (or their becoming staff) forgets the bot's copy.
        ctx.out.act(
            room.platform, room.chat_id, SendMessage(text, media=media), mentions=(speaker.id,)
        )
    ctx.domain.prompts.mark_shared(answer)
    ctx.reply.say("answer.share.done")


def pause(ctx: Context) -> None:
    """No tips and invitations for now: a parent's pause is never read as "not interested"
    (the reach report leaves them out)."""
    if ctx.domain.prompts.set_paused(ctx.who.require_speaker(), True):
        ctx.reply.say("pause.done")
    else:
        ctx.reply.say("pause.not_joined")


def resume(ctx: Context) -> None:
    if ctx.domain.prompts.set_paused(ctx.who.require_speaker(), False):
        ctx.reply.say("pause.resumed")
    else:
        ctx.reply.say("pause.not_joined")


def support(ctx: Context) -> None:
    entries = ctx.settings.prompts.support
    if not entries:
        ctx.reply.say("support.none")
        return
    lines = [ctx.reply.t("support.intro")]
    dutch_only = False
    for entry in entries:
        text = entry.texts.get(ctx.who.locale)
        if text is None:
            text, dutch_only = entry.texts[SOURCE_LOCALE], True
        lines += ["", f"{entry.name}", text]
        if entry.url:
            lines.append(entry.url)
        if entry.phone:
            lines.append(ctx.reply.t("support.phone", phone=entry.phone))
    if dutch_only and ctx.who.locale != SOURCE_LOCALE:
        lines += ["", ctx.reply.t("prompt.dutch_only")]
    ctx.reply.say_text("\n".join(lines))


STAFF_AND_PROFESSIONALS = frozenset({Role.PROFESSIONAL, Role.COORDINATOR, Role.ADMIN})


def _when(ctx: Context, moment: datetime) -> str:
    return when_text(moment, ctx.who.locale, ctx.settings.prompts)


def routekaart(ctx: Context) -> None:
    """The route map: when contact happens, what comes next, and where information is."""
    if ctx.who.role is Role.ADMIN:  # of no community: of the one there is, or the one pressed
        chosen = community_for(ctx, "routekaart")
        if chosen is not None:
            _community_route_map(ctx, chosen)
        return
    speaker = ctx.who.require_speaker()
    coming = ctx.domain.prompts.upcoming(speaker, ctx.settings.prompts)
    _say_route_map(ctx, coming, ctx.domain.communities.of(speaker))


def _community_route_map(ctx: Context, community: CommunityView) -> None:
    """The route map of a whole community (what an admin sees): every prompt to come."""
    _say_route_map(ctx, ctx.domain.prompts.upcoming_in(community, ctx.settings.prompts), community)


AFTER["routekaart"] = _community_route_map


def _say_route_map(ctx: Context, coming: list[PromptView], community: CommunityView | None) -> None:
    lines = route_map_lines(coming, ctx.who.locale, ctx.translator, ctx.settings.prompts)
    if ctx.who.role in STAFF_AND_PROFESSIONALS and community is not None:
        # Staff also see who comes to what is planned; who did not answer is not counted.
        for prompt, counts in ctx.domain.prompts.invitations_ahead(community):
            when = _when(ctx, prompt.event_at or prompt.due_at)
            lines += [
                "",
                ctx.reply.t("routekaart.rsvps", place=prompt.place or "", when=when, **counts),
            ]
    ctx.reply.say_text("\n".join(lines))


def reach(ctx: Context) -> None:
    """Parents to phone or visit instead of writing: messages do not reach them, or they have
    not replied for 4 weeks (which never means they are not interested)."""
    if ctx.who.role is Role.ADMIN:
        options = ctx.domain.communities.all()
    else:
        community = ctx.domain.communities.of(ctx.who.require_speaker())
        options = [community] if community is not None else []
    if not options:
        say_no_community(ctx)
        return
    for community in options:
        report = ctx.domain.prompts.reach_report(community)
        ctx.reply.say_text(reach_text(report, community.name, ctx.translator, ctx.who.locale))
