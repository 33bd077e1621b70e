"""What a handler gets: a plain bundle of the event and the parts it works with, each in its
own module with one job. Handlers never touch a session or a platform.

- `incoming`: the event; `domain`: the domain services bound to this one transaction;
  `settings`, `translator`, `clock`, `handlers` (what commands, buttons and questions there
  are) and `capabilities` (what the platform can do);
- `who` (who.py): who is talking: their role, their plain `speaker` values, their language;
  storing or erasing them;
- `dialogue` (dialogue.py): the open question of their dialogue: `state`, `enter`, `remember`,
  `leave`;
- `reply` (reply.py): answering the speaker in their language: `t`, `say`, buttons, the
  pressed message;
- `others` (others.py): telling other people and rooms, each in their own language;
- `out` (bot/engine/outbound.py): what the event queues, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.engine.context.dialogue import Dialogue
from bot.engine.context.others import Others
from bot.engine.context.reply import Choice, Reply
from bot.engine.context.who import Who
from bot.engine.outbound import Outbound
from bot.engine.port import Capabilities
from bot.engine.types import Incoming
from community.clock import Clock
from community.i18n import Translator
from community.services.domain import Domain
from community.services.outbox import Outgoing
from community.services.people import Speaker
from community.views import DialogueView
from config import Settings

if TYPE_CHECKING:
    from bot.engine.registry import Handlers

__all__ = ["Choice", "Context", "new_context", "outgoing"]


@dataclass
class Context:
    incoming: Incoming
    domain: Domain
    settings: Settings
    translator: Translator
    clock: Clock
    handlers: Handlers
    capabilities: Capabilities
    out: Outbound
    who: Who
    dialogue: Dialogue
    reply: Reply
    others: Others = field(repr=False)


def new_context(
    incoming: Incoming,
    domain: Domain,
    settings: Settings,
    translator: Translator,
    clock: Clock,
    person: Speaker | None,
    locale: str,
    handlers: Handlers,
    capabilities: Capabilities | None = None,
    row: DialogueView | None = None,
) -> Context:
    """The context for one event: `person` (stored, or as plain values) and `row` (their
    dialogue state) as the engine read them, `locale` the language to answer in."""
    capabilities = capabilities or Capabilities()
    out = Outbound()
    dialogue = Dialogue(incoming, domain, row, person.id if person is not None else None)
    who = Who(incoming, domain, settings, dialogue, out, dialogue.person_id, locale)
    reply = Reply(translator, capabilities, out, who, dialogue, incoming.ref, incoming.kind)
    others = Others(translator, settings, out)
    return Context(
        incoming, domain, settings, translator, clock, handlers, capabilities, out,
        who, dialogue, reply, others,
    )  # fmt: skip


def outgoing(ctx: Context) -> list[Outgoing]:
    """Everything the event queues, in order: the replies to the speaker, then the rest."""
    person_id, incoming = ctx.who.person_id, ctx.incoming
    stranger = person_id is None and ctx.dialogue.row is None and incoming.is_private
    return ctx.out.rows(incoming, person_id, stranger, ctx.domain.quoted)
