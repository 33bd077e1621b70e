"""The outbox: every action the bot asks a platform to do is a row here first.

A row is queued in the same transaction as the change that caused it and marked sent only after
the platform confirmed it, by the sender that holds its claim (an owner token checked on every
update). A crash at any point leaves the row pending, or claimed until its claim runs out, so it
is sent after a restart. Several senders may drain the outbox at once: a sender only ever claims
the first open row of each chat, so one chat's rows go out one after the other, in order.

The engine takes a faster road for replies: it queues them already claimed in the handling
transaction (when nothing older is open for that chat; the INSERT itself checks, no SELECT
before it), delivers them right after the commit and marks them all sent in one statement.

The parts: `rows` (what a row is), `queue` (queueing, with `one_statement` the engine's fast
road), `claims` (which sender delivers what) and `marks` (sent, failed, pruned), with `sqlite_marks`
the engine's replies' marks on SQLite. Callers use this package's names.
"""

from community.services.outbox.claims import claim_due, extend_claims, release
from community.services.outbox.marks import (
    AfterSent,
    AfterSentHook,
    fast_mark_token,
    mark_failed,
    mark_sent,
    mark_statement,
    prune_sent,
    remote_ids,
)
from community.services.outbox.queue import enqueue, enqueue_all
from community.services.outbox.rows import (
    CLAIM_SECONDS,
    KEY_RETENTION_DAYS,
    Along,
    Claimed,
    ClaimFor,
    Outgoing,
    new_token,
)

__all__ = [
    "CLAIM_SECONDS",
    "KEY_RETENTION_DAYS",
    "AfterSent",
    "AfterSentHook",
    "Along",
    "ClaimFor",
    "Claimed",
    "Outgoing",
    "claim_due",
    "enqueue",
    "enqueue_all",
    "extend_claims",
    "fast_mark_token",
    "mark_failed",
    "mark_sent",
    "mark_statement",
    "new_token",
    "prune_sent",
    "release",
    "remote_ids",
]
