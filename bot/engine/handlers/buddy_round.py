"""Buddies, the coordinator's side: a round (/match: proposals one by one with their reasons,
approve / reject / skip / approve all) and the report per round (/rounds).

Nothing reaches a parent before a coordinator approves. The buttons on proposals are stateless
(bot/engine/buttons.py): a press days later works, and is checked on arrival to be sent to the
presser, against the presser's role, and against the database (a coordinator judges only the
pairs of their own community).
"""

from __future__ import annotations

from babel.dates import format_date

from bot.engine.buttons import action_button
from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question
from bot.engine.handlers.buddy_intro import approve_pair
from community.i18n import language_name
from community.models import PairStatus, Role
from community.services import buddies, buddy_limits, round_picture
from community.views import CommunityView
from matching import LeftOver, Proposal

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
# Sent by the weekly round job (community/services/buddies/rounds.py, below the bot layer):
# named here so that the catalog checks see every id in use.
SCHEDULED_IDS = ("buddy.round.ready",)
assert buddies.ROUND_READY_ID in SCHEDULED_IDS
# The summary of the parents a round left over (community/services/buddies/left_over.py,
# shared with the CLI): named here for the catalog checks.
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
def _community_for(ctx: Context) -> CommunityView | None:
    """The coordinator's community; an admin names one (`/match arnhem`) unless there is one.
    None: the admin was asked which (the communities named)."""
    if ctx.who.role is Role.COORDINATOR:
        chosen = ctx.domain.communities.of(ctx.who.require_speaker())
    elif ctx.incoming.args:
        chosen = ctx.domain.communities.by_slug(ctx.incoming.args[0])
    else:
        every = ctx.domain.communities.all()
        chosen = every[0] if len(every) == 1 else None
    if chosen is None:
        slugs = ", ".join(c.slug for c in ctx.domain.communities.all())
        ctx.reply.say("buddy.match.which", communities=slugs)
    return chosen


def _may_judge(ctx: Context, pair: buddies.Pair) -> bool:
    """An admin, or a coordinator of the pair's own community."""
    if ctx.who.role is Role.ADMIN:
        return True
    speaker = ctx.who.speaker
    return speaker is not None and speaker.community_id == pair.community_id


def _reason_lines(ctx: Context, pair: buddies.Pair) -> list[str]:
    lines = []
    for reason in pair.reasons:
        values = reason.params()
        if "language" in values:
            values["language"] = language_name(values["language"], ctx.who.locale)
        lines.append(ctx.reply.t(REASON_IDS[reason.kind.value], **values))
    return lines


DECISIONS = {
    "ok": "buddy.proposal.approve",
    "no": "buddy.proposal.reject",
    "skip": "buddy.proposal.skip",
    "all": "buddy.proposal.approve_all",
}
DECISION_ACTIONS = {"ok": "buddy_ok", "no": "buddy_no", "skip": "buddy_skip", "all": "buddy_all"}


def _show_next(ctx: Context, community: CommunityView) -> None:
    """The next proposal waiting for a decision, or the end of the round."""
    waiting = ctx.domain.buddies.open_proposals(community)
    state = ctx.dialogue.state
    if not waiting:
        if state is not None and state.flow == "match_review":
            ctx.dialogue.leave()
        ctx.reply.say("buddy.round.done")
        return
    pair = waiting[0]
    if ctx.who.speaker is not None:
        # A typed "1" or "Approve" (console, platforms without buttons) answers this proposal;
        # the buttons themselves are stateless and work whenever they are pressed.
        ctx.dialogue.enter("match_review", "match_review", pair=pair.id)
    lines = [ctx.reply.t("buddy.proposal.head", count=len(waiting))]
    if pair.second_pass:
        lines.append(ctx.reply.t(WEAKER_ID))
    lines += _reason_lines(ctx, pair)
    choices = tuple(
        action_button(ctx.reply.t(label), DECISION_ACTIONS[key], pair.id)
        for key, label in DECISIONS.items()
    )
    ctx.reply.say_text("\n".join(lines), buttons=choices)


def match_round(ctx: Context) -> None:
    community = _community_for(ctx)
    if community is None:
        return
    waiting = ctx.domain.buddies.open_proposals(community)
    new = None
    if waiting:
        # A round already waits (the weekly schedule, or an earlier /match): who it left over.
        left_over, proposals = ctx.domain.buddies.round_so_far(waiting[0])
    else:
        new, result = ctx.domain.buddies.new_round(community, ctx.who.speaker)
        ctx.reply.say("buddy.match.started" if new is not None else "buddy.match.none")
        left_over, proposals = result.left_over, result.proposals
    passes = ctx.domain.buddies.passes_text(community, proposals, ctx.translator, ctx.who.locale)
    if passes is not None:
        ctx.reply.say_text(passes)
    summary = ctx.domain.buddies.left_over_text(left_over, ctx.translator, ctx.who.locale)
    if summary is not None:
        ctx.reply.say_text(summary)
    _send_picture(ctx, community, proposals, left_over)
    if waiting or new is not None:
        _show_next(ctx, community)


def _send_picture(
    ctx: Context, community: CommunityView, proposals: list[Proposal], left_over: list[LeftOver]
) -> None:
    """The round at a glance: one picture, its totals as the caption (only to the staff who
    asked: a coordinator of this community or an admin)."""
    counts = ctx.domain.communities.round_counts(community, proposals, left_over)
    if not counts.hoods:
        return
    data = round_picture.png(counts, ctx.translator, ctx.who.locale)
    caption = round_picture.caption(counts, ctx.translator, ctx.who.locale)
    ctx.reply.say_text(caption, media=round_picture.as_media(data))


def _decide(ctx: Context, decision: str, pair: buddies.Pair) -> None:
    """Approve, reject or skip one proposal, or approve every proposal left in its round."""
    community = ctx.domain.buddies.community_of(pair)
    if decision == "all":
        approved = 0
        for each in ctx.domain.buddies.round_pairs(pair):
            if each.status is PairStatus.PROPOSED and ctx.domain.buddies.available(each):
                approve_pair(ctx, each)
                approved += 1
            elif each.status is PairStatus.PROPOSED:
                ctx.domain.buddies.decide(each, PairStatus.SKIPPED)
        ctx.reply.say("buddy.proposal.approved_all", count=approved)
    elif pair.status is not PairStatus.PROPOSED:
        ctx.reply.say("buddy.proposal.decided")
    elif decision == "no":
        ctx.domain.buddies.decide(pair, PairStatus.REJECTED)
        ctx.reply.say("buddy.proposal.rejected")
    elif decision == "skip":
        ctx.domain.buddies.decide(pair, PairStatus.SKIPPED)
        ctx.reply.say("buddy.proposal.skipped")
    elif not ctx.domain.buddies.available(pair):
        # Since the round began, one of them stopped, paused or got another buddy.
        ctx.domain.buddies.decide(pair, PairStatus.SKIPPED)
        ctx.reply.say("buddy.proposal.gone")
    else:
        approve_pair(ctx, pair)
        ctx.reply.say("buddy.proposal.approved")
    _show_next(ctx, community)


def _pressed(ctx: Context, decision: str, args: tuple[str, ...]) -> None:
    pair = ctx.domain.buddies.pair(args[0]) if args else None
    ctx.reply.clear_pressed()
    if pair is None or not _may_judge(ctx, pair):
        ctx.reply.say("input.old_button")
        return
    _decide(ctx, decision, pair)


def approve(ctx: Context, args: tuple[str, ...]) -> None:
    _pressed(ctx, "ok", args)


def reject(ctx: Context, args: tuple[str, ...]) -> None:
    _pressed(ctx, "no", args)


def skip(ctx: Context, args: tuple[str, ...]) -> None:
    _pressed(ctx, "skip", args)


def approve_all(ctx: Context, args: tuple[str, ...]) -> None:
    _pressed(ctx, "all", args)


class MatchReview(Question):
    """The proposal on screen, for typed answers: "1" or "Approve" on the console."""

    name = "match_review"

    def choices(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(Choice(key, ctx.reply.t(label)) for key, label in DECISIONS.items())

    def _pair(self, ctx: Context) -> buddies.Pair | None:
        state = ctx.dialogue.state
        pair = ctx.domain.buddies.pair(state.data.get("pair", 0)) if state else None
        if pair is None or not _may_judge(ctx, pair):
            return None
        return pair

    def prompt(self, ctx: Context) -> None:
        pair = self._pair(ctx)
        if pair is None:
            ctx.dialogue.leave()
            ctx.reply.say("buddy.round.done")
        else:
            _show_next(ctx, ctx.domain.buddies.community_of(pair))

    def on_choice(self, ctx: Context, key: str) -> Outcome:
        pair = self._pair(ctx)
        if pair is None:
            ctx.dialogue.leave()
            ctx.reply.say("buddy.round.done")
        else:
            _decide(ctx, key, pair)
        return Outcome.DONE


def rounds(ctx: Context) -> None:
    community = _community_for(ctx)
    if community is None:
        return
    reports = ctx.domain.buddies.reports(community)
    if not reports:
        ctx.reply.say("buddy.rounds.none")
        return
    lines = [ctx.reply.t("buddy.rounds.intro", community=community.name)]
    for report in reports:
        date = format_date(report.started_at.date(), format="medium", locale=ctx.who.locale)
        lines.append(
            ctx.reply.t(
                "buddy.rounds.line",
                date=date,
                proposed=report.proposed,
                made=report.made,
                met=report.met,
                ended=report.ended,
            )
        )
    ctx.reply.say_text("\n".join(lines))
