"""Claims belong to a living process: another process takes over a dead one's claims within
5 seconds, never a living one's however slow it is, and a process that stops cleanly leaves
nothing held (community/services/senders.py). The clock is a FakeClock shared by the two
"processes" (two apps on one database); beats are written by hand where the time matters."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from community.actions import SendMessage
from community.clock import FakeClock
from community.models import OutboxMessage, OutboxStatus, SenderProcess
from community.services import outbox, senders
from community.services.outbox import Claimed, Outgoing
from config import Settings
from tests.support.transport import RecordingTransport


@pytest.fixture
def apps(settings: Settings, clock: FakeClock) -> Iterator[list[tuple[App, RecordingTransport]]]:
    """Makes apps on the test database, each with its own recording transport."""
    made: list[tuple[App, RecordingTransport]] = []
    yield made
    for app, _ in made:
        app.close()


def _start(apps: list[tuple[App, RecordingTransport]], settings: Settings, clock: FakeClock):  # type: ignore[no-untyped-def]
    transport = RecordingTransport()
    app = build_app(settings, [transport], clock=clock, migrate=True)
    apps.append((app, transport))
    return app, transport


def _claim_reply(app: App, clock: FakeClock, texts: list[str]) -> list[Claimed]:
    """A reply of several messages to anna, claimed by `app` as its engine does."""
    items = [Outgoing("console", "anna", SendMessage(text)) for text in texts]
    with app.session_factory.begin() as session:
        return outbox.enqueue(
            session, items, clock, claim_for=outbox.new_token(), owner=app.engine.owner
        )


def _queue(app: App, clock: FakeClock, text: str) -> None:
    with app.session_factory.begin() as session:
        outbox.enqueue_all(session, [Outgoing("console", "anna", SendMessage(text))], clock)


def _dispatch(app: App) -> int:
    return asyncio.run(app.dispatcher.dispatch_due())


def _texts(transport: RecordingTransport) -> list[str]:
    return [d.action.text for d in transport.sent if isinstance(d.action, SendMessage)]


def test_a_dead_process_claims_are_taken_over_within_5_seconds(apps, settings, clock) -> None:  # type: ignore[no-untyped-def]
    first, first_sent = _start(apps, settings, clock)
    claimed = _claim_reply(first, clock, ["welcome 1", "welcome 2", "welcome 3"])
    assert len(claimed) == 3
    first.heartbeat.halt()  # killed while sending: no close, no more beats
    _queue(first, clock, "a later reply")  # queued behind the held welcome
    second, second_sent = _start(apps, settings, clock)
    clock.advance(seconds=senders.STALE_SECONDS - 1)
    assert _dispatch(second) == 0  # the first may still live: its claims hold
    clock.advance(seconds=2)  # 5 s after its last beat, not the claim's 120 s
    assert _dispatch(second) == 4
    assert _texts(second_sent) == ["welcome 1", "welcome 2", "welcome 3", "a later reply"]
    assert first_sent.sent == []
    # Had the first one only been slow, it could not mark what is no longer its claim.
    with second.session_factory() as session:
        outbox.mark_sent(session, [(claimed[0], "late")], clock, outbox.AfterSent())
        row = session.get(OutboxMessage, claimed[0].id)
        assert row is not None and row.remote_id != "late"


def test_a_living_slow_sender_is_never_overtaken(apps, settings, clock) -> None:  # type: ignore[no-untyped-def]
    first, first_sent = _start(apps, settings, clock)
    second, second_sent = _start(apps, settings, clock)
    claimed = _claim_reply(first, clock, ["welcome 1", "welcome 2"])
    for _ in range(9):  # 90 s of a sender that is slow but beats
        clock.advance(seconds=10)
        first.heartbeat.beat()
        assert _dispatch(second) == 0
    assert asyncio.run(first.dispatcher.deliver(claimed)) == 2
    assert _dispatch(second) == 0
    assert _texts(first_sent) == ["welcome 1", "welcome 2"]
    assert second_sent.sent == []  # nothing twice
    with first.session_factory() as session:
        statuses = set(session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}


def test_a_process_that_stops_cleanly_leaves_nothing_held(apps, settings, clock) -> None:  # type: ignore[no-untyped-def]
    first, _ = _start(apps, settings, clock)
    _claim_reply(first, clock, ["welcome"])
    first.close()  # its claims are free at once: no wait at all
    apps.remove((first, _))
    second, second_sent = _start(apps, settings, clock)
    assert _dispatch(second) == 1
    assert _texts(second_sent) == ["welcome"]


def test_a_start_forgets_the_processes_that_are_gone(apps, settings, clock) -> None:  # type: ignore[no-untyped-def]
    first, _ = _start(apps, settings, clock)
    first.heartbeat.halt()
    clock.advance(seconds=senders.STALE_SECONDS + 1)
    second, _ = _start(apps, settings, clock)
    with second.session_factory() as session:
        owners = set(session.scalars(select(SenderProcess.id)))
    assert owners == {second.heartbeat.owner}
