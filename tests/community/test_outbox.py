"""The outbox: nothing lost, nothing twice, in order per chat; also across a killed process."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.engine.port import SendError
from community.clock import FakeClock
from community.models import OutboxMessage, OutboxStatus
from community.services import outbox
from tests.support.chat import Chat
from tests.support.transport import RecordingTransport

ROOT = Path(__file__).resolve().parents[2]


def _queue(
    app: App, clock: FakeClock, chat_id: str, text: str, key: str | None = None
) -> int | None:
    with app.session_factory.begin() as session:
        return outbox.enqueue(
            session,
            platform="console",
            chat_id=chat_id,
            payload={"text": text},
            clock=clock,
            key=key,
        )


def _dispatch(app: App) -> int:
    return asyncio.run(app.dispatcher.dispatch_due())


def _statuses(app: App) -> list[OutboxStatus]:
    with app.session_factory() as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_replies_go_through_the_outbox_and_are_marked_sent(chat: Chat, app: App) -> None:
    chat.say("anna: /start ARNHEM")
    with app.session_factory() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.status is OutboxStatus.SENT and row.remote_id == f"remote-{row.id}"
        assert row.sent_at is not None and row.person_id is not None


def test_idempotency_key_queues_once(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    assert _queue(app, clock, "anna", "tip", key="prompt:1:parent:1") is not None
    assert _queue(app, clock, "anna", "tip", key="prompt:1:parent:1") is None
    assert _dispatch(app) == 1 and _dispatch(app) == 0
    assert [m.text for m in transport.sent] == ["tip"]


def test_failure_keeps_the_chat_in_order_and_respects_retry_after(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    for text in ("a1", "a2"):
        _queue(app, clock, "anna", text)
    _queue(app, clock, "bo", "b1")
    transport.fail_next.append(SendError("429", retry_after=30))
    assert _dispatch(app) == 1  # bo's message goes; anna's wait, in order
    assert [m.text for m in transport.sent] == ["b1"]
    clock.advance(seconds=10)
    assert _dispatch(app) == 0
    clock.advance(seconds=21)
    assert _dispatch(app) == 2
    assert [m.text for m in transport.sent] == ["b1", "a1", "a2"]


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


def test_erasure_removes_what_was_queued_for_the_person(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    with app.session_factory.begin() as session:
        person_id = session.scalars(select(OutboxMessage.person_id)).first()
        outbox.enqueue(
            session,
            platform="console",
            chat_id="anna",
            payload={"text": "later"},
            clock=clock,
            person_id=person_id,
        )
    chat.say("anna: /stop")
    chat.say("anna: 1")
    chat.say("anna: 1")
    with app.session_factory() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert [row.payload["text"] for row in rows] == ["Done. I erased all your data. Goodbye!"]


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
    for _ in range(2):  # resume twice: the second finds nothing left
        done = _worker("resume", database_url, "2026-09-01T09:00:05+00:00", str(log))
        assert done.returncode == 0, done.stderr
    sent = _sent_lines(log)
    assert [line["text"] for line in sent] == ["Kies je taal.\nChoose your language."]


def test_killed_after_claiming_resends_once_the_claim_expires(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "sent.jsonl"
    assert _worker("queue-and-die", database_url, "2026-09-01T09:00:00+00:00").returncode == -9
    assert _worker("claim-and-die", database_url, "2026-09-01T09:00:01+00:00").returncode == -9
    # Still claimed by the dead process: not sent yet, not lost.
    _worker("resume", database_url, "2026-09-01T09:00:30+00:00", str(log))
    assert _sent_lines(log) == []
    _worker("resume", database_url, "2026-09-01T09:02:00+00:00", str(log))
    _worker("resume", database_url, "2026-09-01T09:03:00+00:00", str(log))
    assert len(_sent_lines(log)) == 1


def test_a_message_held_by_another_sender_holds_back_later_ones_to_that_chat(
    app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _queue(app, clock, "anna", "a1")
    with app.session_factory() as session:
        (held,) = outbox.claim_due(session, ["console"], clock, limit=1)  # another sender
    _queue(app, clock, "anna", "a2")
    _queue(app, clock, "bo", "b1")
    assert _dispatch(app) == 1
    assert [m.text for m in transport.sent] == ["b1"]
    clock.advance(seconds=outbox.CLAIM_SECONDS + 1)  # that sender died; its claim runs out
    assert _dispatch(app) == 2
    assert [m.text for m in transport.sent] == ["b1", "a1", "a2"]
    assert held.payload["text"] == "a1"


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
    assert app.dispatcher.prune(app.settings.sent_retention_days) == 1
    with app.session_factory() as session:
        texts = sorted(row.payload["text"] for row in session.scalars(select(OutboxMessage)))
    assert texts == ["new", "recent"]
