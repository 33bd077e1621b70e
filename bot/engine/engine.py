"""The conversation engine: one incoming message in, replies queued in the outbox, all in one
transaction. Platform-neutral: adapters call `handle` and later send what the outbox holds.

Whatever goes wrong inside a handler, the person gets a short apology in their language and the
transaction is rolled back, so nothing stored is half-changed. Logs carry no message text.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

# Importing the handlers registers every command, question and flow.
import bot.engine.handlers  # noqa: F401
from bot.engine.commands import COMMANDS
from bot.engine.context import Context
from bot.engine.dialogue import continue_flow, reprompt
from bot.engine.types import Incoming, Outgoing
from community.clock import Clock
from community.i18n import Translator
from community.models import ProcessedEvent, Role
from community.services import outbox, people
from config import Settings

log = logging.getLogger(__name__)

MAX_TEXT = 1000  # longer than any answer the bot asks for; a paste is refused politely
GROUP_COMMANDS = {"start", "help"}


class Engine:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: Settings,
        translator: Translator,
        clock: Clock,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.translator = translator
        self.clock = clock

    def handle(self, incoming: Incoming) -> list[int]:
        """Handle one message; return the ids of the outbox rows it queued."""
        try:
            with self.session_factory.begin() as session:
                if incoming.event_id is not None and self._seen(session, incoming):
                    return []
                ctx = self._context(session, incoming)
                self._route(ctx)
                return self._queue(session, ctx)
        except Exception:
            log.exception("handler failed on %s (message text not logged)", incoming.platform)
            return self._apologise(incoming)

    # -- steps of handle ------------------------------------------------------------------------
    def _seen(self, session: Session, incoming: Incoming) -> bool:
        key = (incoming.platform, str(incoming.event_id))
        if session.get(ProcessedEvent, key) is not None:
            return True
        session.add(ProcessedEvent(platform=key[0], event_id=key[1], processed_at=self.clock.now()))
        return False

    def _initial_locale(self, incoming: Incoming, person_locale: str | None) -> str:
        if person_locale in self.translator.locales:
            return person_locale  # type: ignore[return-value]
        hint = (incoming.language_hint or "").split("-")[0].lower()
        return hint if hint in self.translator.locales else self.settings.default_locale

    def _context(self, session: Session, incoming: Incoming) -> Context:
        person = people.find(session, incoming.platform, incoming.user_id)
        locale = self._initial_locale(incoming, person.locale if person else None)
        return Context(
            incoming, session, self.settings, self.translator, self.clock, person, locale
        )

    def _route(self, ctx: Context) -> None:
        incoming = ctx.incoming
        if not incoming.is_private:
            self._route_group(ctx)
            return
        text = incoming.text.strip()
        if len(text) > MAX_TEXT:
            ctx.say("input.too_long", limit=MAX_TEXT)
            reprompt(ctx)
            return
        if incoming.command is not None:
            self._run_command(ctx, incoming.command)
            return
        if ctx.state is not None:
            if not text and incoming.choice is None:
                ctx.say("input.empty")
                reprompt(ctx)
                return
            continue_flow(ctx, incoming.choice, text)
            return
        if incoming.choice is not None:
            ctx.say("input.old_button")
        elif ctx.role is Role.GUEST:
            ctx.say("start.need_code")
        else:
            ctx.say("input.not_understood")

    def _run_command(self, ctx: Context, name: str) -> None:
        command = COMMANDS.get(name)
        if command is None:
            ctx.say("input.unknown_command")
        elif not command.allowed(ctx.role):
            ctx.say("start.need_code" if ctx.role is Role.GUEST else "input.not_allowed")
        else:
            if command.roles is not None and ctx.person is None:
                # Only an admin gets here unstored: the role comes from the config file.
                ctx.ensure_person(Role.ADMIN)
            command.handler(ctx)

    def _route_group(self, ctx: Context) -> None:
        # Group rooms are for parents talking to each other: the bot speaks only when addressed.
        if ctx.incoming.command in GROUP_COMMANDS:
            ctx.say("group.private_only")

    def _queue(self, session: Session, ctx: Context) -> list[int]:
        person = ctx.person
        ids: list[int] = []
        for reply in ctx.replies:
            # Linked to the person, so erasing them also erases what is still queued for them.
            owner = (
                person.id
                if person is not None and not ctx.erased and ctx.incoming.is_private
                else None
            )
            row_id = outbox.enqueue(
                session,
                platform=ctx.incoming.platform,
                chat_id=reply.chat_id,
                payload=reply.to_payload(),
                clock=self.clock,
                person_id=owner,
            )
            if row_id is not None:
                ids.append(row_id)
        return ids

    def _apologise(self, incoming: Incoming) -> list[int]:
        if not incoming.is_private:
            return []
        try:
            with self.session_factory.begin() as session:
                person = people.find(session, incoming.platform, incoming.user_id)
                locale = self._initial_locale(incoming, person.locale if person else None)
                text = self.translator.t(locale, "error.generic")
                row_id = outbox.enqueue(
                    session,
                    platform=incoming.platform,
                    chat_id=incoming.chat_id,
                    payload=Outgoing(incoming.chat_id, text).to_payload(),
                    clock=self.clock,
                    person_id=person.id if person else None,
                )
                return [row_id] if row_id is not None else []
        except Exception:
            log.exception("could not queue the apology on %s", incoming.platform)
            return []
