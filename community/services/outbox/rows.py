"""What the outbox holds: an action on its way in (`Outgoing`), a row a sender holds (`Claimed`),
the table and the predicate of its open rows, and how long a claim lasts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table

from community.actions import Action
from community.clock import Clock
from community.models import OPEN_ROWS, OutboxMessage

CLAIM_SECONDS = 120
KEY_RETENTION_DAYS = 400  # longer than any schedule that could queue the same key again

TABLE: Table = OutboxMessage.__table__  # type: ignore[assignment]
# Written out literally, as in the partial indexes, so that both databases can use them.
OPEN = OPEN_ROWS

# Who claims rows as they are queued: the claim's token and the process holding it.
ClaimFor = tuple[str, str | None]
# An UPDATE to run with an INSERT, and its parameters (named apart from the INSERT's).
Along = tuple[Any, dict[str, Any]]


def new_token() -> str:
    """A claim owner token: one per sender (or per handled event on the fast road)."""
    return uuid.uuid4().hex


def claim_until(clock: Clock) -> datetime:
    return clock.now() + timedelta(seconds=CLAIM_SECONDS)


@dataclass(frozen=True)
class Outgoing:
    """One action for one chat, before it is queued. `person_id` links it to the person it is
    for (erasing them erases it); `key` makes queueing it idempotent. `mentions` are the other
    people it quotes (erasing one of them erases it too); `forget_when_sent` deletes the row
    once it went instead of keeping it as sent."""

    platform: str
    chat_id: str
    action: Action
    person_id: int | None = None
    key: str | None = None
    # Told the row's id once it is queued, in the same transaction (a relayed copy records
    # itself in the message map, so that an edit of the original can find the copy).
    queued: Callable[[int], None] | None = field(default=None, compare=False)
    mentions: tuple[int, ...] = ()
    forget_when_sent: bool = False


@dataclass(frozen=True)
class Claimed:
    """A row a sender holds: what to do, where, and who holds it."""

    id: int
    platform: str
    chat_id: str
    kind: str
    payload: dict[str, Any]
    person_id: int | None
    token: str
    forget_when_sent: bool = False


def claimed(row_id: int, item: Outgoing, payload: dict[str, Any], token: str) -> Claimed:
    """A row just queued, as its claimer delivers it. A sealed message's secret is only here,
    in memory: the stored payload holds its fallback."""
    live = item.action.live()
    if live is not item.action:
        kind, payload = live.kind, live.to_json()
    else:
        kind = item.action.kind
    return Claimed(
        row_id, item.platform, item.chat_id, kind, payload, item.person_id, token,
        item.forget_when_sent,
    )  # fmt: skip
