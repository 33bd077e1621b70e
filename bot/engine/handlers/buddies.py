"""Buddies in the dialogue: a coordinator's round (/match: proposals one by one with their
reasons, approve / reject / skip / approve all), the first name each parent shares, the
introduction, messages between buddies through the bot (/buddy TEXT), the follow-up answers,
ending a pair, pausing, and the coordinator's report per round (/rounds).

Nothing reaches a parent before a coordinator approves. The buttons on proposals and follow-ups
are stateless (bot/engine/buttons.py): a press days later works, and is checked on arrival to be
sent to the presser, against the presser's role, and against the database (a coordinator judges
only the pairs of their own community; a follow-up is answered only by a parent of the pair).
"""

from __future__ import annotations

from babel.dates import format_date

from bot.engine.buttons import action_button, button_action
from bot.engine.commands import STAFF, command
from bot.engine.context import Choice, Context
from bot.engine.dialogue import (
    Outcome,
    Question,
    YesNoQuestion,
    flow,
    menu_flow,
    question,
    start_flow,
)
from bot.engine.handlers import buddy_talk
from community.actions import Button, Media, SendMessage
from community.buttons import question_data
from community.i18n import language_name
from community.models import BuddyPair, Community, PairStatus, Person, Role
from community.services import buddies, buddy_limits, round_picture
from matching import LeftOver, Proposal

PARENTS = frozenset({Role.PARENT})

REASON_IDS = {
    "shared_language": "buddy.reason.shared_language",
    "same_neighbourhood": "buddy.reason.same_neighbourhood",
    "nearby": "buddy.reason.nearby",
    "place_unknown": "buddy.reason.place_unknown",
    "shared_age_band": "buddy.reason.shared_age_band",
    "waited": "buddy.reason.waited",
    "beyond_limit": "buddy.reason.beyond_limit",
    "only_dutch": "buddy.reason.only_dutch",
}
# Above a pair of the second pass (wider limits): it is weaker, its first reasons say why.
WEAKER_ID = "buddy.proposal.weaker"
# A concrete first step for the two buddies; which one depends on the pair.
FIRST_STEP_IDS = ("buddy.intro.step_library", "buddy.intro.step_coffee", "buddy.intro.step_walk")
FOLLOW_UP_LABEL_IDS = {
    "met": "buddy.follow_up.met",
    "not_yet": "buddy.follow_up.not_yet",
    "another": "buddy.follow_up.another",
}
FOLLOW_UP_REPLY_IDS = {
    "met": "buddy.follow_up.thanks_met",
    "not_yet": "buddy.follow_up.thanks_not_yet",
    "another": "buddy.ended.done",
}
NAME_TOKEN = "n"  # + the pair's id: the first-name question's token, known to its buttons
NOT_NOW_ID = "buddy.name.not_now"
# Sent by the weekly round job (community/services/buddies.py, below the bot layer): named here
# so that the catalog checks see every id in use.
SCHEDULED_IDS = ("buddy.round.ready",)
assert buddies.ROUND_READY_ID in SCHEDULED_IDS
# The summary of the parents a round left over (community/services/buddies.py, shared with the
# CLI): named here for the catalog checks.
LEFT_OVER_IDS = (
    "buddy.left.head",
    "buddy.left.example",
    "buddy.left.more",
    "buddy.left.no_language_nearby",
    "buddy.left.only_past_pairs",
    "buddy.left.matched_better_elsewhere",
    "buddy.left.no_place",
    "buddy.left.waiting_for_approval",
    "buddy.left.paused",
    "buddy.left.opted_out",
    "buddy.left.fix.no_language_nearby",
    "buddy.left.fix.only_past_pairs",
    "buddy.left.fix.matched_better_elsewhere",
    "buddy.left.fix.no_place",
    "buddy.left.fix.waiting_for_approval",
)
assert set(LEFT_OVER_IDS) == buddies.left_over_ids()
PASSES_IDS = ("buddy.match.passes",)
assert buddy_limits.PASSES_ID in PASSES_IDS


# -- the coordinator's round ----------------------------------------------------------------------
def _community_for(ctx: Context) -> Community | None:
    """The coordinator's community; an admin names one (`/match arnhem`) unless there is one."""
    if ctx.role is Role.COORDINATOR:
        return ctx.require_person().community
    every = ctx.domain.communities()
    if ctx.incoming.args:
        return ctx.domain.community_by_slug(ctx.incoming.args[0])
    return every[0] if len(every) == 1 else None


def _may_judge(ctx: Context, community: Community) -> bool:
    if ctx.role is Role.ADMIN:
        return True
    person = ctx.person
    return person is not None and person.community_id == community.id


def _reason_lines(ctx: Context, pair: BuddyPair) -> list[str]:
    lines = []
    for reason in buddies.reasons_of(pair):
        values = reason.params()
        if "language" in values:
            values["language"] = language_name(values["language"], ctx.locale)
        lines.append(ctx.t(REASON_IDS[reason.kind.value], **values))
    return lines


DECISIONS = {
    "ok": "buddy.proposal.approve",
    "no": "buddy.proposal.reject",
    "skip": "buddy.proposal.skip",
    "all": "buddy.proposal.approve_all",
}
DECISION_ACTIONS = {"ok": "buddy_ok", "no": "buddy_no", "skip": "buddy_skip", "all": "buddy_all"}


def _show_next(ctx: Context, community: Community) -> None:
    """The next proposal waiting for a decision, or the end of the round."""
    waiting = ctx.domain.buddies.open_proposals(community)
    state = ctx.state
    if not waiting:
        if state is not None and state.flow == "match_review":
            ctx.leave()
        ctx.say("buddy.round.done")
        return
    pair = waiting[0]
    if ctx.person is not None:
        # A typed "1" or "Approve" (console, platforms without buttons) answers this proposal;
        # the buttons themselves are stateless and work whenever they are pressed.
        ctx.enter("match_review", "match_review", pair=pair.id)
    lines = [ctx.t("buddy.proposal.head", count=len(waiting))]
    if pair.second_pass:
        lines.append(ctx.t(WEAKER_ID))
    lines += _reason_lines(ctx, pair)
    choices = tuple(
        action_button(ctx.t(label), DECISION_ACTIONS[key], pair.id)
        for key, label in DECISIONS.items()
    )
    ctx.say_text("\n".join(lines), buttons=choices)


@command("match", roles=STAFF)
def match_round(ctx: Context) -> None:
    community = _community_for(ctx)
    if community is None:
        slugs = ", ".join(c.slug for c in ctx.domain.communities())
        ctx.say("buddy.match.which", communities=slugs)
        return
    waiting = ctx.domain.buddies.open_proposals(community)
    new = None
    if waiting:
        # A round already waits (the weekly schedule, or an earlier /match): who it left over.
        left_over = buddies.stored_left_over(waiting[0].round)
        proposals = [buddies.as_proposal(pair) for pair in waiting[0].round.pairs]
    else:
        new, result = ctx.domain.buddies.new_round(community, ctx.person)
        ctx.say("buddy.match.started" if new is not None else "buddy.match.none")
        left_over, proposals = result.left_over, result.proposals
    passes = buddy_limits.passes_text(community, proposals, ctx.translator, ctx.locale)
    if passes is not None:
        ctx.say_text(passes)
    summary = ctx.domain.buddies.left_over_text(left_over, ctx.translator, ctx.locale)
    if summary is not None:
        ctx.say_text(summary)
    _send_picture(ctx, community, proposals, left_over)
    if waiting or new is not None:
        _show_next(ctx, community)


def _send_picture(
    ctx: Context, community: Community, proposals: list[Proposal], left_over: list[LeftOver]
) -> None:
    """The round at a glance: one picture, its totals as the caption (only to the staff who
    asked: a coordinator of this community or an admin)."""
    counts = ctx.domain.round_counts(community, proposals, left_over)
    if not counts.hoods:
        return
    data = round_picture.png(counts, ctx.translator, ctx.locale)
    caption = round_picture.caption(counts, ctx.translator, ctx.locale)
    ctx.say_text(caption, media=round_picture.as_media(data))


def _decide(ctx: Context, decision: str, pair: BuddyPair) -> None:
    """Approve, reject or skip one proposal, or approve every proposal left in its round."""
    community = buddies.community_of(pair)
    if decision == "all":
        approved = 0
        for each in pair.round.pairs:
            if each.status is PairStatus.PROPOSED and ctx.domain.buddies.available(each):
                _approve(ctx, each)
                approved += 1
            elif each.status is PairStatus.PROPOSED:
                ctx.domain.buddies.decide(each, PairStatus.SKIPPED)
        ctx.say("buddy.proposal.approved_all", count=approved)
    elif pair.status is not PairStatus.PROPOSED:
        ctx.say("buddy.proposal.decided")
    elif decision == "no":
        ctx.domain.buddies.decide(pair, PairStatus.REJECTED)
        ctx.say("buddy.proposal.rejected")
    elif decision == "skip":
        ctx.domain.buddies.decide(pair, PairStatus.SKIPPED)
        ctx.say("buddy.proposal.skipped")
    elif not ctx.domain.buddies.available(pair):
        # Since the round began, one of them stopped, paused or got another buddy.
        ctx.domain.buddies.decide(pair, PairStatus.SKIPPED)
        ctx.say("buddy.proposal.gone")
    else:
        _approve(ctx, pair)
        ctx.say("buddy.proposal.approved")
    _show_next(ctx, community)


def _pressed(ctx: Context, decision: str, args: tuple[str, ...]) -> None:
    pair = ctx.domain.buddies.pair(args[0]) if args else None
    ctx.clear_pressed()
    if pair is None or not _may_judge(ctx, buddies.community_of(pair)):
        ctx.say("input.old_button")
        return
    _decide(ctx, decision, pair)


@button_action("buddy_ok", roles=STAFF)
def approve(ctx: Context, args: tuple[str, ...]) -> None:
    _pressed(ctx, "ok", args)


@button_action("buddy_no", roles=STAFF)
def reject(ctx: Context, args: tuple[str, ...]) -> None:
    _pressed(ctx, "no", args)


@button_action("buddy_skip", roles=STAFF)
def skip(ctx: Context, args: tuple[str, ...]) -> None:
    _pressed(ctx, "skip", args)


@button_action("buddy_all", roles=STAFF)
def approve_all(ctx: Context, args: tuple[str, ...]) -> None:
    _pressed(ctx, "all", args)


menu_flow("match_review", ("match_review",))


@question
class MatchReview(Question):
    """The proposal on screen, for typed answers: "1" or "Approve" on the console."""

    name = "match_review"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(Choice(key, ctx.t(label)) for key, label in DECISIONS.items())

    def _pair(self, ctx: Context) -> BuddyPair | None:
        state = ctx.state
        pair = ctx.domain.buddies.pair(state.data.get("pair", 0)) if state else None
        if pair is None or not _may_judge(ctx, buddies.community_of(pair)):
            return None
        return pair

    def prompt(self, ctx: Context) -> None:
        pair = self._pair(ctx)
        if pair is None:
            ctx.leave()
            ctx.say("buddy.round.done")
        else:
            _show_next(ctx, buddies.community_of(pair))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        pair = self._pair(ctx)
        if pair is None:
            ctx.leave()
            ctx.say("buddy.round.done")
        else:
            _decide(ctx, key, pair)
        return Outcome.DONE


@command("rounds", roles=STAFF)
def rounds(ctx: Context) -> None:
    community = _community_for(ctx)
    if community is None:
        slugs = ", ".join(c.slug for c in ctx.domain.communities())
        ctx.say("buddy.match.which", communities=slugs)
        return
    reports = ctx.domain.buddies.reports(community)
    if not reports:
        ctx.say("buddy.rounds.none")
        return
    lines = [ctx.t("buddy.rounds.intro", community=community.name)]
    for report in reports:
        date = format_date(report.started_at.date(), format="medium", locale=ctx.locale)
        lines.append(
            ctx.t(
                "buddy.rounds.line",
                date=date,
                proposed=report.proposed,
                made=report.made,
                met=report.met,
                ended=report.ended,
            )
        )
    ctx.say_text("\n".join(lines))


# -- approval: the first names, then the introduction ---------------------------------------------
def _approve(ctx: Context, pair: BuddyPair) -> None:
    ctx.domain.buddies.decide(pair, PairStatus.APPROVED)
    for person in (pair.a, pair.b):
        if ctx.domain.buddies.first_name(person) is None:
            _ask_first_name(ctx, person, pair)
    _introduce_when_ready(ctx, pair)


def _ask_first_name(ctx: Context, person: Person, pair: BuddyPair) -> None:
    """Another person's question: their dialogue moves to it, so their typed answer lands here."""
    ctx.domain.enter(
        person.platform,
        person.platform_user_id,
        person,
        "buddy_name",
        "buddy_name",
        {"pair": pair.id},
        f"{NAME_TOKEN}{pair.id}",
        person.private_chat_id,
    )
    # Keyed: two coordinators approving the same pair at once still ask only once.
    ctx.tell(person, "buddy.found", key=f"buddy:{pair.id}:found:{person.id}")
    # The question's own button, with the token just given to their dialogue (the engine
    # checks it on a press): a parent may still say no, and end the pair before it begins.
    label = ctx.translator.t(person.locale or ctx.settings.default_locale, NOT_NOW_ID)
    not_now = Button(label, question_data(f"{NAME_TOKEN}{pair.id}", "not_now"))
    ctx.tell(person, "buddy.name.ask", buttons=(not_now,), key=f"buddy:{pair.id}:name:{person.id}")


def _introduce_when_ready(ctx: Context, pair: BuddyPair) -> None:
    if pair.status is not PairStatus.APPROVED or pair.introduced_at is not None:
        return
    names = {p.id: ctx.domain.buddies.first_name(p) for p in (pair.a, pair.b)}
    if any(name is None for name in names.values()):
        return  # the other parent has not told us their first name yet
    for person in (pair.a, pair.b):
        # Each in the language they chose for the bot, even when both speak another at home.
        buddy = buddies.other(pair, person)
        locale = ctx.translator.resolve(person.locale or ctx.settings.default_locale)
        _introduce(ctx, pair, person, buddy, names[buddy.id] or "", locale)
    pair.introduced_at = ctx.clock.now()


def _introduce(
    ctx: Context, pair: BuddyPair, person: Person, buddy: Person, name: str, locale: str
) -> None:
    """Only the first name the buddy chose to give: the consent said the answers (where they
    live, their children's ages) stay with the bot."""
    t = ctx.translator.t
    step = FIRST_STEP_IDS[pair.id % len(FIRST_STEP_IDS)]
    texts = (
        t(locale, "buddy.intro.hello", name=name),
        t(locale, step),
        t(locale, "buddy.intro.relay", name=name),
        t(locale, "buddy.intro.private"),
    )
    for number, text in enumerate(texts):
        # Keyed: an introduction goes out once, whoever's answer completed it.
        ctx.act_for(person, SendMessage(text), key=f"buddy:{pair.id}:intro:{person.id}:{number}")


@flow("buddy_name", ("buddy_name",))
def buddy_name_done(ctx: Context) -> None:
    ctx.leave()


@question
class BuddyNameQuestion(Question):
    """The first name a parent wants their buddy to know: the only name the bot ever keeps."""

    name = "buddy_name"
    asked_again = True  # after words that were for the school, the name is still needed

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return (Choice("not_now", ctx.t(NOT_NOW_ID)),)

    def prompt(self, ctx: Context) -> None:
        ctx.say("buddy.name.ask", choices=self.choices(ctx))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        """No buddy after all: the pair ends before it began, no blame, and looking pauses
        (they said "not now"; /buddy starts it again)."""
        person = ctx.require_person()
        state = ctx.state
        pair = ctx.domain.buddies.pair(state.data.get("pair", 0)) if state else None
        ctx.leave()
        if pair is not None and buddies.in_pair(pair, person):
            _end(ctx, pair, person)
        ctx.domain.buddies.set_paused(person, True)
        ctx.say("buddy.name.declined")
        return Outcome.DONE

    def on_text(self, ctx: Context, text: str) -> Outcome:
        name = buddies.clean_first_name(text)
        if name is None:
            # More than a name, while the school's question waits: maybe the answer to it.
            from bot.engine import replies  # here: replies imports the handlers

            if replies.ask_which(ctx, text, any_step=True):
                return Outcome.DONE
            ctx.say("buddy.name.invalid")
            return Outcome.STAY
        person = ctx.require_person()
        ctx.domain.buddies.set_first_name(person, name)
        state = ctx.state
        pair = ctx.domain.buddies.pair(state.data.get("pair", 0)) if state else None
        ctx.leave()
        ctx.say("buddy.name.saved", name=name)
        waiting = pair is not None and buddies.in_pair(pair, person)
        if pair is not None and waiting and pair.status is PairStatus.APPROVED:
            if ctx.domain.buddies.first_name(buddies.other(pair, person)) is None:
                ctx.say("buddy.name.wait")
            _introduce_when_ready(ctx, pair)
        return Outcome.DONE


# -- between buddies ------------------------------------------------------------------------------
def _typed_after_command(ctx: Context) -> str:
    parts = ctx.incoming.text.strip().split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


@command("buddy", roles=PARENTS)
def buddy(ctx: Context) -> None:
    """/buddy: the menu; /buddy TEXT (or a photo captioned so): straight to the buddy."""
    message = _typed_after_command(ctx)
    media = buddy_talk.incoming_media(ctx)
    if not message and media is None:
        start_flow(ctx, "buddy_menu")
        return
    buddy_talk.relay(ctx, message, media)


menu_flow("buddy_menu", ("buddy_menu", "buddy_end"))


@question
class BuddyMenu(Question):
    name = "buddy_menu"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        person = ctx.require_person()
        options = []
        introduced = buddy_talk.introduced_pair(ctx)
        if introduced is not None:
            name = ctx.domain.buddies.first_name(buddies.other(introduced, person)) or "?"
            options.append(Choice("write", ctx.t("buddy.menu.write", name=name)))
            options += buddy_talk.share_choices(ctx, introduced)
        if ctx.domain.buddies.active_pair(person) is not None:
            options.append(Choice("end", ctx.t("buddy.menu.end")))
        if person.profile is not None and person.profile.buddy_opt_in:
            if ctx.domain.buddies.is_paused(person):
                options.append(Choice("resume", ctx.t("buddy.menu.resume")))
            else:
                options.append(Choice("pause", ctx.t("buddy.menu.pause")))
        elif person.profile is not None and not options:
            # Never a menu of only "Close": who asked for no buddy can ask for one here.
            options.append(Choice("opt_in", ctx.t("buddy.menu.opt_in")))
        options.append(Choice("close", ctx.t("button.close")))
        return tuple(options)

    def enter(self, ctx: Context) -> None:
        person = ctx.require_person()
        pair = ctx.domain.buddies.active_pair(person)
        if pair is not None and pair.introduced_at is not None:
            name = ctx.domain.buddies.first_name(buddies.other(pair, person)) or "?"
            ctx.say("buddy.status.paired", name=name)
            buddy_talk.share_status(ctx, pair)
        elif pair is not None and ctx.domain.buddies.first_name(person) is None:
            # They left the first-name question (/cancel): the introduction waits for it.
            start_flow(ctx, "buddy_name", pair=pair.id)
            return
        elif pair is not None:
            ctx.say("buddy.status.introducing")
        elif person.profile is None or not person.profile.buddy_opt_in:
            ctx.say("buddy.status.off")
        elif ctx.domain.buddies.is_paused(person):
            ctx.say("buddy.status.paused")
        else:
            ctx.say("buddy.status.looking")
        self.prompt(ctx)

    def prompt(self, ctx: Context) -> None:
        ctx.say("buddy.menu.ask", choices=self.choices(ctx))

    def on_media(self, ctx: Context, media: Media) -> None:
        """A photo or voice note sent with the menu open: meant for the buddy."""
        ctx.leave()
        buddy_talk.relay(ctx, "", media)

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        person = ctx.require_person()
        if key == "end":
            return Outcome.NEXT
        ctx.leave()
        introduced = buddy_talk.introduced_pair(ctx)
        if key == "write" and introduced is not None:
            start_flow(ctx, "buddy_write")
        elif key.startswith("share") and introduced is not None:
            buddy_talk.on_share_choice(ctx, key, introduced)
        elif key in ("write", "share", "share_send", "share_withdraw"):
            ctx.say("buddy.relay.no_buddy")  # the pair ended since the menu was shown
        elif key == "pause":
            ctx.domain.buddies.set_paused(person, True)
            ctx.say("buddy.paused")
        elif key == "resume":
            ctx.domain.buddies.set_paused(person, False)
            ctx.say("buddy.resumed")
        elif key == "opt_in" and person.profile is not None:
            person.profile.buddy_opt_in = True
            ctx.domain.buddies.set_paused(person, False)
            ctx.say("buddy.status.looking")
        else:
            ctx.say("profile.closed")
        return Outcome.DONE


def _end(ctx: Context, pair: BuddyPair, person: Person) -> None:
    """End a pair: no reason asked, no blame; both go back to the pool, never this pair again."""
    if ctx.domain.buddies.end(pair):
        ctx.tell(buddies.other(pair, person), "buddy.ended.other")


def end_on_stop(ctx: Context) -> None:
    """A parent who stops contact leaves their buddy pair; the buddy hears it ended, no more."""
    person = ctx.require_person()
    pair = ctx.domain.buddies.active_pair(person)
    if pair is not None:
        _end(ctx, pair, person)


@question
class BuddyEnd(YesNoQuestion):
    name = "buddy_end"
    ask_id, yes_id, no_id = "buddy.end.ask", "buddy.end.yes", "buddy.end.no"
    no_first = True

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        person = ctx.require_person()
        ctx.leave()
        pair = ctx.domain.buddies.active_pair(person)
        if key == "yes" and pair is not None:
            _end(ctx, pair, person)
            ctx.say("buddy.ended.done")
        else:
            ctx.say("buddy.end.kept")
        return Outcome.DONE


# -- the follow-up answers ------------------------------------------------------------------------
@button_action(buddies.FOLLOW_UP_ACTION, roles=PARENTS)
def follow_up_answer(ctx: Context, args: tuple[str, ...]) -> None:
    person = ctx.require_person()
    pair = ctx.domain.buddies.pair(args[0]) if args else None
    answer = args[1] if len(args) > 1 else ""
    if pair is None or not buddies.in_pair(pair, person) or answer not in FOLLOW_UP_LABEL_IDS:
        ctx.clear_pressed()
        ctx.say("input.old_button")
        return
    if pair.status is not PairStatus.APPROVED:
        ctx.clear_pressed()
        ctx.say("buddy.ended.already")
        return
    buddies.record_answer(pair, person, answer)
    name = ctx.domain.buddies.first_name(buddies.other(pair, person)) or "?"
    question_text = ctx.t("buddy.follow_up.ask", name=name)
    chosen = ctx.t(FOLLOW_UP_LABEL_IDS[answer])
    if not ctx.update_pressed(f"{question_text}\n✓ {chosen}"):
        ctx.clear_pressed()
    if answer == buddies.ENDING_ANSWER:
        _end(ctx, pair, person)
    ctx.say(FOLLOW_UP_REPLY_IDS[answer], name=name)


def follow_up_button(label: str, pair_id: int, answer: str) -> Button:
    """The button the follow-up job builds (community/services/buddies.py), as the engine would."""
    return action_button(label, buddies.FOLLOW_UP_ACTION, pair_id, answer)
