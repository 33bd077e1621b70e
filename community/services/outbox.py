"""The outbox: every action the bot asks a platform to do is a row here first.

A row is queued in the same transaction as the change that caused it and marked sent only after
the platform confirmed it, by the sender that holds its claim (an owner token checked on every
update). A crash at any point leaves the row pending, or claimed until its claim runs out, so it
is sent after a restart. Several senders may drain the outbox at once: a sender only ever claims
the first open row of each chat (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises the
single claiming statement), so one chat's rows go out one after the other, in order.

The engine takes a faster road for replies: it queues them already claimed in the handling
transaction (when nothing older is open for that chat; the INSERT itself checks, no SELECT
before it), delivers them right after the commit and marks them all sent in one statement (on
PostgreSQL a single UPDATE in autocommit: one round trip, as durable as a transaction).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Engine,
    Integer,
    String,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    null,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from community import buttons
from community.actions import Action
from community.clock import Clock
from community.models import (
    OPEN_ROWS,
    OutboxKey,
    OutboxMention,
    OutboxMessage,
    OutboxStatus,
    Person,
    SenderProcess,
)
from community.services import button_key, open_questions, senders, voice

CLAIM_SECONDS = 120
KEY_RETENTION_DAYS = 400  # longer than any schedule that could queue the same key again

_T: Table = OutboxMessage.__table__  # type: ignore[assignment]
# Written out literally, as in the partial indexes, so that both databases can use them.
_OPEN = OPEN_ROWS


def new_token() -> str:
    """A claim owner token: one per sender (or per handled event on the fast road)."""
    return uuid.uuid4().hex


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


def _claimed(row_id: int, item: Outgoing, payload: dict[str, Any], token: str) -> Claimed:
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


def _claim_until(clock: Clock) -> datetime:
    return clock.now() + timedelta(seconds=CLAIM_SECONDS)


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


def _open_chats(session: Session, chats: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The chats among `chats` that still have an open row (checked one by one: an event
    rarely speaks to more than a few chats, and each check is one partial-index lookup)."""
    busy: set[tuple[str, str]] = set()
    for platform, chat_id in chats:
        if session.execute(_OPEN_CHAT, {"platform": platform, "chat_id": chat_id}).first():
            busy.add((platform, chat_id))
    return busy


_OPEN_CHAT = (
    select(_T.c.id)
    .where(_OPEN, _T.c.platform == bindparam("platform"), _T.c.chat_id == bindparam("chat_id"))
    .limit(1)
)


def enqueue(
    session: Session,
    items: Sequence[Outgoing],
    clock: Clock,
    *,
    claim_for: str | None = None,
    owner: str | None = None,
    available_at: datetime | None = None,
    along: Along | None = None,
    speaker: int | None = None,
    speaker_chat: str | None = None,
) -> list[Claimed]:
    """Queue `items` in order, in the caller's transaction (items whose key was queued before
    are skipped). With `claim_for`, rows for chats with nothing older still open are queued
    already claimed by that token and returned, to be delivered right after the commit; `owner`
    is the process holding the claim (community/services/senders.py). `along` (an UPDATE and
    its parameters) is run in the same transaction; on PostgreSQL in the same statement as the
    rows where it can, which saves a round trip per event. A message that asks something new
    ends its recipient's dialogue, the `speaker`'s excepted (the engine settles theirs:
    bot/engine/replies.py). `speaker_chat`: the speaker's private chat if they are a parent,
    else None (the engine knows; closing their earlier question then needs no lookup)."""
    claim = None if claim_for is None else (claim_for, owner)
    known = {speaker: speaker_chat} if speaker is not None else {}
    return _insert(session, items, clock, claim, available_at, along, speaker, known)[1]


def enqueue_all(session: Session, items: Sequence[Outgoing], clock: Clock) -> int:
    """Queue `items` for the senders; returns how many were new (not queued before)."""
    return _insert(session, items, clock, None, None)[0]


# Who claims rows as they are queued: the claim's token and the process holding it.
ClaimFor = tuple[str, str | None]


def _insert(
    session: Session,
    items: Sequence[Outgoing],
    clock: Clock,
    claim: ClaimFor | None,
    available_at: datetime | None,
    along: Along | None = None,
    speaker: int | None = None,
    known: Mapping[int, str | None] | None = None,
) -> tuple[int, list[Claimed]]:
    claim_for, owner = claim if claim is not None else (None, None)
    fresh = _new_keys(session, items, clock) if items else set()
    items = _bind_buttons(session, [i for i in items if i.key is None or i.key in fresh], clock)
    closing = len(items)
    items = _close_earlier(session, items, known or {})
    items = voice.with_voice_notes(session, items)
    # The closings and voice notes added are counted apart: callers count what they queued.
    closing = len(items) - closing
    now = clock.now()
    asked = {
        i.person_id for i in items if i.person_id is not None and open_questions.asks(i.action)
    }
    open_questions.close_dialogues(session, asked - {speaker}, now)
    payloads = [item.action.to_json() for item in items]
    if (
        claim_for is not None
        and 0 < len(items) <= _MANY_LIMIT
        and not any("earlier" in p.get("target", {}) for p in payloads)
    ):
        ready = _insert_claimed(
            session, items, payloads, (claim_for, owner), available_at or now, clock, along
        )
        return len(items) - closing, ready
    if along is not None:
        session.execute(*along)
    if not items:
        return 0, []
    busy: set[tuple[str, str]] = set()
    if claim_for is not None:
        busy = _open_chats(session, {(item.platform, item.chat_id) for item in items})
    until = _claim_until(clock)
    rows: list[dict[str, Any]] = []
    for item in items:
        claimed = claim_for is not None and (item.platform, item.chat_id) not in busy
        rows.append(
            {
                "person_id": item.person_id,
                "platform": item.platform,
                "chat_id": item.chat_id,
                "kind": item.action.kind,
                "payload": item.action.to_json(),
                "status": OutboxStatus.SENDING if claimed else OutboxStatus.PENDING,
                "attempts": 0,
                "available_at": available_at or now,
                "claimed_by": claim_for if claimed else None,
                "claim_owner": owner if claimed else None,
                "locked_until": until if claimed else None,
                "forget_when_sent": item.forget_when_sent,
                "created_at": now,
            }
        )
    # Core inserts on the table: the ORM's unit of work is not needed for rows nobody reads.
    told = any(item.queued is not None or item.mentions for item in items)
    if any("earlier" in r["payload"].get("target", {}) for r in rows):
        ids = _insert_one_by_one(session, rows)
    elif claim_for is None and not told:
        session.execute(insert(_T), rows)
        return len(rows) - closing, []
    else:
        result = session.execute(insert(_T).returning(_T.c.id, sort_by_parameter_order=True), rows)
        ids = [row_id for (row_id,) in result]
    _told(session, ids, items)
    return len(rows) - closing, [
        _claimed(row_id, item, r["payload"], claim_for)
        for row_id, r, item in zip(ids, rows, items, strict=True)
        if claim_for is not None and r["claimed_by"] is not None
    ]


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


# One reply (the common case): whether its chat has an open row is decided inside the INSERT
# itself, one round trip instead of a SELECT and an INSERT. Each EXISTS is one partial-index
# lookup; they all read the same snapshot, so the three columns always agree. Every value is a
# named parameter (v<row>_<column>), never a column key, so that an UPDATE combined with the
# INSERT (`_with`) cannot take one of them for a column of its own.
_COLUMNS: tuple[str, ...] = ("person_id", "platform", "chat_id", "kind", "payload", "attempts")
_COLUMNS += ("available_at", "forget_when_sent", "created_at")
_PENDING = bindparam("o_pending", OutboxStatus.PENDING, type_=_T.c.status.type)
_SENDING = bindparam("o_sending", OutboxStatus.SENDING, type_=_T.c.status.type)


def _claimed_values(n: int) -> dict[str, Any]:
    busy = (
        select(_T.c.id)
        .where(
            _OPEN,
            _T.c.platform == bindparam(f"v{n}_o_platform", type_=String),
            _T.c.chat_id == bindparam(f"v{n}_o_chat", type_=String),
        )
        .exists()
    )
    values: dict[str, Any] = {c: bindparam(f"v{n}_{c}", type_=_T.c[c].type) for c in _COLUMNS}
    return values | {
        "status": case((busy, _PENDING), else_=_SENDING),
        "claimed_by": case((busy, null()), else_=bindparam("o_token", type_=String)),
        "claim_owner": case((busy, null()), else_=bindparam("o_owner", type_=String)),
        "locked_until": case(
            (busy, null()), else_=bindparam("o_until", type_=_T.c.locked_until.type)
        ),
    }


_MANY_LIMIT = 64  # an event speaks to a few chats; a bigger batch takes the general road
_MANY: dict[int, Any] = {}


def _insert_many(count: int) -> Any:
    """INSERT of `count` rows in one statement, each row's claim decided in it; built once per
    count, so it is compiled once too. One row: INSERT ... VALUES; more: INSERT ... SELECT of
    one SELECT per row (a multi-row VALUES is never cached by SQLAlchemy: compiled each time)."""
    statement = _MANY.get(count)
    if statement is not None:
        return statement
    if count == 1:
        statement = insert(_T).values(_claimed_values(0))
    else:
        selects = [
            select(*(value.label(c) for c, value in _claimed_values(n).items()))
            for n in range(count)
        ]
        columns = [*_COLUMNS, "status", "claimed_by", "claim_owner", "locked_until"]
        statement = insert(_T).from_select(columns, union_all(*selects))
    statement = _MANY[count] = statement.returning(_T.c.id, _T.c.claimed_by)
    return statement


# An UPDATE to run with an INSERT, and its parameters (named apart from the INSERT's).
Along = tuple[Any, dict[str, Any]]
_WITH: dict[tuple[int, int], Any] = {}


def _with(insert_statement: Any, along: Along | None) -> Any:
    """`insert_statement` with `along`'s UPDATE as a data-modifying WITH (PostgreSQL runs it
    whether or not the INSERT reads it, in the same snapshot); built once per pair."""
    if along is None:
        return insert_statement
    key = (id(insert_statement), id(along[0]))
    combined = _WITH.get(key)
    if combined is None:
        combined = _WITH[key] = insert_statement.add_cte(along[0].cte("along"))
    return combined


def _insert_claimed(
    session: Session,
    items: Sequence[Outgoing],
    payloads: list[dict[str, Any]],
    claim: ClaimFor,
    available_at: datetime,
    clock: Clock,
    along: Along | None = None,
) -> list[Claimed]:
    """Queue `items` in one statement, each already claimed by `claim` unless its chat has an
    open row from before this statement (rows of one statement do not see each other)."""
    if along is not None and session.get_bind().dialect.name != "postgresql":
        session.execute(*along)  # SQLite runs no UPDATE inside an INSERT (its round trip is free)
        along = None
    now, until = clock.now(), _claim_until(clock)
    token, owner = claim
    params: dict[str, Any] = {"o_token": token, "o_owner": owner, "o_until": until}
    for n, (item, payload) in enumerate(zip(items, payloads, strict=True)):
        row = {
            "person_id": item.person_id,
            "platform": item.platform,
            "chat_id": item.chat_id,
            "kind": item.action.kind,
            "payload": payload,
            "attempts": 0,
            "available_at": available_at,
            "forget_when_sent": item.forget_when_sent,
            "created_at": now,
            "o_platform": item.platform,
            "o_chat": item.chat_id,
        }
        params.update({f"v{n}_{key}": value for key, value in row.items()})
    if along is not None:
        params.update(along[1])
    # One statement (not executemany): every row's EXISTS reads the table as it was before this
    # statement, so a chat's later rows here do not wait for its first one. Ids follow the
    # order of the rows (the outbox's order relies on it everywhere).
    statement = _with(_insert_many(len(items)), along)
    result = sorted(session.execute(statement, params).all(), key=lambda r: r[0])
    _told(session, [row_id for row_id, _ in result], items)
    return [
        _claimed(row_id, item, payload, token)
        for (row_id, claimed_by), item, payload in zip(result, items, payloads, strict=True)
        if claimed_by is not None  # an older row of this chat is still open: senders keep order
    ]


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


# A claim whose process stopped beating (or whose row is gone) is free. A process never judges
# itself gone (`me`), and a claim that names no process holds until `locked_until`.
_P = SenderProcess.__table__
_OWNER_GONE = (
    _T.c.claim_owner.is_not(None)
    & (_T.c.claim_owner != bindparam("me"))
    & ~select(_P.c.id)
    .where(_P.c.id == _T.c.claim_owner, _P.c.heartbeat_at >= bindparam("alive_since"))
    .exists()
)


def _claim_statement(limit: int) -> Any:
    """UPDATE ... WHERE id IN (the first open row of each chat that is due) RETURNING ...

    The inner SELECT locks with SKIP LOCKED on PostgreSQL, so concurrent senders take different
    chats; on SQLite the single statement holds the write lock. A row held by another sender, or
    waiting for a retry, is itself open, so the rows after it in its chat are not taken. A row
    held by a process that is gone is taken over, whatever its `locked_until`."""
    earlier = _T.alias("earlier")
    head = (
        select(_T.c.id)
        .where(
            _OPEN,
            _T.c.platform.in_(bindparam("platforms", expanding=True)),
            ((_T.c.status == OutboxStatus.PENDING.value) & (_T.c.available_at <= bindparam("now")))
            | (
                (_T.c.status == OutboxStatus.SENDING.value)
                & ((_T.c.locked_until <= bindparam("now")) | _OWNER_GONE)
            ),
            ~select(earlier.c.id)
            .where(
                text("earlier.status IN ('pending', 'sending')"),
                earlier.c.platform == _T.c.platform,
                earlier.c.chat_id == _T.c.chat_id,
                earlier.c.id < _T.c.id,
            )
            .exists(),
        )
        .order_by(_T.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (
        update(_T)
        .where(_T.c.id.in_(head.scalar_subquery()))
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_by=bindparam("token"),
            claim_owner=bindparam("owner"),
            locked_until=bindparam("until"),
        )
        .returning(
            _T.c.id,
            _T.c.platform,
            _T.c.chat_id,
            _T.c.kind,
            _T.c.payload,
            _T.c.person_id,
            _T.c.forget_when_sent,
        )
    )


_CLAIMS: dict[int, Any] = {}


def claim_due(
    session: Session,
    platforms: Sequence[str],
    clock: Clock,
    token: str,
    limit: int = 50,
    owner: str | None = None,
) -> list[Claimed]:
    """Claim up to `limit` due rows, each the first open row of its chat, oldest first, for
    `token` held by the process `owner`. Commits the claims, so that other senders see them."""
    if not platforms:
        return []
    statement = _CLAIMS.get(limit)
    if statement is None:
        statement = _CLAIMS[limit] = _claim_statement(limit)
    now = clock.now()
    rows = session.execute(
        statement,
        {
            "platforms": list(platforms),
            "now": now,
            "token": token,
            "owner": owner,
            "me": owner or "",
            "alive_since": senders.alive_since(now),
            "until": _claim_until(clock),
        },
    ).all()
    session.commit()
    claimed = [Claimed(r[0], r[1], r[2], r[3], dict(r[4]), r[5], token, r[6]) for r in rows]
    return sorted(claimed, key=lambda c: c.id)


def extend_claims(session: Session, ids: Iterable[int], token: str, clock: Clock) -> None:
    """Keep holding rows still waiting in a long batch, so that no claim runs out mid-batch."""
    id_list = list(ids)
    if id_list:
        session.execute(
            update(_T)
            .where(_T.c.id.in_(id_list), _T.c.claimed_by == token)
            .values(locked_until=_claim_until(clock))
        )
    session.commit()


def remote_ids(session: Session, outbox_ids: Iterable[int]) -> dict[int, str]:
    """The platform ids of sent rows (an edit or a pin names the message by its outbox row)."""
    id_list = list(outbox_ids)
    if not id_list:
        return {}
    rows = session.execute(
        select(_T.c.id, _T.c.remote_id).where(_T.c.id.in_(id_list), _T.c.remote_id.is_not(None))
    )
    return {row_id: remote for row_id, remote in rows}


_MARK_SENT = (
    update(_T)
    .where(
        _T.c.id == bindparam("row_id"),
        _T.c.claimed_by == bindparam("token"),
        _T.c.status == OutboxStatus.SENDING.value,
    )
    .values(
        status=OutboxStatus.SENT.value,
        sent_at=bindparam("sent_at"),
        remote_id=bindparam("remote"),
        claimed_by=None,
        claim_owner=None,
        locked_until=None,
        last_error=None,
    )
)

# What must happen in the database once an action of a kind is done (a created room is stored).
AfterSent = Callable[[Session, Claimed, str | None, Clock], None]
AFTER_SENT: dict[str, AfterSent] = {}


def after_sent(kind: str) -> Callable[[AfterSent], AfterSent]:
    def register(hook: AfterSent) -> AfterSent:
        if kind in AFTER_SENT:
            raise ValueError(f"two after-sent hooks for {kind!r}")
        AFTER_SENT[kind] = hook
        return hook

    return register


# PostgreSQL: all rows of one claim marked by one UPDATE, whatever their number (the ids and
# the platform ids travel as two arrays), so the statement is compiled once.
_DONE = (
    func.unnest(
        bindparam("o_ids", type_=postgresql.ARRAY(Integer)),
        bindparam("o_remotes", type_=postgresql.ARRAY(String)),
    )
    .table_valued("row_id", "remote", name="done")
    .render_derived()
)
_MARK_SENT_ALL = (
    update(_T)
    .where(
        _T.c.id == _DONE.c.row_id,
        _T.c.claimed_by == bindparam("o_token"),
        _T.c.status == OutboxStatus.SENDING.value,
    )
    .values(
        status=OutboxStatus.SENT.value,
        sent_at=bindparam("o_sent_at", type_=_T.c.sent_at.type),
        remote_id=_DONE.c.remote,
        claimed_by=None,
        claim_owner=None,
        locked_until=None,
        last_error=None,
    )
)


def fast_mark_token(done: Sequence[tuple[Claimed, str | None]]) -> str | None:
    """The claim token when `done` can be marked by one autocommit UPDATE (PostgreSQL): rows
    of one claim, none with an after-sent hook nor to be forgotten once sent. A single statement
    is all or nothing, as a transaction is, and as durable (synchronous_commit stays on)."""
    token = done[0][0].token
    if any(c.token != token or c.kind in AFTER_SENT or c.forget_when_sent for c, _ in done):
        return None
    return token


def mark_statement(
    done: Sequence[tuple[Claimed, str | None]], token: str, now: datetime
) -> tuple[Any, dict[str, Any]]:
    """The UPDATE that marks `done` sent, with its parameters."""
    if len(done) == 1:
        # The usual case (one reply): a lookup by primary key, which the planner never gets
        # wrong, and cheaper on the server than joining a one-element array.
        ((claimed, remote),) = done
        return _MARK_SENT, {"row_id": claimed.id, "token": token, "sent_at": now, "remote": remote}
    return _MARK_SENT_ALL, {
        "o_ids": [c.id for c, _ in done],
        "o_remotes": [remote for _, remote in done],
        "o_token": token,
        "o_sent_at": now,
    }


def _mark_sent_at_once(
    session: Session, done: Sequence[tuple[Claimed, str | None]], now: datetime
) -> bool:
    """On PostgreSQL, one UPDATE that commits on its own: one round trip instead of BEGIN,
    UPDATE, COMMIT. Returns False where the general road must be taken."""
    token = fast_mark_token(done)
    bind = session.get_bind()
    if token is None or bind.dialect.name != "postgresql":
        return False  # SQLite has no arrays; its commit costs no round trip anyway
    if session.in_transaction() or not isinstance(bind, Engine):
        return False  # the caller's open transaction takes the rows with it
    # A connection of its own, outside the session: no session transaction to begin and end.
    with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(*mark_statement(done, token, now))
    return True


def mark_sent(session: Session, done: Sequence[tuple[Claimed, str | None]], clock: Clock) -> None:
    """Mark delivered rows sent, all in one statement; only the claim's owner can."""
    if not done:
        return
    now = clock.now()
    if _mark_sent_at_once(session, done, now):
        return
    kept = [(c, remote) for c, remote in done if not c.forget_when_sent]
    if kept:
        session.connection().execute(
            _MARK_SENT,
            [
                {"row_id": c.id, "token": c.token, "sent_at": now, "remote": remote}
                for c, remote in kept
            ],
        )
    for claimed, _ in done:
        if claimed.forget_when_sent:
            session.execute(
                delete(OutboxMessage)
                .where(
                    OutboxMessage.id == claimed.id,
                    OutboxMessage.claimed_by == claimed.token,
                    OutboxMessage.status == OutboxStatus.SENDING,
                )
                .execution_options(synchronize_session=False)
            )
    for claimed, remote in done:
        hook = AFTER_SENT.get(claimed.kind)
        if hook is not None:
            hook(session, claimed, remote, clock)
    session.commit()


def mark_failed(
    session: Session,
    claimed: Claimed,
    error: str,
    clock: Clock,
    max_attempts: int,
    retry_after: float | None = None,
    permanent: bool = False,
    unreachable: bool = False,
) -> OutboxStatus:
    """Reschedule a failed action (backing off, or when the platform said), or give up after
    `max_attempts` tries or when trying again cannot help."""
    row = session.get(OutboxMessage, claimed.id)
    if row is None or row.status != OutboxStatus.SENDING or row.claimed_by != claimed.token:
        session.commit()
        return OutboxStatus.DEAD if row is None else row.status
    if retry_after is None:
        row.attempts += 1  # waiting because the platform asked is not a failed try
    row.last_error = error[:500]
    row.claimed_by, row.claim_owner, row.locked_until = None, None, None
    if permanent or row.attempts >= max_attempts:
        row.status = OutboxStatus.DEAD
        if row.forget_when_sent:
            session.delete(row)  # nothing of someone erased is kept, not even a failure
            session.commit()
            return OutboxStatus.DEAD
    else:
        backoff = retry_after if retry_after is not None else min(2**row.attempts, 300)
        row.status = OutboxStatus.PENDING
        row.available_at = clock.now() + timedelta(seconds=backoff)
    if unreachable and row.person_id is not None:
        person = session.get(Person, row.person_id)
        if person is not None and person.unreachable_at is None:
            person.unreachable_at = clock.now()
    status = row.status
    session.commit()
    return status


def release(session: Session, rows: Sequence[Claimed]) -> None:
    """Give claimed rows back untouched (an earlier row of their chat failed)."""
    if rows:
        session.execute(
            update(_T)
            .where(
                _T.c.id.in_([c.id for c in rows]),
                _T.c.claimed_by == rows[0].token,
                _T.c.status == OutboxStatus.SENDING.value,
            )
            .values(
                status=OutboxStatus.PENDING.value,
                claimed_by=None,
                claim_owner=None,
                locked_until=None,
            )
        )
    session.commit()


def prune_sent(session: Session, clock: Clock, days: int) -> int:
    """Forget sent rows older than `days`: their text is not needed once delivered; and rows
    that failed for good, `days` after their last try. Their idempotency keys stay much
    longer, so nothing is ever queued twice."""
    now = clock.now()
    cutoff = now - timedelta(days=days)
    result = session.execute(
        delete(OutboxMessage)
        .where(
            ((OutboxMessage.status == OutboxStatus.SENT) & (OutboxMessage.sent_at < cutoff))
            | ((OutboxMessage.status == OutboxStatus.DEAD) & (OutboxMessage.available_at < cutoff))
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(OutboxKey)
        .where(OutboxKey.created_at < now - timedelta(days=KEY_RETENTION_DAYS))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
