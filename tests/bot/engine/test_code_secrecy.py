"""A one-time code is never readable from the database or the logs, and guessing codes is slowed
down: 5 wrong codes a minute per person, strangers included."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import inspect, select, text

from bot.app import App
from bot.engine.types import Incoming
from community.clock import FakeClock
from community.models import CodeTry, RoleCode
from community.services import outbox
from tests.support.chat import Chat

TOO_MANY = "Too many tries. Wait 1 minute."


def _make_code(chat: Chat) -> str:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    said = chat.say("admin: professional")
    return next(t for t in said if t.startswith("/start ")).split()[1]


def _every_text_in_the_database(app: App) -> str:
    """Every row of every table, as text."""
    with app.session_factory() as session:
        tables = inspect(session.get_bind()).get_table_names()
        rows = [
            repr(tuple(row))
            for table in tables
            for row in session.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608
        ]
    return "\n".join(rows)


def test_the_code_reaches_the_chat_but_no_table_and_no_log(
    chat: Chat, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code = _make_code(chat)
    chat.say(f"pim: /start {code}")
    chat.say("pim: English")
    assert code not in _every_text_in_the_database(app)
    assert code not in caplog.text
    with app.session_factory() as session:
        payloads = [str(p) for p in session.scalars(text("SELECT payload FROM outbox_message"))]
    # What is stored in the code's place is what goes out should the code not.
    assert any("Your code was not sent. Type /code again." in p for p in payloads)


def test_a_code_not_sent_before_a_stop_is_replaced_and_void(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    # The process stops after the event is handled and before its replies are sent.
    claimed = app.engine.handle(Incoming.from_text("console", "admin", "admin", True, "2"))
    code = next(
        c.payload["text"].split()[1] for c in claimed if c.payload["text"].startswith("/start ")
    )
    clock.advance(seconds=outbox.CLAIM_SECONDS + 1)
    before = len(chat.transport.sent)
    asyncio.run(app.dispatcher.dispatch_due())
    texts = [d.action.text for d in chat.transport.sent[before:]]  # type: ignore[attr-defined]
    assert "Your code was not sent. Type /code again." in texts
    assert not any(code in t for t in texts)
    with app.session_factory() as session:
        assert session.scalars(select(RoleCode)).all() == []  # voided: nobody knows it
    assert chat.say(f"pim: /start {code}")[0].startswith("Die code ken ik niet.")


def test_a_failed_send_of_the_code_is_replaced_too(chat: Chat, app: App, clock: FakeClock) -> None:
    from bot.engine.port import SendError

    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    chat.transport.fail_next = [SendError("network down")]  # "New code for..." fails first
    chat.say("admin: 2")
    clock.advance(minutes=5)
    texts = [m.text for m in chat.send(Incoming.from_text("console", "admin", "admin", True, "hi"))]
    assert "Your code was not sent. Type /code again." in texts
    assert not any(t.startswith("/start ") for t in texts)


def test_wrong_codes_are_slowed_per_person_and_a_right_one_waits_too(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    code = _make_code(chat)
    for n in range(5):
        assert chat.say(f"stranger: /start WRONG{n}")[0].startswith("Die code ken ik niet.")
    assert chat.say("stranger: /start WRONG5") == ["Te vaak geprobeerd. Wacht 1 minuut."]
    assert chat.say(f"stranger: /start {code}") == ["Te vaak geprobeerd. Wacht 1 minuut."]
    assert chat.say("stranger: /start ARNHEM") == ["Te vaak geprobeerd. Wacht 1 minuut."]
    # Somebody else is not slowed, and nothing else is.
    assert chat.say("other: /start WRONG")[0].startswith("Die code ken ik niet.")
    assert chat.say("stranger: /help")[0].startswith("Stuur /start en je code")
    with app.session_factory() as session:
        whos = session.scalars(select(CodeTry.who)).all()
        assert len(whos) == 6 and not any("stranger" in who or "other" in who for who in whos)
    clock.advance(minutes=1)
    chat.say(f"stranger: /start {code}")
    assert chat.say("stranger: English")[0].startswith("Welcome! You are now professional")
    with app.session_factory() as session:
        # The tries are forgotten after their minute (nightly too, for who never came back).
        assert session.scalars(select(CodeTry)).all() == []


def test_the_nightly_housekeeping_forgets_wrong_tries(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    from community.services import housekeeping

    chat.say("stranger: /start WRONG")
    clock.advance(minutes=1)
    with app.session_factory() as session:
        assert (
            housekeeping.run(session, clock, app.settings, app.translator)["wrong code tries"] == 1
        )
        assert session.scalars(select(CodeTry)).all() == []
