"""Moderation in group rooms: /report, /rules, and the coordinators' buttons on a report.

`/report`, typed as a reply in a group room by a member of the room's community, sends the
message (quoted, its author named by first name only) to the community's coordinators in
private, with buttons: delete everywhere, warn, remove the member. A link that a newcomer posts
is held the same way (`bot.engine.handlers.screening`), with allow, delete and remove. The
buttons act days later too: they name the report by id, and the handler checks that the presser
is a coordinator of the report's community (or an admin), and that the report is still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.engine.buttons import action_button
from bot.engine.context import Context
from bot.engine.context.others import Addressee
from community.actions import AdmitMember, DeleteMessage, RemoveMember, SendMessage, Target
from community.models import Role
from community.services.moderation import (
    ALLOW,
    DELETE,
    HELD,
    REMOVE,
    REPORT,
    VERBS,
    WARN,
    Author,
)
from community.services.people import Speaker
from community.services.relay_text import clean_body, copy_text, safe_first_name
from community.views import CommunityView, ReportView, RoomView

MOD_ACTION = "mod"
QUOTE_LIMIT = 500  # a long message is cut in the coordinators' copy
BUTTON_IDS = {
    DELETE: "report.button.delete",
    WARN: "report.button.warn",
    REMOVE: "report.button.remove",
    ALLOW: "report.button.allow",
}
DONE_IDS = {
    DELETE: "report.done.delete",
    WARN: "report.done.warn",
    REMOVE: "report.done.remove",
    ALLOW: "report.done.allow",
}


def rules(ctx: Context) -> None:
    """The room rules, as pinned in every room: in a group in the community's language, in a
    private chat in the person's own."""
    incoming = ctx.incoming
    if incoming.is_private:
        ctx.reply.say("rooms.rules")
        return
    room = ctx.domain.rooms.find(incoming.platform, incoming.chat_id)
    community = ctx.domain.communities.by_id(room.community_id) if room is not None else None
    locale = community.default_locale if community is not None else ctx.who.locale
    ctx.reply.say_text(ctx.translator.t(locale, "rooms.rules"))


def report(ctx: Context) -> None:
    """Typed as a reply to a message in a group room. The group sees nothing: the command goes
    and the answer comes in private."""
    incoming = ctx.incoming
    if incoming.is_private:
        ctx.reply.say("report.how")
        return
    room = ctx.domain.rooms.find(incoming.platform, incoming.chat_id)
    if room is None:
        return  # a group that is not one of ours: stay out of it
    if incoming.message_id is not None:
        ctx.out.act(
            room.platform, room.chat_id, DeleteMessage(Target(remote_id=incoming.message_id))
        )
    admin = ctx.who.role is Role.ADMIN  # an admin belongs to every community
    person = ctx.who.ensure_speaker(Role.ADMIN) if admin else ctx.who.speaker
    member = admin or (
        person is not None
        and person.community_id == room.community_id
        and ctx.who.role is not Role.GUEST
    )
    if person is None or not member:
        _tell_privately(ctx, person, "report.members_only", ctx.who.locale)
        return
    if incoming.ref is None or incoming.ref.remote_id is None:
        ctx.others.tell(person, "report.how")
        return
    message_id = incoming.ref.remote_id
    author, said = _reported(ctx, room, message_id)
    if author is None:
        ctx.others.tell(person, "report.unknown")
        return
    record = ctx.domain.moderation.open_report(REPORT, room, message_id, author, person)
    send_to_coordinators(ctx, record, room, author, said)
    ctx.others.tell(person, "report.thanks")


@dataclass(frozen=True)
class Said:
    """The reported words as the coordinators see them: a relayed copy's text names its author
    already ("Anna: ..."); a platform's quote comes with a display name of which only the first
    name is shown."""

    text: str
    name: str | None = None
    as_copy: bool = False


def _reported(ctx: Context, room: RoomView, message_id: str) -> tuple[Author | None, Said | None]:
    """Who wrote the reported message and what it said. A relayed copy of ours is traced to
    its original; else the platform's quote of it. No author: the bot's own message, which is
    no member's to report."""
    copy = ctx.domain.moderation.copy_of(room, message_id)
    if copy is not None:
        return copy.author, Said(copy.text, as_copy=True)
    quoted = ctx.incoming.quoted
    if quoted is None:
        return Author(None), None  # the platform did not show it: a coordinator looks there
    if quoted.user_id is None:
        return None, None
    return ctx.domain.moderation.author(room.platform, quoted.user_id), Said(
        clean_body(quoted.text), safe_first_name(quoted.name)
    )


def send_to_coordinators(
    ctx: Context, record: ReportView, room: RoomView, author: Author, said: Said | None
) -> None:
    """The report, in private, to each coordinator of the room's community in their language
    (to the admins when it has none yet). The row is linked to the member: erasing them
    erases the quote of their words."""
    community = ctx.domain.communities.by_id(room.community_id)
    name = community.name if community is not None else ""
    member_id = author.person.id if author.person is not None else None
    intro = "report.held" if record.kind == HELD else "report.to_coordinators"
    for platform, chat_id, locale, reader_id in _coordinator_chats(ctx, room):
        words = ctx.translator.t(locale, intro, community=name)
        body = f"{words}\n\n{_quote(ctx, locale, said)}"
        buttons = tuple(
            action_button(ctx.translator.t(locale, BUTTON_IDS[verb]), MOD_ACTION, record.id, verb)
            for verb in VERBS[record.kind]
            if _offered(verb, author)
        )
        # The row is the reader's (its buttons are signed for them); it quotes the member.
        ctx.out.act(
            platform, chat_id, SendMessage(body, buttons), person_id=reader_id,
            mentions=(member_id,) if member_id is not None else (),
        )  # fmt: skip


def _offered(verb: str, author: Author) -> bool:
    if verb in (WARN, REMOVE):
        return author.known  # an author the bot cannot name cannot be warned or removed
    if verb == ALLOW:
        return author.person is not None  # only a stored member can be trusted from now on
    return True


def _quote(ctx: Context, locale: str, said: Said | None) -> str:
    if said is None:
        return ctx.translator.t(locale, "report.no_text")
    text = said.text
    if not said.as_copy:  # shown as a relayed copy shows a message
        shown = said.name or ctx.translator.t(locale, "relay.someone")
        text = copy_text(shown, text)
    text = text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def _coordinator_chats(ctx: Context, room: RoomView) -> list[tuple[str, str, str, int]]:
    """(platform, chat, language, person) of each reader; only stored people, since the
    buttons are bound to the person they were sent to."""
    readers = ctx.domain.moderation.coordinators(room.community_id)
    if not readers:
        # No coordinator yet: the admins, on the platforms this bot runs (all of them if unset),
        # stored as people if they were not yet (the config makes them admins), since the
        # buttons are bound to a person.
        running = set(ctx.settings.platforms)
        admins = (entry.split(":", 1) for entry in sorted(ctx.settings.admins))
        readers = [
            ctx.domain.people.find(platform, user_id)
            or ctx.domain.people.create(platform, user_id, user_id, Role.ADMIN)
            for platform, user_id in admins
            if not running or platform in running
        ]
    default = ctx.settings.default_locale
    return [
        (p.platform, p.private_chat_id or p.platform_user_id, p.locale or default, p.id)
        for p in readers
    ]


def decide(ctx: Context, args: tuple[str, ...]) -> None:
    """A coordinator's button on a report: checked against the report's community and what
    was done already; a press days later works the same."""
    plain = len(args) == 2 and args[0].isascii() and args[0].isdigit() and len(args[0]) <= 9
    report_id = int(args[0]) if plain else None
    verb = args[1] if len(args) == 2 else ""
    moderation = ctx.domain.moderation
    record = moderation.report(report_id) if report_id is not None else None
    if record is not None and not _may_decide(ctx, record):
        ctx.reply.say("input.not_allowed")
        return
    room = moderation.room_of(record) if record is not None else None
    if record is None or room is None or verb not in VERBS.get(record.kind, ()):
        ctx.reply.say("report.closed")
        ctx.reply.clear_pressed()
        return
    if record.closed_at is not None or verb in record.done:
        ctx.reply.say("report.already_done")
        return
    author = moderation.author_of(record)
    if not _offered(verb, author):
        ctx.reply.say("report.closed")
        return
    community = ctx.domain.communities.by_id(record.community_id)
    _carry_out(ctx, record, room, author, verb, community)
    record = moderation.mark(record, verb)
    ctx.reply.say(DONE_IDS[verb])
    if record.closed_at is not None:
        ctx.reply.clear_pressed()


def _may_decide(ctx: Context, record: ReportView) -> bool:
    if ctx.who.role is Role.ADMIN:
        return True
    speaker = ctx.who.speaker
    return (
        speaker is not None
        and speaker.role is Role.COORDINATOR
        and speaker.community_id == record.community_id
    )


def _carry_out(
    ctx: Context,
    record: ReportView,
    room: RoomView,
    author: Author,
    verb: str,
    community: CommunityView | None,
) -> None:
    name = community.name if community is not None else ""
    locale = community.default_locale if community is not None else ctx.settings.default_locale
    deleted = DELETE in record.done or record.kind == HELD  # a held message is gone already
    if verb in (DELETE, REMOVE) and not deleted:
        ctx.out.queue(ctx.domain.relay.remove_everywhere(room, record.message_id))
    if verb == WARN:
        _tell_member(ctx, author, "moderation.warning", locale)
    elif verb == REMOVE:
        platform = author.person.platform if author.person is not None else author.platform
        user_id = author.person.platform_user_id if author.person is not None else author.user_id
        if platform is None or user_id is None:
            return
        for target in ctx.domain.moderation.removal_rooms(record, platform):
            ctx.out.act(target.platform, target.chat_id, RemoveMember(user_id))
        _tell_member(ctx, author, "moderation.removed", locale, community=name)
    elif verb == ALLOW and author.person is not None:
        ctx.domain.moderation.trust(room, author.person)
        ctx.others.tell(author.person, "moderation.link_allowed")


def _tell_member(ctx: Context, author: Author, msgid: str, locale: str, **values: Any) -> None:
    """In private: a stored member in their own language; someone else (addressed by their
    platform id) in the community's."""
    if author.person is not None:
        ctx.others.tell(author.person, msgid, **values)
    elif author.platform is not None and author.user_id is not None:
        text = ctx.translator.t(locale, msgid, **values)
        ctx.out.act(author.platform, author.user_id, SendMessage(text))


def _tell_privately(ctx: Context, person: Addressee | None, msgid: str, locale: str) -> None:
    """To the speaker of a group event, in private: by their person, or their platform id."""
    if person is not None:
        ctx.others.tell(person, msgid)
        return
    incoming = ctx.incoming
    text = ctx.translator.t(locale, msgid)
    ctx.out.act(incoming.platform, incoming.user_id, SendMessage(text))


def refuse_removed(ctx: Context, room: RoomView, person: Speaker) -> bool:
    """A join request of someone a coordinator removed (while the report is kept): declined,
    and they are told whom to ask. True when it was refused."""
    if not ctx.domain.moderation.removed_recently(room, person):
        return False
    incoming = ctx.incoming
    ctx.out.act(incoming.platform, incoming.chat_id, AdmitMember(incoming.user_id, False))
    ctx.others.tell(person, "moderation.rejoin_refused")
    return True
