"""Queueing: actions become outbox rows in the caller's transaction.

Every row passes here, so this is where what no builder may forget happens: idempotency keys
are checked, action buttons are signed for their person, a chat's earlier question is closed
before a new one, voice notes are added for those who asked. A few replies for the engine take
the one-statement road (community/services/outbox/one_statement.py); the rest go row by row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from community import buttons
from community.clock import Clock
from community.models import OutboxKey, OutboxMention, OutboxStatus
from community.services import button_key, open_questions, voice
from community.services.outbox.one_statement import MANY_LIMIT, insert_claimed
from community.services.outbox.rows import (
    OPEN,
    TABLE,
    Along,
    Claimed,
    ClaimFor,
    Outgoing,
    claim_until,
    claimed,
)

_T = TABLE


def enqueue(
    session: Session,
    items: Sequence[Outgoing],
    clock: Clock,
    *,
    claim_for: str | None = None,
    owner: str | None = None,
    available_at: datetime | None = None,
    along: Sequence[Along] = (),
    speaker: int | None = None,
    speaker_chat: str | None = None,
    last: bool = False,
) -> list[Claimed]:
    """Queue `items` in order, in the caller's transaction (items whose key was queued before
    are skipped). With `claim_for`, rows for chats with nothing older still open are queued
    already claimed by that token and returned, to be delivered right after the commit; `owner`
    is the process holding the claim (community/services/senders.py). `along` (UPDATEs and
    their parameters) run in the same transaction; on PostgreSQL in the same statement as the
    rows where they can, which saves round trips per event. A message that asks something new
    ends its recipient's dialogue, the `speaker`'s excepted (the engine settles theirs:
    bot/engine/replies.py). `speaker_chat`: the speaker's private chat if they are a parent,
    else None (the engine knows; closing their earlier question then needs no lookup). `last`:
    the caller writes nothing after this in its transaction (community/late_begin.py)."""
    claim = None if claim_for is None else (claim_for, owner)
    known = {speaker: speaker_chat} if speaker is not None else {}
    return _insert(session, items, clock, claim, available_at, along, speaker, known, last)[1]


def enqueue_all(session: Session, items: Sequence[Outgoing], clock: Clock) -> int:
    """Queue `items` for the senders; returns how many were new (not queued before)."""
    return _insert(session, items, clock, None, None)[0]


def _insert(
    session: Session,
    items: Sequence[Outgoing],
    clock: Clock,
    claim: ClaimFor | None,
    available_at: datetime | None,
    along: Sequence[Along] = (),
    speaker: int | None = None,
    known: Mapping[int, str | None] | None = None,
    last: bool = False,
) -> tuple[int, list[Claimed]]:
    """Queue `items`; returns how many of the caller's items were queued, and the rows queued
    already claimed by `claim`."""
    now = clock.now()
    items, added = _prepare(session, items, clock, now, speaker, known or {})
    payloads = [item.action.to_json() for item in items]
    if (
        claim is not None
        and 0 < len(items) <= MANY_LIMIT
        and not any("earlier" in p.get("target", {}) for p in payloads)
    ):
        # Recording mentions, or telling a caller its row ids, writes after the rows.
        last = last and not any(item.queued is not None or item.mentions for item in items)
        result = insert_claimed(
            session, items, payloads, claim, available_at or now, clock, along, last
        )
        _told(session, [row_id for row_id, _ in result], items)
        ready = [
            claimed(row_id, item, payload, claim[0])
            for (row_id, claimed_by), item, payload in zip(result, items, payloads, strict=True)
            if claimed_by is not None  # an older row of this chat is still open: keep order
        ]
        return len(items) - added, ready
    for update in along:
        session.execute(*update)
    if not items:
        return 0, []
    rows = _rows(session, items, claim, available_at or now, now, clock)
    return len(rows) - added, _insert_rows(session, items, rows, claim)


def _prepare(
    session: Session,
    items: Sequence[Outgoing],
    clock: Clock,
    now: datetime,
    speaker: int | None,
    known: Mapping[int, str | None],
) -> tuple[list[Outgoing], int]:
    """The rows to queue for `items`: those with a new key, buttons signed, with the closings
    of earlier questions and the voice notes added; and how many were added (callers count
    what they queued). A message that asks ends its recipient's dialogue."""
    fresh = _new_keys(session, items, clock) if items else set()
    wanted = _bind_buttons(session, [i for i in items if i.key is None or i.key in fresh], clock)
    before = len(wanted)
    wanted = _close_earlier(session, wanted, known)
    wanted = voice.with_voice_notes(session, wanted)
    asked = {
        i.person_id for i in wanted if i.person_id is not None and open_questions.asks(i.action)
    }
    open_questions.close_dialogues(session, asked - {speaker}, now)
    return wanted, len(wanted) - before


def _rows(
    session: Session,
    items: list[Outgoing],
    claim: ClaimFor | None,
    available_at: datetime,
    now: datetime,
    clock: Clock,
) -> list[dict[str, Any]]:
    """The rows for the general road; with `claim`, a row is claimed unless its chat has an
    open row already."""
    busy: set[tuple[str, str]] = set()
    if claim is not None:
        busy = _open_chats(session, {(item.platform, item.chat_id) for item in items})
    token, owner = claim if claim is not None else (None, None)
    until = claim_until(clock)
    rows: list[dict[str, Any]] = []
    for item in items:
        held = claim is not None and (item.platform, item.chat_id) not in busy
        rows.append(
            {
                "person_id": item.person_id,
                "platform": item.platform,
                "chat_id": item.chat_id,
                "kind": item.action.kind,
                "payload": item.action.to_json(),
                "status": OutboxStatus.SENDING if held else OutboxStatus.PENDING,
                "attempts": 0,
                "available_at": available_at,
                "claimed_by": token if held else None,
                "claim_owner": owner if held else None,
                "locked_until": until if held else None,
                "forget_when_sent": item.forget_when_sent,
                "created_at": now,
            }
        )
    return rows


def _insert_rows(
    session: Session, items: list[Outgoing], rows: list[dict[str, Any]], claim: ClaimFor | None
) -> list[Claimed]:
    """Insert `rows` (Core inserts on the table: the ORM's unit of work is not needed for rows
    nobody reads); returns those claimed by `claim`."""
    told = any(item.queued is not None or item.mentions for item in items)
    if any("earlier" in r["payload"].get("target", {}) for r in rows):
        ids = _insert_one_by_one(session, rows)
    elif claim is None and not told:
        session.execute(insert(_T), rows)
        return []
    else:
        result = session.execute(insert(_T).returning(_T.c.id, sort_by_parameter_order=True), rows)
        ids = [row_id for (row_id,) in result]
    _told(session, ids, items)
    if claim is None:
        return []
    return [
        claimed(row_id, item, r["payload"], claim[0])
        for row_id, r, item in zip(ids, rows, items, strict=True)
        if r["claimed_by"] is not None
    ]


def _new_keys(session: Session, items: Sequence[Outgoing], clock: Clock) -> set[str]:
    """Record the idempotency keys of `items`; return those that were not recorded before."""
    keys = {item.key: item.person_id for item in items if item.key is not None}
    if not keys:
        return set()
    seen: set[str] = set()
    names = list(keys)
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        seen.update(session.scalars(select(OutboxKey.key).where(OutboxKey.key.in_(chunk))))
    fresh = [k for k in names if k not in seen]
    if fresh:
        # A unique violation here (another process queued the same key in between) rolls the
        # whole event back; the caller's retry then finds the key and skips it.
        session.execute(
            insert(OutboxKey),
            [{"key": k, "person_id": keys[k], "created_at": clock.now()} for k in fresh],
        )
    return set(fresh)


_OPEN_CHAT = (
    select(_T.c.id)
    .where(OPEN, _T.c.platform == bindparam("platform"), _T.c.chat_id == bindparam("chat_id"))
    .limit(1)
)


def _open_chats(session: Session, chats: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The chats among `chats` that still have an open row (checked one by one: an event
    rarely speaks to more than a few chats, and each check is one partial-index lookup)."""
    busy: set[tuple[str, str]] = set()
    for platform, chat_id in chats:
        if session.execute(_OPEN_CHAT, {"platform": platform, "chat_id": chat_id}).first():
            busy.add((platform, chat_id))
    return busy


def _close_earlier(
    session: Session, items: list[Outgoing], known: Mapping[int, str | None]
) -> list[Outgoing]:
    """A message that asks closes the chat's earlier question: its buttons are taken off, in
    the chat's order, right before the new one (community/services/open_questions.py)."""
    wanted = [open_questions.Queued(i.platform, i.chat_id, i.person_id, i.action) for i in items]
    closes = open_questions.closing(session, wanted, known)
    if not closes:
        return items
    closed: list[Outgoing] = []
    for index, item in enumerate(items):
        for clear in closes.get(index, ()):
            closed.append(Outgoing(item.platform, item.chat_id, clear, item.person_id))
        closed.append(item)
    return closed


def _bind_buttons(session: Session, items: list[Outgoing], clock: Clock) -> list[Outgoing]:
    """Action buttons signed for the person each row is queued for (community/buttons.py):
    here every message passes, so no builder can forget it."""
    if not any(buttons.has_actions(item.action) for item in items):
        return items
    key = button_key.get(session, clock)
    return [
        replace(item, action=buttons.bind(item.action, item.person_id, key))
        if buttons.has_actions(item.action)
        else item
        for item in items
    ]


def _told(session: Session, ids: Sequence[int], items: Sequence[Outgoing]) -> None:
    """Tell each item its row id, and record the people each row quotes."""
    mentions: list[dict[str, int]] = []
    for row_id, item in zip(ids, items, strict=True):
        if item.queued is not None:
            item.queued(row_id)
        mentions += [{"outbox_id": row_id, "person_id": p} for p in sorted(set(item.mentions))]
    if mentions:
        session.execute(insert(OutboxMention), mentions)


def _insert_one_by_one(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """For a batch where an action names a message queued before it in the same batch."""
    ids: list[int] = []
    for row in rows:
        target = row["payload"].get("target", {})
        if "earlier" in target:
            earlier = int(target["earlier"])
            if not 0 < earlier <= len(ids):
                raise ValueError("an action names a message that was not queued before it")
            row["payload"] = {**row["payload"], "target": {"outbox_id": ids[-earlier]}}
        ids.append(session.execute(insert(_T).returning(_T.c.id), row).scalar_one())
    return ids
