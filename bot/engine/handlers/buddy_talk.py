"""Between two buddies: messages, photos and voice notes through the bot, and swapping contact
details only when both say yes.

Until both say yes the buddies talk through the bot, which also lets a Telegram parent and a
Matrix parent be buddies: a photo or voice note goes on with the platform that holds it
(`Media.origin`), and the buddy's transport fetches it from there.

Swapping contact details: each parent says yes (the /buddy menu, or the button on their buddy's
request); either may take the yes back before the other agrees. Only the moment of each yes is
stored. Once both said yes, each is asked to type what the other may get; the text goes
straight to the buddy and is not kept with the parent's data.
"""

from __future__ import annotations

from dataclasses import replace

from bot.engine.buttons import action_button
from bot.engine.context import Choice, Context
from bot.engine.dialogue import Outcome, Question, start_flow
from community.actions import Media, SendMessage
from community.models import PairStatus
from community.services import buddies
from community.services.people import Speaker

SHARE_ACTION = "buddy_share"
SHARE_ANSWERS = {"yes": "buddy.share.yes", "no": "buddy.share.no"}


def introduced_pair(ctx: Context) -> buddies.Pair | None:
    """The speaker's buddy pair, once the two were introduced."""
    pair = ctx.domain.buddies.active_pair(ctx.who.require_speaker())
    return pair if pair is not None and pair.introduced_at is not None else None


def _name(ctx: Context, person: buddies.Parent) -> str:
    return ctx.domain.buddies.first_name(person) or "?"


def _locale(ctx: Context, person: Speaker) -> str:
    return ctx.translator.resolve(person.locale or ctx.settings.default_locale)


# -- messages, photos and voice notes -------------------------------------------------------------
def relay(ctx: Context, text: str, media: Media | None = None) -> None:
    """Pass a message (and a photo or voice note) on to the speaker's buddy, headed with the
    speaker's first name in the buddy's language."""
    pair = introduced_pair(ctx)
    if pair is None:
        ctx.reply.say("buddy.relay.no_buddy")
        return
    person = ctx.who.require_speaker()
    ctx.domain.quoted.add(person.id)  # their words go to the buddy: erased with them
    other = pair.other(person)
    heading = ctx.translator.t(_locale(ctx, other), "buddy.relay.from", name=_name(ctx, person))
    passed = None
    if media is not None and not text and media.caption:
        # Platforms that keep a caption apart from the text (Matrix): the caption is the text,
        # without a "/buddy" in front.
        text = _without_command(media.caption)
    if media is not None:
        # The caption was the speaker's own text (maybe with "/buddy"): the heading and text
        # are the caption now. The origin tells the buddy's transport where the file is.
        passed = replace(media, caption=None, origin=media.origin or ctx.incoming.platform)
    body = f"{heading}\n{text}" if text else heading
    ctx.out.act_for(other, SendMessage(body, media=passed))
    ctx.reply.say("buddy.relay.sent", name=_name(ctx, other))


def _without_command(caption: str) -> str:
    stripped = caption.strip()
    if stripped.startswith("/"):
        parts = stripped.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""
    return stripped


def incoming_media(ctx: Context) -> Media | None:
    return ctx.incoming.media[0] if ctx.incoming.media else None


class BuddyWrite(Question):
    """A message for the buddy: typed text, or a photo or voice note (with or without text)."""

    name = "buddy_write"
    for_another = True

    def prompt(self, ctx: Context) -> None:
        pair = introduced_pair(ctx)
        if pair is None:
            ctx.dialogue.leave()
            ctx.reply.say("buddy.relay.no_buddy")
            return
        other = pair.other(ctx.who.require_speaker())
        ctx.reply.say("buddy.write.ask", name=_name(ctx, other))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        ctx.dialogue.leave()
        relay(ctx, text.strip(), incoming_media(ctx))
        return Outcome.DONE

    def on_media(self, ctx: Context, media: Media) -> None:
        ctx.dialogue.leave()
        relay(ctx, "", media)


# -- swapping contact details ---------------------------------------------------------------------
def share_choices(ctx: Context, pair: buddies.Pair) -> list[Choice]:
    """The /buddy menu's contact entry: ask to swap, take the yes back while the buddy has not
    said yes, or (both said yes) send what the buddy may get."""
    person = ctx.who.require_speaker()
    name = _name(ctx, pair.other(person))
    if pair.both_share:
        return [Choice("share_send", ctx.reply.t("buddy.menu.share_send", name=name))]
    if pair.share_said_at(person) is not None:
        return [Choice("share_withdraw", ctx.reply.t("buddy.menu.share_withdraw"))]
    return [Choice("share", ctx.reply.t("buddy.menu.share", name=name))]


def share_status(ctx: Context, pair: buddies.Pair) -> None:
    """One line in the /buddy menu while the speaker waits for the buddy's yes."""
    person = ctx.who.require_speaker()
    if pair.share_said_at(person) is not None and not pair.both_share:
        ctx.reply.say("buddy.share.waiting", name=_name(ctx, pair.other(person)))


def on_share_choice(ctx: Context, key: str, pair: buddies.Pair) -> None:
    """The menu's contact entry was chosen (the menu has left its question already)."""
    person = ctx.who.require_speaker()
    if key == "share":
        say_yes(ctx, pair, person)
    elif key == "share_withdraw" and not pair.both_share:
        ctx.domain.buddies.withdraw_share(pair, person)  # pressed twice: still withdrawn
        ctx.reply.say("buddy.share.withdrawn")
    else:
        # Both said yes (the buddy maybe just before a "stop"): it is a swap now.
        start_flow(ctx, "buddy_contact", pair=pair.id)


def say_yes(ctx: Context, pair: buddies.Pair, person: buddies.Parent) -> None:
    other = pair.other(person)
    name, mine = _name(ctx, other), _name(ctx, person)
    if not ctx.domain.buddies.say_yes_to_share(pair, person):
        ctx.reply.say("buddy.share.asked", name=name)
        locale = _locale(ctx, other)
        buttons = tuple(
            action_button(ctx.translator.t(locale, label), SHARE_ACTION, pair.id, answer)
            for answer, label in SHARE_ANSWERS.items()
        )
        ctx.others.tell(other, "buddy.share.request", buttons=buttons, name=mine)
        return
    # Both said yes: each types what the other may get. The buddy's dialogue moves to that
    # question, so their next typed message is the contact, not something else.
    ctx.domain.dialogues.enter(
        other.platform,
        other.platform_user_id,
        other.id,
        "buddy_contact",
        "buddy_contact",
        {"pair": pair.id},
        f"c{pair.id}",
        other.private_chat_id,
    )
    ctx.others.tell(other, "buddy.share.agreed", name=mine)
    ctx.others.tell(other, "buddy.contact.ask", name=mine)
    ctx.reply.say("buddy.share.agreed", name=name)
    start_flow(ctx, "buddy_contact", pair=pair.id)


def share_answer(ctx: Context, args: tuple[str, ...]) -> None:
    """The buddy's answer to a request to swap contact details, days later too."""
    person = ctx.who.require_speaker()
    pair = ctx.domain.buddies.pair(args[0]) if args else None
    answer = args[1] if len(args) > 1 else ""
    ctx.reply.clear_pressed()
    if pair is None or not pair.has(person) or answer not in SHARE_ANSWERS:
        ctx.reply.say("input.old_button")
        return
    if pair.introduced_at is None:
        # A contact swap cannot start before the two were introduced.
        ctx.reply.say("input.not_allowed")
        return
    if pair.status is not PairStatus.APPROVED:
        ctx.reply.say("buddy.ended.already")
        return
    if answer == "no":
        # The other parent is not told: no blame, and they keep writing through the bot.
        ctx.reply.say("buddy.share.declined")
    elif pair.both_share:
        start_flow(ctx, "buddy_contact", pair=pair.id)
    else:
        say_yes(ctx, pair, person)


class BuddyContact(Question):
    """What the buddy may get, typed once both said yes; passed on, never stored."""

    name = "buddy_contact"
    for_another = True

    def _pair(self, ctx: Context) -> buddies.Pair | None:
        state = ctx.dialogue.state
        pair = ctx.domain.buddies.pair(state.data.get("pair", 0)) if state else None
        person = ctx.who.require_speaker()
        if pair is None or not pair.has(person) or not pair.both_share:
            return None
        return pair if pair.status is PairStatus.APPROVED else None

    def prompt(self, ctx: Context) -> None:
        pair = self._pair(ctx)
        if pair is None:
            ctx.dialogue.leave()
            ctx.reply.say("buddy.relay.no_buddy")
            return
        ctx.reply.say("buddy.contact.ask", name=_name(ctx, pair.other(ctx.who.require_speaker())))

    def on_text(self, ctx: Context, text: str) -> Outcome:
        pair = self._pair(ctx)
        contact = buddies.clean_contact(text)
        if pair is not None and contact is None:
            ctx.reply.say("input.too_long", limit=buddies.CONTACT_MAX)
            return Outcome.STAY
        ctx.dialogue.leave()
        if pair is None or contact is None:
            ctx.reply.say("buddy.relay.no_buddy")
            return Outcome.DONE
        person = ctx.who.require_speaker()
        ctx.domain.quoted.add(person.id)  # their contact details go to the buddy: erased with them
        other = pair.other(person)
        heading = ctx.translator.t(
            _locale(ctx, other), "buddy.contact.from", name=_name(ctx, person)
        )
        ctx.out.act_for(other, SendMessage(f"{heading}\n{contact}"))
        ctx.reply.say("buddy.contact.sent", name=_name(ctx, other))
        return Outcome.DONE
