"""The engine: one incoming event in, actions queued in the outbox, all in one
transaction. Platform-neutral: adapters call `handle` (or `handle_async` from the event loop)
and then deliver what it returns; the dispatcher sends whatever else the outbox holds.

Whatever goes wrong inside a handler, the person gets a short apology in their language and the
transaction is rolled back, so nothing stored is half-changed. Logs carry no message text.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.engine import replies
from bot.engine.context import Context, new_context, outgoing
from bot.engine.dialogue import continue_flow, reprompt
from bot.engine.flood import FloodGuard, Verdict
from bot.engine.handlers import joining, rooms, screening
from bot.engine.port import Capabilities
from bot.engine.registry import Handlers
from bot.engine.threads import run_blocking
from bot.engine.types import EventKind, Incoming
from community import buttons as codec
from community import late_begin
from community.actions import SendMessage
from community.clock import Clock
from community.i18n import Translator
from community.models import ProcessedEvent, Role
from community.services import dialogue_state, outbox, people, rows, speaker_changes
from community.services.domain import Domain
from community.services.outbox import Claimed, Outgoing
from community.services.people import Speaker
from community.views import DialogueView
from config import Settings

log = logging.getLogger(__name__)

MAX_TEXT = 1000  # longer than any answer the bot asks for; a paste is refused politely
GROUP_COMMANDS = {"start", "help"}
PRIVATE_WINDOW = 60  # seconds: "Wait 1 minute."
COUNTED = frozenset({EventKind.MESSAGE, EventKind.BUTTON, EventKind.REACTION})
KEYCAPS = {f"{n}\u20e3": n for n in range(1, 10)} | {"\U0001f51f": 10}


def keycap_number(emoji: str) -> int | None:
    """1️⃣ .. 🔟 as the number of the choice they stand for (Matrix numbered options)."""
    return KEYCAPS.get(emoji.replace("\ufe0f", "").strip())


class Engine:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: Settings,
        translator: Translator,
        clock: Clock,
        handlers: Handlers,
        capabilities: Mapping[str, Capabilities] | None = None,
        owner: str | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.handlers = handlers
        # This process (its heartbeat's id): each event's claim names it, so that another
        # process takes the claim over at once if this one dies before delivering.
        self.owner = owner
        self.settings = settings
        self.translator = translator
        self.clock = clock
        self.capabilities = dict(capabilities or {})
        # Counted in memory, per process (see bot.engine.flood): no write per message.
        limits = settings.moderation
        self.private_flood = FloodGuard(limits.private_messages, PRIVATE_WINDOW)
        self.group_flood = FloodGuard(limits.group_messages, limits.group_seconds)

    def handle(self, incoming: Incoming) -> list[Claimed]:
        """Handle one event in one transaction. Returns the rows it queued already claimed
        (replies to chats with nothing older pending): deliver them right away."""
        token = outbox.new_token()
        verdict = self._count_private(incoming)
        if verdict is Verdict.OVER:
            return []  # the rest of a flood: nothing handled, nothing stored
        if verdict is Verdict.FIRST_OVER:
            return self._answer_only(incoming, token, "input.slow_down")
        try:
            try:
                return self._handle_once(incoming, token)
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                # The server went away and came back (a restart): the pool is fresh now.
                return self._handle_once(incoming, token)
        except IntegrityError:
            if incoming.event_id is not None and self._handled_elsewhere(incoming):
                return []  # another process handled the same update at the same moment
            log.error("handler failed on %s: IntegrityError", incoming.platform)
            return self._apologise(incoming, token)
        except Exception as exc:
            # The type and the stack only: an exception's message may quote what a person typed.
            log.error(
                "handler failed on %s: %s\n%s",
                incoming.platform,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            return self._apologise(incoming, token)

    def _handle_once(self, incoming: Incoming, token: str) -> list[Claimed]:
        with self.session_factory.begin() as session:
            late_begin.defer(session)  # PostgreSQL: most events write once, at the end
            if incoming.event_id is not None and self._seen(session, incoming):
                return []
            ctx = self._context(session, incoming)
            before = ctx.dialogue.state.token if ctx.dialogue.state is not None else None
            self._route(ctx)
            replies.settle(ctx, before)
            items = outgoing(ctx)
            speaker = ctx.who.speaker
            # The speaker's changed dialogue state and answers are written with the replies'
            # INSERT.
            state = dialogue_state.take_write(session)
            speaker_id = speaker.id if speaker is not None else None
            along = [*([state] if state else []), *speaker_changes.take(session, speaker_id)]
            return outbox.enqueue(
                session,
                items,
                self.clock,
                claim_for=token,
                owner=self.owner,
                along=along,
                speaker=speaker_id,
                speaker_chat=people.parent_chat(speaker) if speaker is not None else None,
                last=True,
            )

    async def handle_async(self, incoming: Incoming) -> list[Claimed]:
        """`handle` in a worker thread, so the adapter's event loop never waits on the
        database; the database is the only state the threads share."""
        return await run_blocking(self.handle, incoming)

    def _count_private(self, incoming: Incoming) -> Verdict:
        """A person flooding the bot in private is answered once, then ignored until the
        minute is over. Admins of the config are not counted (a script of theirs, a test)."""
        if not incoming.is_private or incoming.kind not in COUNTED:
            return Verdict.OK
        if self.settings.is_admin(incoming.platform, incoming.user_id):
            return Verdict.OK
        return self.private_flood.count((incoming.platform, incoming.user_id), self.clock.now())

    # -- steps of handle ------------------------------------------------------------------------
    def _seen(self, session: Session, incoming: Incoming) -> bool:
        key = (incoming.platform, str(incoming.event_id))
        if session.get(ProcessedEvent, key) is not None:
            return True
        session.add(ProcessedEvent(platform=key[0], event_id=key[1], processed_at=self.clock.now()))
        return False

    def _handled_elsewhere(self, incoming: Incoming) -> bool:
        with self.session_factory() as session:
            key = (incoming.platform, str(incoming.event_id))
            return session.get(ProcessedEvent, key) is not None

    def _initial_locale(self, incoming: Incoming, person_locale: str | None) -> str:
        if person_locale in self.translator.locales:
            return person_locale  # type: ignore[return-value]
        hint = (incoming.language_hint or "").split("-")[0].lower()
        return hint if hint in self.translator.locales else self.settings.default_locale

    def _context(self, session: Session, incoming: Incoming) -> Context:
        domain = Domain(session, self.clock)
        person, stored = people.find_speaker(session, incoming.platform, incoming.user_id)
        # Both stay in the session for the event (`rows.hold`): the domain finds them again
        # by id without a query each time a handler asks who is talking.
        row = rows.view(session, DialogueView, stored) if stored is not None else None
        if person is not None:
            if person.unreachable_at is not None and incoming.is_private:
                person.unreachable_at = None  # they wrote to us: reachable again
            people.seen(person, self.clock.now())
        chosen = person.locale if person is not None else row.locale if row is not None else None
        if person is None and row is None and incoming.is_private:
            # Erased in the last day: the language they chose is kept under a pseudonym.
            chosen = domain.dialogues.erased_locale(incoming.platform, incoming.user_id)
        locale = self._initial_locale(incoming, chosen)
        capabilities = self.capabilities.get(incoming.platform, Capabilities())
        return new_context(
            incoming, domain, self.settings, self.translator, self.clock,
            Speaker.of(rows.hold(session, person)) if person is not None else None, locale,
            self.handlers, capabilities, row,
        )  # fmt: skip

    def _route(self, ctx: Context) -> None:
        incoming = ctx.incoming
        if not incoming.is_private:
            self._route_group(ctx)
            return
        replies.expire(ctx)
        if incoming.kind is EventKind.BUTTON:
            self._press(ctx, incoming.choice or "")
        elif incoming.kind is EventKind.REACTION:
            self._react(ctx)
        elif incoming.kind is EventKind.MESSAGE:
            self._message(ctx)
        # Edits and deletions in a private chat change nothing: answers were taken as sent.

    def _message(self, ctx: Context) -> None:
        incoming = ctx.incoming
        text = incoming.text.strip()
        if len(text) > MAX_TEXT:
            ctx.reply.say("input.too_long", limit=MAX_TEXT)
            reprompt(ctx)
            return
        if incoming.command is not None:
            self._run_command(ctx, incoming.command)
            return
        state = ctx.dialogue.state
        if incoming.media and not text:
            current = self.handlers.questions.get(state.step or "") if state else None
            if current is not None:
                current.on_media(ctx, incoming.media[0])
            elif not replies.answer(ctx, "", incoming.media[0], self._press):
                ctx.reply.say("media.not_asked")
            return
        if state is not None:
            if not text:
                ctx.reply.say("input.empty")
                reprompt(ctx)
                return
            if not replies.ask_which(ctx, text):
                continue_flow(ctx, None, text)
            return
        if ctx.who.role is Role.GUEST:
            ctx.reply.say("start.need_code")
        elif not replies.answer(
            ctx, text, incoming.media[0] if incoming.media else None, self._press
        ):
            ctx.reply.say("input.not_understood")

    def _press(self, ctx: Context, data: str) -> None:
        """A button press: a stateless button action (checked to be sent to the presser, then
        against the presser's role), or a question's button (checked against the question the
        presser's dialogue asks now)."""
        decoded = codec.decode(data)
        if isinstance(decoded, codec.ActionData):
            self._act(ctx, decoded)
            return
        state = ctx.dialogue.state
        if decoded is None:
            ctx.reply.say("input.old_button")
            ctx.reply.clear_pressed()
            return
        if state is None or state.token != decoded.token:
            replies.closed(ctx)
            return
        continue_flow(ctx, decoded.key, "")
        after = ctx.dialogue.state
        if after is None or after.token != decoded.token:
            ctx.reply.clear_pressed()  # answered: the question's buttons cannot be pressed again

    def _act(self, ctx: Context, data: codec.ActionData) -> None:
        action = self.handlers.buttons.get(data.name)
        if action is not None and not action.allowed(ctx.who.role):
            ctx.reply.say("input.not_allowed")
            ctx.reply.clear_pressed()
            return
        # Forged data, or a button from someone else's chat: it was not sent to this person.
        if action is None or not ctx.domain.sent.button_sent_to(data, ctx.who.person_id):
            ctx.reply.say("input.old_button")
            ctx.reply.clear_pressed()
            return
        if replies.is_closed(ctx, data):
            replies.closed(ctx)
            return
        action.handler(ctx, data.args)

    def _react(self, ctx: Context) -> None:
        """An emoji on one of our messages: a keycap digit on a message with choices counts as
        pressing that choice (platforms without buttons show choices as numbered options).
        Only a message in the reactor's own chat counts."""
        incoming = ctx.incoming
        number = keycap_number(incoming.reaction or "")
        if number is None or incoming.ref is None:
            return  # a reaction that is not an answer: nothing to do
        sent = ctx.domain.sent.buttons(incoming.platform, incoming.chat_id, incoming.ref)
        if not sent or number > len(sent):
            ctx.reply.say("input.old_button")
            return
        self._press(ctx, sent[number - 1].data)

    def _run_command(self, ctx: Context, name: str) -> None:
        command = self.handlers.commands.get(name)
        if command is None:
            ctx.reply.say("input.unknown_command")
        elif not command.allowed(ctx.who.role):
            if joining.joining(ctx):
                joining.answer_first(ctx)  # they sent the code: help for where they are
            else:
                ctx.reply.say(
                    "start.need_code" if ctx.who.role is Role.GUEST else "input.not_allowed"
                )
        else:
            if command.roles is not None and ctx.who.person_id is None:
                # Only an admin gets here unstored: the role comes from the config file.
                ctx.who.ensure_speaker(Role.ADMIN)
            command.handler(ctx)

    def _route_group(self, ctx: Context) -> None:
        # Group rooms are for parents talking to each other: the bot speaks only when addressed;
        # everything else goes to the room service (admissions, welcomes, relaying). First,
        # moderation: a flood is slowed down, a newcomer's link held for a coordinator.
        if screening.screen(ctx, self.group_flood):
            return
        name = ctx.incoming.command if ctx.incoming.kind is EventKind.MESSAGE else None
        command = self.handlers.commands.get(name) if name is not None else None
        if command is not None and command.in_groups:
            if command.allowed(ctx.who.role) and (command.room_checked or self._in_own_room(ctx)):
                command.handler(ctx)
            else:
                ctx.reply.say("input.not_allowed")
        elif name in GROUP_COMMANDS or command is not None:
            ctx.reply.say("group.private_only")
        else:
            rooms.on_group_event(ctx)

    @staticmethod
    def _in_own_room(ctx: Context) -> bool:
        """A group command counts only in a group of the speaker's own community (or one not
        linked yet); an admin's in any group. A community is a wall."""
        if ctx.who.role is Role.ADMIN:
            return True
        room = ctx.domain.rooms.find(ctx.incoming.platform, ctx.incoming.chat_id)
        speaker = ctx.who.speaker
        if room is None:
            return speaker is not None and speaker.community_id is not None
        return speaker is not None and speaker.community_id == room.community_id

    def _apologise(self, incoming: Incoming, token: str) -> list[Claimed]:
        return self._answer_only(incoming, token, "error.generic")

    def _answer_only(self, incoming: Incoming, token: str, msgid: str) -> list[Claimed]:
        """One short answer in the person's language, and nothing else handled or stored."""
        if not incoming.is_private:
            return []
        try:
            with self.session_factory.begin() as session:
                person, row = people.find_speaker(session, incoming.platform, incoming.user_id)
                # Before consent the chosen language is only in the dialogue state.
                chosen = person.locale if person else row.locale if row else None
                locale = self._initial_locale(incoming, chosen)
                text = self.translator.t(locale, msgid)
                item = Outgoing(
                    incoming.platform,
                    incoming.chat_id,
                    SendMessage(text),
                    person.id if person else None,
                )
                return outbox.enqueue(
                    session, [item], self.clock, claim_for=token, owner=self.owner
                )
        except Exception:
            log.exception("could not queue a short answer on %s", incoming.platform)
            return []
