"""/mydata: everything stored about the person, in short messages and as a JSON file; /privacy:
who runs the bot, what it keeps and for how long, written from the configuration.

Both are for everyone, also before joining. The messages of /mydata are rendered from the same
data as the file (`community.services.mydata.collect`), one point per message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_date

from bot.engine.context import Context
from bot.engine.handlers import profile
from community.i18n import language_name
from community.services import mydata
from community.services.prompts import RSVP_LABELS
from config.privacy import WARNING_DAYS

# A message stays well below the 4096 characters Telegram allows in one.
MESSAGE_CHARS = 3000
# Answers listed in the messages (the newest); the file holds all of them.
SHOWN_ANSWERS = 10
EXCERPT = 80
PAIR_STATUS = {
    "proposed": "mydata.pair.proposed",
    "approved": "mydata.pair.approved",
    "rejected": "mydata.pair.rejected",
    "skipped": "mydata.pair.skipped",
    "ended": "mydata.pair.ended",
}
FOLLOW_UP = {
    "met": "buddy.follow_up.met",
    "not_yet": "buddy.follow_up.not_yet",
    "another": "buddy.follow_up.another",
}
MEDIA = {
    "photo": "mydata.media.photo",
    "voice": "mydata.media.voice",
    "video": "mydata.media.video",
}


def _date(ctx: Context, iso: str | None) -> str:
    if iso is None:
        return ctx.reply.t("profile.no_answer")
    moment = datetime.fromisoformat(iso).astimezone(ctx.settings.prompts.zone)
    return format_date(moment.date(), format="long", locale=ctx.who.locale)


def _excerpt(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= EXCERPT else line[: EXCERPT - 1] + "…"


def _say_lines(ctx: Context, lines: list[str]) -> None:
    """Lines as few messages as fit, each below `MESSAGE_CHARS`."""
    chunk: list[str] = []
    for line in lines:
        if chunk and sum(len(part) + 1 for part in chunk) + len(line) > MESSAGE_CHARS:
            ctx.reply.say_text("\n".join(chunk))
            chunk = []
        chunk.append(line[:MESSAGE_CHARS])
    if chunk:
        ctx.reply.say_text("\n".join(chunk))


def _account(ctx: Context, data: dict[str, Any]) -> list[str]:
    account = data["account"]
    lines = [
        ctx.reply.t("mydata.intro"),
        ctx.reply.t("mydata.account", platform=account["platform"], id=account["user_id"]),
        ctx.reply.t("mydata.role", role=ctx.reply.t(f"role.{account['role']}")),
    ]
    if account["community"]:
        lines.append(ctx.reply.t("mydata.community", community=account["community"]))
    lines.append(ctx.reply.t("mydata.since", date=_date(ctx, account["since"])))
    lines.append(ctx.reply.t("mydata.last_seen", date=_date(ctx, account["last_seen"])))
    if account["unreachable_since"]:
        lines.append(
            ctx.reply.t("mydata.unreachable", date=_date(ctx, account["unreachable_since"]))
        )
    if account["inactivity_warned_at"]:
        lines.append(ctx.reply.t("mydata.warned", date=_date(ctx, account["inactivity_warned_at"])))
    if account["voice_notes"]:
        lines.append(ctx.reply.t("mydata.voice_notes"))
    return lines


def _profile(ctx: Context, data: dict[str, Any]) -> list[str]:
    lines = profile._summary(ctx, data)
    parent = data["parent_profile"]
    if parent is not None:
        if parent["consent_at"]:
            lines.append(ctx.reply.t("mydata.consent", date=_date(ctx, parent["consent_at"])))
        if parent["prompts_paused"]:
            lines.append(ctx.reply.t("mydata.prompts_paused"))
    buddy = data["buddy_profile"]
    if buddy is not None and buddy["paused"]:
        lines.append(ctx.reply.t("mydata.buddy_paused"))
    return lines


def _pairs(ctx: Context, pairs: list[dict[str, Any]]) -> list[str]:
    lines = [ctx.reply.t("mydata.buddy_pairs", count=len(pairs))]
    for pair in pairs:
        status = ctx.reply.t(PAIR_STATUS.get(pair["status"], "mydata.pair.proposed"))
        lines.append(
            ctx.reply.t("mydata.pair", date=_date(ctx, pair["proposed_at"]), status=status)
        )
        if pair["decided_at"]:
            lines.append(ctx.reply.t("mydata.pair.decided", date=_date(ctx, pair["decided_at"])))
        if pair["introduced_at"]:
            lines.append(
                ctx.reply.t("mydata.pair.introduced", date=_date(ctx, pair["introduced_at"]))
            )
        answer = pair["your_follow_up_answer"]
        if answer in FOLLOW_UP:
            lines.append(
                ctx.reply.t("mydata.pair.follow_up", answer=ctx.reply.t(FOLLOW_UP[answer]))
            )
        if pair["you_said_yes_to_swap_at"]:
            swap = _date(ctx, pair["you_said_yes_to_swap_at"])
            lines.append(ctx.reply.t("mydata.pair.swap", date=swap))
        if pair["ended_at"]:
            lines.append(ctx.reply.t("mydata.pair.ended_on", date=_date(ctx, pair["ended_at"])))
    return lines


def _answers(ctx: Context, answers: list[dict[str, Any]]) -> list[str]:
    lines = [ctx.reply.t("mydata.answers", count=len(answers))]
    for answer in answers[-SHOWN_ANSWERS:]:
        question = _excerpt(answer["question"])
        lines.append(
            ctx.reply.t("mydata.answer", date=_date(ctx, answer["sent_at"]), question=question)
        )
        if answer["text"]:
            lines.append(ctx.reply.t("mydata.answer.text", answer=answer["text"]))
        if answer["media"]:
            kind = ctx.reply.t(MEDIA.get(answer["media"].get("kind"), "mydata.media.file"))
            lines.append(ctx.reply.t("mydata.answer.text", answer=kind))
        if answer["shared_at"]:
            lines.append(ctx.reply.t("mydata.answer.shared", date=_date(ctx, answer["shared_at"])))
    if len(answers) > SHOWN_ANSWERS:
        lines.append(ctx.reply.t("mydata.more_in_file", count=len(answers) - SHOWN_ANSWERS))
    return lines


def _rsvps(ctx: Context, rsvps: list[dict[str, Any]]) -> list[str]:
    lines = [ctx.reply.t("mydata.rsvps", count=len(rsvps))]
    for rsvp in rsvps:
        answer = ctx.reply.t(RSVP_LABELS.get(rsvp["answer"], "rsvp.maybe"))
        invitation = _excerpt(rsvp["invitation"])
        when = _date(ctx, rsvp["event_at"])
        lines.append(ctx.reply.t("mydata.rsvp", date=when, invitation=invitation))
        lines.append(ctx.reply.t("mydata.answer.text", answer=answer))
        if rsvp["children"] is not None:
            lines.append(ctx.reply.t("mydata.rsvp.children", count=rsvp["children"]))
    return lines


def _staff(ctx: Context, staff: dict[str, Any]) -> list[str]:
    lines = [
        ctx.reply.t("mydata.staff.codes", count=staff["codes_made"]),
        ctx.reply.t("mydata.staff.prompts", count=staff["prompts_written"]),
        ctx.reply.t("mydata.staff.rounds", count=staff["buddy_rounds_started"]),
    ]
    if staff["code_used_at"]:
        lines.append(ctx.reply.t("mydata.staff.code_used", date=_date(ctx, staff["code_used_at"])))
    return lines


def _kept(ctx: Context, data: dict[str, Any]) -> list[str]:
    messages = data["messages_to_you"]
    lines = [
        ctx.reply.t(
            "mydata.messages", count=messages["kept"], days=ctx.settings.sent_retention_days
        )
    ]
    if messages["quoting_you"]:
        lines.append(ctx.reply.t("mydata.quoting", count=messages["quoting_you"]))
    if data["relayed_messages"]:
        lines.append(ctx.reply.t("mydata.relayed", count=data["relayed_messages"]))
    dialogue = data["dialogue"]
    if dialogue is not None and dialogue["flow"]:
        lines.append(ctx.reply.t("mydata.dialogue"))
    moderation = data["moderation"]
    if moderation["reports_made"] or moderation["reports_about_you"]:
        made, about = moderation["reports_made"], moderation["reports_about_you"]
        lines.append(ctx.reply.t("mydata.reports", made=made, about=about))
    translating = data["translating"]
    if translating is not None:
        done, language = len(translating["translations"]), translating["language"]
        name = language_name(language, ctx.who.locale) if language else "-"
        lines.append(ctx.reply.t("mydata.translating", language=name, count=done))
    if moderation["newcomer_since"]:
        lines.append(ctx.reply.t("mydata.newcomer", date=_date(ctx, moderation["newcomer_since"])))
    return lines


def show_my_data(ctx: Context) -> None:
    speaker = ctx.who.speaker
    if speaker is None:
        ctx.reply.say("mydata.nothing")
        return
    if not speaker.active:
        ctx.reply.say("contact.stopped")  # first, so that it is not missed
    data = ctx.domain.privacy.my_data(speaker)
    ctx.reply.say_text("\n".join(_account(ctx, data)))
    ctx.reply.say_text("\n".join(_profile(ctx, data)))
    if data["staff"] is not None:
        ctx.reply.say_text("\n".join(_staff(ctx, data["staff"])))
    if data["buddy_pairs"]:
        _say_lines(ctx, _pairs(ctx, data["buddy_pairs"]))
    if data["answers"]:
        _say_lines(ctx, _answers(ctx, data["answers"]))
    if data["rsvps"]:
        _say_lines(ctx, _rsvps(ctx, data["rsvps"]))
    ctx.reply.say_text("\n".join(_kept(ctx, data)))
    ctx.reply.say("mydata.file", media=mydata.as_file(data))
    ctx.reply.say("mydata.erase_hint")


def privacy_statement(ctx: Context) -> None:
    """Five short messages: who, what, how long, the chat apps, your rights."""
    settings = ctx.settings
    config = settings.privacy
    if config.controller and config.contact:
        who = [
            ctx.reply.t("privacy.who", controller=config.controller),
            ctx.reply.t("privacy.contact", contact=config.contact),
        ]
        if config.officer:
            who.append(ctx.reply.t("privacy.officer", officer=config.officer))
    else:
        who = [ctx.reply.t("privacy.who_unknown")]
    ctx.reply.say_text("\n".join(who))
    ctx.reply.say_text("\n".join([ctx.reply.t("privacy.what"), ctx.reply.t("privacy.what_more")]))
    keep = [
        ctx.reply.t("privacy.keep.answers", days=settings.prompts.answer_retention_days),
        ctx.reply.t("privacy.keep.sent", days=settings.sent_retention_days),
    ]
    if config.erases_inactive:
        keep.append(ctx.reply.t("privacy.keep.inactive", days=config.inactive_days))
        keep.append(ctx.reply.t("privacy.keep.warning", days=WARNING_DAYS))
    keep.append(ctx.reply.t("privacy.keep.rest"))
    ctx.reply.say_text("\n".join(keep))
    ctx.reply.say_text("\n".join([ctx.reply.t("privacy.apps"), ctx.reply.t("privacy.unencrypted")]))
    ctx.reply.say_text("\n".join([ctx.reply.t("privacy.rights"), ctx.reply.t("privacy.complain")]))
