"""The outbox: nothing lost, nothing twice, in order per chat; also across a killed process and
with several senders at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import subprocess
import sys
import threading
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.app import App
from bot.engine.dispatcher import Dispatcher
from bot.engine.port import Capabilities, Delivery, SendError
from community.actions import PinMessage, SendMessage, Target
from community.clock import FakeClock
from community.i18n import SHIPPED_LOCALES, Translator
from community.models import OutboxKey, OutboxMessage, OutboxStatus, Person
from community.services import outbox
from community.services.outbox import Outgoing
from tests.support.chat import Chat
from tests.support.nightly import housekeeping_now
from tests.support.transport import RecordingTransport

ROOT = Path(__file__).resolve().parents[2]

# Before a language is chosen, the question is asked in every shipped language.
CHOOSE_LANGUAGE = "\n".join(Translator().t(locale, "language.choose") for locale in SHIPPED_LOCALES)


def _queue(app: App, clock: FakeClock, chat_id: str, text: str, key: str | None = None) -> None:
    with app.session_factory.begin() as session:
        outbox.enqueue(session, [Outgoing("console", chat_id, SendMessage(text), key=key)], clock)


def _dispatch(app: App) -> int:
    return asyncio.run(app.dispatcher.dispatch_due())


def _texts(transport: RecordingTransport) -> list[str]:
    return [d.action.text for d in transport.sent]  # type: ignore[attr-defined]


def _statuses(app: App) -> list[OutboxStatus]:
    with app.session_factory() as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_replies_go_through_the_outbox_and_are_marked_sent(chat: Chat, app: App) -> None:
    chat.say("anna: /start ARNHEM")
    with app.session_factory() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.status is OutboxStatus.SENT and row.remote_id == f"remote-{row.id}"
        assert row.sent_at is not None and row.person_id is None  # nobody is stored yet
        assert row.kind == "send" and row.claimed_by is None


def test_idempotency_key_queues_once_also_after_pruning(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _queue(app, clock, "anna", "tip", key="prompt:1:parent:1")
    _queue(app, clock, "anna", "tip", key="prompt:1:parent:1")
    assert _dispatch(app) == 1 and _dispatch(app) == 0
    clock.advance(days=app.settings.sent_retention_days + 1)
    assert housekeeping_now(app)["sent messages"] == 1
    _queue(app, clock, "anna", "tip", key="prompt:1:parent:1")  # the job runs once more
    assert _dispatch(app) == 0
    assert _texts(transport) == ["tip"]
    with app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxKey)) == 1


def test_failure_keeps_the_chat_in_order_and_respects_retry_after(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    for text in ("a1", "a2"):
        _queue(app, clock, "anna", text)
    _queue(app, clock, "bo", "b1")
    transport.fail_next.append(SendError("429", retry_after=30))
    assert _dispatch(app) == 1  # bo's message goes; anna's wait, in order
    assert _texts(transport) == ["b1"]
    clock.advance(seconds=10)
    assert _dispatch(app) == 0
    clock.advance(seconds=21)
    assert _dispatch(app) == 2
    assert _texts(transport) == ["b1", "a1", "a2"]


def test_gives_up_after_max_attempts(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _queue(app, clock, "anna", "never")
    for _ in range(app.settings.outbox_max_attempts):
        transport.fail_next.append(SendError("down"))
        _dispatch(app)
        clock.advance(minutes=10)
    assert _statuses(app) == [OutboxStatus.DEAD]
    _queue(app, clock, "anna", "next")  # a dead message no longer blocks the chat
    assert _dispatch(app) == 1


def test_a_person_who_blocked_the_bot_is_marked_unreachable_not_retried(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    with app.session_factory() as session:
        person = session.scalars(select(Person)).one()
    with app.session_factory.begin() as session:
        item = Outgoing("console", "anna", SendMessage("tip"), person_id=person.id)
        outbox.enqueue(session, [item], clock)
    transport.fail_next.append(SendError("Forbidden: bot was blocked", unreachable=True))
    _dispatch(app)
    assert _statuses(app)[-1] is OutboxStatus.DEAD
    with app.session_factory() as session:
        assert session.get(Person, person.id).unreachable_at == clock.now()  # type: ignore[union-attr]
    chat.say("anna: /help")  # writing again makes them reachable
    with app.session_factory() as session:
        assert session.get(Person, person.id).unreachable_at is None  # type: ignore[union-attr]


def test_an_action_on_an_earlier_message_gets_its_platform_id(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    with app.session_factory.begin() as session:
        outbox.enqueue(session, [Outgoing("console", "@tips", SendMessage("rules"))], clock)
        first = session.scalar(select(func.max(OutboxMessage.id)))
        pin = PinMessage(Target(outbox_id=first))
        outbox.enqueue(session, [Outgoing("console", "@tips", pin)], clock)
    assert _dispatch(app) == 2
    pinned = transport.done[-1]
    assert isinstance(pinned.action, PinMessage)
    assert pinned.target_remote_id == f"remote-{first}"


def test_erasure_removes_what_was_queued_for_the_person(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    with app.session_factory.begin() as session:
        person_id = session.scalar(select(Person.id))
        later = Outgoing("console", "anna", SendMessage("later"), person_id=person_id, key="k1")
        outbox.enqueue(session, [later], clock, available_at=clock.now().replace(year=2030))
    chat.say("anna: /stop")
    chat.say("anna: 1")
    # [1] No, keep it  [2] Yes, erase all: the goodbye goes, and is not kept once sent.
    assert chat.say("anna: 2") == ["Done. I erased all your data. Goodbye!"]
    with app.session_factory() as session:
        assert session.scalars(select(OutboxMessage)).all() == []
        assert session.scalar(select(func.count()).select_from(OutboxKey)) == 0


def _worker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.support.outbox_worker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _sent_lines(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_killed_between_queueing_and_sending_sends_exactly_once(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "sent.jsonl"
    died = _worker("queue-and-die", database_url, "2026-09-01T09:00:00+00:00")
    assert died.returncode == -9, died.stderr
    assert _sent_lines(log) == []
    # The reply was queued already claimed by the process that died. A restart a second later:
    # on SQLite (one host) the dead pid shows at once that the process is gone; on PostgreSQL
    # (processes may run on other hosts) its silence does, 4 s after its last beat. Not after
    # the claim's 120 s. Then it goes once, however often a sender resumes.
    _worker("resume", database_url, "2026-09-01T09:00:01+00:00", str(log))
    sqlite = database_url.startswith("sqlite")
    assert [line["text"] for line in _sent_lines(log)] == ([CHOOSE_LANGUAGE] if sqlite else [])
    for _ in range(2):
        done = _worker("resume", database_url, "2026-09-01T09:00:05+00:00", str(log))
        assert done.returncode == 0, done.stderr
    sent = _sent_lines(log)
    assert [line["text"] for line in sent] == [CHOOSE_LANGUAGE]


@pytest.mark.slow
def test_killed_after_claiming_is_taken_over_within_5_seconds(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "sent.jsonl"
    assert _worker("queue-and-die", database_url, "2026-09-01T09:00:00+00:00").returncode == -9
    assert _worker("claim-and-die", database_url, "2026-09-01T09:02:30+00:00").returncode == -9
    # Claimed by a sender that died: taken over once its process is gone, sent once.
    _worker("resume", database_url, "2026-09-01T09:02:35+00:00", str(log))
    _worker("resume", database_url, "2026-09-01T09:02:36+00:00", str(log))
    _worker("resume", database_url, "2026-09-01T09:06:00+00:00", str(log))
    assert len(_sent_lines(log)) == 1


def test_a_message_held_by_another_sender_holds_back_later_ones_to_that_chat(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _queue(app, clock, "anna", "a1")
    _queue(app, clock, "anna", "a2")
    _queue(app, clock, "bo", "b1")
    with app.session_factory() as session:
        other = outbox.new_token()  # another sender takes anna's first message and holds it
        held = outbox.claim_due(session, ["console"], clock, other, limit=1)
    assert [c.payload["text"] for c in held] == ["a1"]
    assert _dispatch(app) == 1
    assert _texts(transport) == ["b1"]  # not a2: a1 is still out with the other sender
    with app.session_factory() as session:
        outbox.mark_sent(
            session, [(held[0], "x")], clock, outbox.AfterSent()
        )  # the other sender is done
    assert _dispatch(app) == 1
    assert _texts(transport) == ["b1", "a2"]


def test_a_stale_sender_cannot_mark_a_row_it_no_longer_holds(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _queue(app, clock, "anna", "a1")
    with app.session_factory() as session:
        (stale,) = outbox.claim_due(session, ["console"], clock, outbox.new_token())
    clock.advance(seconds=outbox.CLAIM_SECONDS + 1)  # its claim ran out; we take the row
    assert _dispatch(app) == 1
    with app.session_factory() as session:
        outbox.mark_sent(session, [(stale, "late")], clock, outbox.AfterSent())
        outbox.mark_failed(session, stale, "late", clock, 8)
        row = session.get(OutboxMessage, stale.id)
        assert row is not None and row.status is OutboxStatus.SENT and row.remote_id != "late"


def test_sent_messages_are_forgotten_after_the_retention_period(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _queue(app, clock, "anna", "old")
    _dispatch(app)
    clock.advance(days=app.settings.sent_retention_days - 1)
    _queue(app, clock, "anna", "new")
    _queue(app, clock, "bo", "recent")
    transport.fail_next.append(SendError("down"))
    _dispatch(app)  # "new" fails and waits; "recent" is sent
    clock.advance(days=2)
    assert housekeeping_now(app)["sent messages"] == 1
    with app.session_factory() as session:
        texts = sorted(row.payload["text"] for row in session.scalars(select(OutboxMessage)))
    assert texts == ["new", "recent"]


def test_failed_messages_are_forgotten_like_sent_ones(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _queue(app, clock, "anna", "never goes")
    transport.fail_next.append(SendError("gone", permanent=True))
    _dispatch(app)
    assert _statuses(app) == [OutboxStatus.DEAD]
    clock.advance(days=app.settings.sent_retention_days - 1)
    housekeeping_now(app)
    assert _statuses(app) == [OutboxStatus.DEAD]  # kept as long as a sent one
    clock.advance(days=2)
    housekeeping_now(app)
    assert _statuses(app) == []


def test_a_row_to_forget_once_sent_is_deleted_when_sent_or_dead(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    with app.session_factory.begin() as session:
        items = [
            Outgoing("console", chat, SendMessage(chat), forget_when_sent=True)
            for chat in ("anna", "bo")
        ]
        outbox.enqueue(session, items, clock)
    transport.fail_next.append(SendError("gone", permanent=True))  # anna's fails for good
    assert _dispatch(app) == 1
    assert _texts(transport) == ["bo"]
    assert _statuses(app) == []  # neither is kept


class _OverlapTransport:
    """Records every send; fails the test's check if two rows of one chat are out at once."""

    platform = "console"
    capabilities = Capabilities()

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight: set[str] = set()
        self.overlaps = 0
        self.sent: dict[str, list[int]] = defaultdict(list)

    async def perform(self, delivery: Delivery) -> str | None:
        with self.lock:
            if delivery.chat_id in self.in_flight:
                self.overlaps += 1
            self.in_flight.add(delivery.chat_id)
        await asyncio.sleep(0.0005)  # a network round trip, so that senders interleave
        with self.lock:
            self.in_flight.discard(delivery.chat_id)
            assert isinstance(delivery.action, SendMessage)
            self.sent[delivery.chat_id].append(int(delivery.action.text))
        return None


def test_four_senders_send_each_message_once_and_in_order(app: App, clock: FakeClock) -> None:
    chats, per_chat = 50, 40
    with app.session_factory.begin() as session:
        items = [
            Outgoing("console", f"chat{c}", SendMessage(str(n)))
            for n in range(per_chat)
            for c in range(chats)
        ]
        outbox.enqueue(session, items, clock)
    if app.db_engine.dialect.name == "postgresql":
        # As autovacuum would have by the time an outbox holds 2000 rows: a copy of the empty
        # template has no statistics, and PostgreSQL plans the claims for a table of no rows.
        with app.db_engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE outbox_message")
            connection.commit()
    transport = _OverlapTransport()
    senders = [
        Dispatcher(app.session_factory, [transport], clock, after_sent=app.dispatcher.after_sent)
        for _ in range(4)
    ]

    def drain(sender: Dispatcher) -> None:
        async def rounds() -> None:
            for _ in range(10_000):
                await sender.dispatch_due()
                with app.session_factory() as session:
                    open_rows = session.scalar(
                        select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
                    )
                if not open_rows:
                    return
                await asyncio.sleep(0.001)

        asyncio.run(rounds())

    threads = [threading.Thread(target=drain, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert transport.overlaps == 0
    assert sum(len(v) for v in transport.sent.values()) == chats * per_chat
    for chat_id, numbers in transport.sent.items():
        assert numbers == list(range(per_chat)), chat_id
    assert set(_statuses(app)) == {OutboxStatus.SENT}


def test_an_event_queues_its_replies_claimed_only_where_the_chat_is_free(
    app: App, clock: FakeClock
) -> None:
    # Several rows in one statement: each is claimed unless its chat had an open row before;
    # rows of one event do not hold each other back, and ids keep the order they were given.
    _queue(app, clock, "bo", "b0")
    token = outbox.new_token()
    items = [
        Outgoing("console", chat, SendMessage(text))
        for chat, text in [("anna", "a1"), ("bo", "b1"), ("anna", "a2"), ("cas", "c1")]
    ]
    with app.session_factory.begin() as session:
        claimed = outbox.enqueue(session, items, clock, claim_for=token)
    assert [(c.chat_id, c.payload["text"]) for c in claimed] == [
        ("anna", "a1"),
        ("anna", "a2"),
        ("cas", "c1"),
    ]
    assert [c.id for c in claimed] == sorted(c.id for c in claimed)
    with app.session_factory() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.payload["text"], r.status, r.claimed_by) for r in rows] == [
            ("b0", OutboxStatus.PENDING, None),
            ("a1", OutboxStatus.SENDING, token),
            ("b1", OutboxStatus.PENDING, None),
            ("a2", OutboxStatus.SENDING, token),
            ("c1", OutboxStatus.SENDING, token),
        ]
    # One reply alone takes the same road.
    with app.session_factory.begin() as session:
        (alone,) = outbox.enqueue(
            session, [Outgoing("console", "dirk", SendMessage("d1"))], clock, claim_for=token
        )
        assert (
            outbox.enqueue(
                session, [Outgoing("console", "bo", SendMessage("b2"))], clock, claim_for=token
            )
            == []
        )
    # All marked sent at once, each with its own platform id; a row of another claim is not.
    stranger = dataclasses.replace(claimed[0], id=rows[0].id, token="someone-else")
    done = [(c, f"r-{c.payload['text']}") for c in [*claimed, alone]]
    with app.session_factory() as session:
        outbox.mark_sent(session, done, clock, outbox.AfterSent())
        outbox.mark_sent(session, [(stranger, "no")], clock, outbox.AfterSent())
    with app.session_factory() as session:
        marked = {
            r.payload["text"]: (r.status, r.remote_id, r.claimed_by)
            for r in session.scalars(select(OutboxMessage))
        }
    for text in ("a1", "a2", "c1", "d1"):
        assert marked[text] == (OutboxStatus.SENT, f"r-{text}", None)
    assert marked["b0"] == (OutboxStatus.PENDING, None, None)


def test_what_follows_a_sent_row_comes_from_the_table_the_sender_is_given(
    app: App, clock: FakeClock
) -> None:
    """No hook registers itself: `mark_sent` runs the hook of a row's kind from the table it is
    handed, in the transaction that marks the row; the composition root builds the app's."""
    token = outbox.new_token()
    with app.session_factory.begin() as session:
        first, second = outbox.enqueue(
            session,
            [
                Outgoing("console", "ann", SendMessage("one")),
                Outgoing("console", "bo", SendMessage("two")),
            ],
            clock,
            claim_for=token,
        )
    seen: list[tuple[str, str | None, bool]] = []

    def hook(session: Session, row: outbox.Claimed, remote: str | None, _: object) -> None:
        seen.append((row.payload["text"], remote, session.in_transaction()))

    table = outbox.AfterSent({"send": hook})
    assert outbox.fast_mark_token([(second, "r2")], table) is None  # a hook: the ordinary road
    assert outbox.fast_mark_token([(second, "r2")], outbox.AfterSent()) == token
    with app.session_factory() as session:
        outbox.mark_sent(session, [(first, "r1")], clock, outbox.AfterSent())
        outbox.mark_sent(session, [(second, "r2")], clock, table)
    assert seen == [("two", "r2", True)]
    assert _statuses(app)[-2:] == [OutboxStatus.SENT, OutboxStatus.SENT]
    # The app's table: a room the bot made is stored, a sealed code whose fallback went is void.
    assert set(app.dispatcher.after_sent.hooks) == {"create_room", "sealed"}
